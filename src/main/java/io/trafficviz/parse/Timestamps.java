package io.trafficviz.parse;

/**
 * The two timestamp shapes Traefik writes, parsed straight from the line's chars into epoch millis.
 *
 * <p>Hand-written because java.time's formatters allocate several objects per call, which shows on the hot path.
 */
final class Timestamps {
    /** Returned for anything that is not a valid timestamp of the expected shape. */
    static final long INVALID = Long.MIN_VALUE;

    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

    private Timestamps() {
    }

    /**
     * Go's {@code time.RFC3339Nano} as written by encoding/json, e.g. {@code 2025-07-15T13:14:33.78718654Z} or
     * {@code 2025-07-15T15:14:33+02:00}; the fraction is optional and truncated to millis.
     */
    static long parseRfc3339(CharSequence s, int from, int to) {
        if (to - from < 20) {
            return INVALID;
        }
        int year = digits(s, from, 4);
        int month = digits(s, from + 5, 2);
        int day = digits(s, from + 8, 2);
        int hour = digits(s, from + 11, 2);
        int minute = digits(s, from + 14, 2);
        int second = digits(s, from + 17, 2);
        char t = s.charAt(from + 10);
        if (s.charAt(from + 4) != '-' || s.charAt(from + 7) != '-' || (t != 'T' && t != 't')
                || s.charAt(from + 13) != ':' || s.charAt(from + 16) != ':') {
            return INVALID;
        }
        int i = from + 19;
        int millis = 0;
        if (s.charAt(i) == '.') {
            int fractionStart = ++i;
            while (i < to && isDigit(s.charAt(i))) {
                if (i - fractionStart < 3) {
                    millis = millis * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int fractionDigits = i - fractionStart;
            if (fractionDigits == 0) {
                return INVALID;
            }
            for (int pad = fractionDigits; pad < 3; pad++) {
                millis *= 10;
            }
        }
        if (i >= to) {
            return INVALID;
        }
        int offsetSeconds;
        char zone = s.charAt(i);
        if (zone == 'Z' || zone == 'z') {
            offsetSeconds = 0;
            i++;
        } else if ((zone == '+' || zone == '-') && to - i == 6 && s.charAt(i + 3) == ':') {
            int offHours = digits(s, i + 1, 2);
            int offMinutes = digits(s, i + 4, 2);
            offsetSeconds = offsetSeconds(zone, offHours, offMinutes);
            if (offsetSeconds == BAD_OFFSET) {
                return INVALID;
            }
            i += 6;
        } else {
            return INVALID;
        }
        if (i != to) {
            return INVALID;
        }
        return toEpochMillis(year, month, day, hour, minute, second, millis, offsetSeconds);
    }

    /**
     * Traefik's CLF time, {@code 02/Jan/2006:15:04:05 -0700} (exactly 26 bytes), from a line's bytes (or one byte
     * per char, non-ASCII ones never matching).
     */
    static long parseClf(byte[] s, int from, int to) {
        if (to - from != 26) {
            return INVALID;
        }
        int day = digits(s, from, 2);
        int month = monthNumber(s, from + 3);
        int year = digits(s, from + 7, 4);
        int hour = digits(s, from + 12, 2);
        int minute = digits(s, from + 15, 2);
        int second = digits(s, from + 18, 2);
        char sign = (char) s[from + 21];
        int offHours = digits(s, from + 22, 2);
        int offMinutes = digits(s, from + 24, 2);
        int offsetSeconds = offsetSeconds(sign, offHours, offMinutes);
        if (s[from + 2] != '/' || s[from + 6] != '/' || s[from + 11] != ':'
                || s[from + 14] != ':' || s[from + 17] != ':' || s[from + 20] != ' '
                || offsetSeconds == BAD_OFFSET) {
            return INVALID;
        }
        return toEpochMillis(year, month, day, hour, minute, second, 0, offsetSeconds);
    }

    private static int monthNumber(byte[] s, int at) {
        for (int m = 0; m < 12; m++) {
            if (s[at] == MONTHS.charAt(m * 3) && s[at + 1] == MONTHS.charAt(m * 3 + 1)
                    && s[at + 2] == MONTHS.charAt(m * 3 + 2)) {
                return m + 1;
            }
        }
        return -1;
    }

    private static int digits(byte[] s, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            byte c = s[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static final int BAD_OFFSET = Integer.MIN_VALUE;

    /** Offsets up to ±18:00 like java.time; real zones stay within -12:00..+14:00, so more means a corrupt line. */
    private static int offsetSeconds(char sign, int hours, int minutes) {
        if ((sign != '+' && sign != '-') || hours < 0 || minutes < 0 || minutes > 59 || hours * 60 + minutes > 18 * 60) {
            return BAD_OFFSET;
        }
        return (hours * 3600 + minutes * 60) * (sign == '-' ? -1 : 1);
    }

    private static long toEpochMillis(int year, int month, int day, int hour, int minute, int second, int millis,
                                      int offsetSeconds) {
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return INVALID;
        }
        long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return seconds * 1000L + millis;
    }

    /** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
    static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    private static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
                return leap ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** The non-negative value of {@code count} ASCII digits at {@code at}, or -1 if any is not a digit. */
    private static int digits(CharSequence s, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
