package io.trafficviz.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path for Traefik's {@code common} and {@code genericCLF} lines: reads a line's bytes in place, without a
 * String per line, into an {@link AccessLogEntry}.
 *
 * <p>It is {@link ClfLineParser}'s algorithm step for step, over bytes. It only takes lines that are all ASCII and
 * hold no backslash: then a byte's index is its char's index in the decoded String, every String it makes is a plain
 * Latin-1 copy, and no {@code \"} needs unescaping, so what it finds is what {@link ClfLineParser} finds. Any other
 * line, and any line {@link ClfLineParser} would reject, makes {@link #scan} return false, and the caller decodes the
 * line and parses it as a String, which decides and words errors exactly as before. So this class never rejects a
 * line itself (asserted over generated, Traefik-written, hostile and randomly damaged lines by
 * {@code ClfByteScannerTest}).
 *
 * <p>Repeated values (client host, method, protocol, router, service URL, user agent) come from the byte-keyed
 * {@link ValueCaches}. Not thread-safe; see {@link ValueCaches} for sharing its caches.
 */
final class ClfByteScanner {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** "Use the general path": preallocated and without a stack trace, so bailing out costs little. */
    private static final class Fallback extends RuntimeException {
        Fallback() {
            super(null, null, false, false);
        }
    }

    private static final Fallback FALLBACK = new Fallback();

    private final ValueCaches caches;
    private byte[] b;
    /** Where the decoded String would start and end (untrimmed): {@link ClfLineParser}'s searches run to its end. */
    private int lineStart;
    private int lineLimit;
    /** The last parsed time's {@code dd/Mon/yyyy:HH:MM} and zone, and the epoch millis of that minute in that zone. */
    private final byte[] minute = new byte[23];
    private long minuteMillis = Timestamps.INVALID;

    ClfByteScanner(ValueCaches caches) {
        this.caches = caches;
    }

    /**
     * Fills {@code into} (already reset) from {@code bytes[start, end)}, the trimmed part of the line
     * {@code bytes[lineFrom, lineTo)}. Returns false when the line needs the general path; {@code into} is then in an
     * unspecified state.
     */
    boolean scan(byte[] bytes, int lineFrom, int lineTo, int start, int end, InputFormat expected,
                 AccessLogEntry into) {
        if (!plainAscii(bytes, lineFrom, lineTo)) {
            return false;
        }
        b = bytes;
        lineStart = lineFrom;
        lineLimit = lineTo;
        try {
            parseFields(start, end, expected, into);
            return true;
        } catch (RuntimeException needsGeneralPath) {
            // Fallback, or an index out of range on a damaged line: either way the general path decides.
            return false;
        } finally {
            b = null;
        }
    }

    /** No byte ≥ 0x80 and no backslash in {@code bytes[from, to)}, eight bytes at a time. */
    static boolean plainAscii(byte[] bytes, int from, int to) {
        int i = from;
        long seen = 0;
        for (; i + 8 <= to; i += 8) {
            long word = (long) LONGS.get(bytes, i);
            long x = word ^ BACKSLASHES;
            seen |= ((x - ONES) & ~x) | word;
        }
        for (; i < to; i++) {
            byte c = bytes[i];
            if (c < 0 || c == '\\') {
                return false;
            }
        }
        return (seen & HIGHS) == 0;
    }

    private void parseFields(int start, int end, InputFormat expected, AccessLogEntry e) {
        int identSeparator = indexOf3(' ', '-', ' ', start);
        if (identSeparator < 0 || identSeparator >= end) {
            throw FALLBACK;
        }
        e.clientHost = text(start, identSeparator, caches.clientHost);
        e.firstClientHost = ForwardedFor.first(e.clientHost);

        int userStart = identSeparator + 3;
        int bracket = findTimestampBracket(userStart, end);
        if (bracket < 0) {
            throw FALLBACK;
        }
        e.clientUsername = text(userStart, bracket - 1, null);

        int timeStart = bracket + 1;
        int timeEnd = indexOf(']', timeStart);
        if (!(timeEnd - timeStart == 1 && b[timeStart] == '-')) {
            e.startMillis = timestamp(timeStart, timeEnd);
        }

        int requestStart = timeEnd + 3;
        int requestEnd = findRequestEnd(requestStart, end);
        int firstSpace = indexOf(' ', requestStart);
        int lastSpace = lastIndexOf(' ', requestEnd - 1);
        if (firstSpace < 0 || firstSpace >= lastSpace || lastSpace < requestStart) {
            throw FALLBACK;
        }
        e.requestMethod = text(requestStart, firstSpace, caches.method);
        e.requestPath = text(firstSpace + 1, lastSpace, null);
        e.requestProtocol = text(lastSpace + 1, requestEnd, caches.protocol);

        int statusStart = requestEnd + 2;
        int statusEnd = statusTokenEnd(statusStart, end);
        if (b[statusStart] == '-') {
            throw FALLBACK;
        }
        e.downstreamStatus = (int) digits(statusStart, statusEnd, 3);

        int sizeStart = statusEnd + 1;
        int sizeEnd = indexOf(' ', sizeStart);
        if (sizeEnd < 0 || sizeEnd >= end) {
            throw FALLBACK;
        }
        e.downstreamContentSize = dashOrDigits(sizeStart, sizeEnd);

        int quotedStart = sizeEnd + 1;
        int quotedEnd = end;
        boolean common;
        byte last = b[end - 1];
        if (last == '"') {
            common = false;
        } else if (last == 's' && end - 2 > quotedStart && b[end - 2] == 'm') {
            common = true;
        } else {
            throw FALLBACK;
        }
        if ((expected == InputFormat.COMMON && !common) || (expected == InputFormat.GENERIC_CLF && common)) {
            throw FALLBACK;
        }
        if (common) {
            quotedEnd = parseCommonTail(quotedStart, end, e);
            e.format = AccessLogEntry.Format.COMMON;
        } else {
            e.format = AccessLogEntry.Format.GENERIC_CLF;
        }
        parseRefererAndUserAgent(quotedStart, quotedEnd, e);

        e.originStatus = e.serviceUrl != null ? e.downstreamStatus : 0;
    }

    /**
     * The line's time: when its minute and zone ({@code 15/Jul/2025:12:00} and {@code +0000}) are the previous line's,
     * as they are for thousands of lines in a row, only its seconds are read; the rest was checked then.
     */
    private long timestamp(int from, int to) {
        if (to - from == 26 && minuteMillis != Timestamps.INVALID
                && Arrays.equals(b, from, from + 17, minute, 0, 17)
                && Arrays.equals(b, from + 20, from + 26, minute, 17, 23) && b[from + 17] == ':') {
            int tens = b[from + 18] - '0';
            int units = b[from + 19] - '0';
            if (tens >= 0 && tens <= 5 && units >= 0 && units <= 9) {
                return minuteMillis + (tens * 10 + units) * 1000L;
            }
        }
        long millis = Timestamps.parseClf(b, from, to);
        if (millis == Timestamps.INVALID) {
            throw FALLBACK;
        }
        System.arraycopy(b, from, minute, 0, 17);
        System.arraycopy(b, from + 20, minute, 17, 6);
        minuteMillis = millis - ((b[from + 18] - '0') * 10 + (b[from + 19] - '0')) * 1000L;
        return millis;
    }

    private int findTimestampBracket(int from, int end) {
        int candidate = from - 1;
        while ((candidate = indexOf2(' ', '[', candidate + 1)) >= 0 && candidate < end) {
            int timeStart = candidate + 2;
            if (startsWith4(timeStart, '-', ']', ' ', '"') && timeStart + 4 <= end) {
                return candidate + 1;
            }
            if (timeStart + 29 <= end && startsWith3(timeStart + 26, ']', ' ', '"')) {
                return candidate + 1;
            }
        }
        return -1;
    }

    private int findRequestEnd(int from, int end) {
        int candidate = from - 1;
        while ((candidate = indexOf2('"', ' ', candidate + 1)) >= 0 && candidate < end) {
            int tokenEnd = statusTokenEnd(candidate + 2, end);
            if (tokenEnd > 0 && tokenEnd < end && b[tokenEnd] == ' ') {
                return candidate;
            }
        }
        throw FALLBACK;
    }

    private int statusTokenEnd(int from, int end) {
        if (from < end && b[from] == '-') {
            return from + 1;
        }
        int i = from;
        while (i < end && isDigit(b[i])) {
            i++;
        }
        return i > from ? i : -1;
    }

    private int parseCommonTail(int lowest, int end, AccessLogEntry e) {
        int msStart = end - 2;
        int durationStart = msStart;
        while (durationStart > lowest && isDigit(b[durationStart - 1])) {
            durationStart--;
        }
        if (durationStart == msStart || b[durationStart - 1] != ' ') {
            throw FALLBACK;
        }
        e.durationNanos = digits(durationStart, msStart, 12) * 1_000_000L;

        int urlEnd = durationStart - 1;
        int urlStart = tokenStartBackwards(lowest, urlEnd);
        e.serviceUrl = quotedText(urlStart, urlEnd, caches.serviceUrl);

        int routerEnd = urlStart - 1;
        int routerStart = tokenStartBackwards(lowest, routerEnd);
        e.routerName = quotedText(routerStart, routerEnd, caches.router);

        int countEnd = routerStart - 1;
        int countStart = lastIndexOf(' ', countEnd - 1) + 1;
        if (countStart <= lowest) {
            throw FALLBACK;
        }
        e.requestCount = dashOrDigits(countStart, countEnd);
        return countStart - 1;
    }

    /** As {@link ClfLineParser}'s, without the {@code \"} skipping: lines with a backslash never get here. */
    private int tokenStartBackwards(int lowest, int tokenEnd) {
        int start;
        if (tokenEnd - 1 > lowest && b[tokenEnd - 1] == '"') {
            start = lastIndexOf('"', tokenEnd - 2);
        } else {
            start = lastIndexOf(' ', tokenEnd - 1) + 1;
            if (start < tokenEnd && b[start] == '"') {
                throw FALLBACK;
            }
        }
        if (start <= lowest || start >= tokenEnd || b[start - 1] != ' ') {
            throw FALLBACK;
        }
        return start;
    }

    private void parseRefererAndUserAgent(int from, int to, AccessLogEntry e) {
        if (to - from < 7 || b[from] != '"' || b[to - 1] != '"') {
            throw FALLBACK;
        }
        int close = indexOf3('"', ' ', '"', from + 1);
        if (close < 0 || close + 3 >= to) {
            throw FALLBACK;
        }
        String referer = quotedText(from, close + 1, null);
        String userAgent = quotedText(close + 2, to, caches.userAgent);
        if (referer != null) {
            e.putHeader("request_Referer", referer);
        }
        if (userAgent != null) {
            e.putHeader("request_User-Agent", userAgent);
        }
    }

    /** The content of a {@code "..."} token or a bare token (no escapes to undo here); "-" and "" mean absent. */
    private String quotedText(int start, int end, ByteValueCache cache) {
        if (b[start] != '"') {
            return text(start, end, cache);
        }
        return text(start + 1, end - 1, cache);
    }

    /** A plain token; Traefik's placeholder "-" (and nothing at all) become null. */
    private String text(int start, int end, ByteValueCache cache) {
        int length = end - start;
        if (length <= 0 || (length == 1 && b[start] == '-')) {
            return null;
        }
        return cache == null ? new String(b, start, length, StandardCharsets.ISO_8859_1) : cache.get(b, start, length);
    }

    private long dashOrDigits(int start, int end) {
        if (end - start == 1 && b[start] == '-') {
            return 0;
        }
        return digits(start, end, 18);
    }

    private long digits(int start, int end, int maxDigits) {
        if (start >= end || end - start > maxDigits) {
            throw FALLBACK;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            byte c = b[i];
            if (!isDigit(c)) {
                throw FALLBACK;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    // String.indexOf/lastIndexOf/startsWith over the line's bytes (indexes are the String's plus lineStart).

    private int indexOf(char c, int from) {
        return indexOf((byte) c, Math.max(from, lineStart), lineLimit);
    }

    /** First {@code c} in {@code b[from, to)}, eight bytes at a time (String.indexOf is a vector intrinsic), or -1. */
    private int indexOf(byte c, int from, int to) {
        byte[] b = this.b;
        long pattern = (c & 0xFFL) * ONES;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i) ^ pattern;
            // Exact for the lowest match: a borrow only spoils the bytes above a real zero byte.
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf2(char c0, char c1, int from) {
        int i = Math.max(from, lineStart);
        while ((i = indexOf((byte) c0, i, lineLimit - 1)) >= 0) {
            if (b[i + 1] == c1) {
                return i;
            }
            i++;
        }
        return -1;
    }

    private int indexOf3(char c0, char c1, char c2, int from) {
        int i = Math.max(from, lineStart);
        while ((i = indexOf((byte) c0, i, lineLimit - 2)) >= 0) {
            if (b[i + 1] == c1 && b[i + 2] == c2) {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** Returns lineStart - 1 when not found, as String's -1 is relative to the line's start. */
    private int lastIndexOf(char c, int from) {
        for (int i = Math.min(from, lineLimit - 1); i >= lineStart; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return lineStart - 1;
    }

    private boolean startsWith3(int at, char c0, char c1, char c2) {
        return at >= lineStart && at + 3 <= lineLimit && b[at] == c0 && b[at + 1] == c1 && b[at + 2] == c2;
    }

    private boolean startsWith4(int at, char c0, char c1, char c2, char c3) {
        return at >= lineStart && at + 4 <= lineLimit && b[at] == c0 && b[at + 1] == c1 && b[at + 2] == c2
                && b[at + 3] == c3;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
