package io.trafficviz.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads Traefik's two CLF flavours (see Traefik's {@code CommonLogFormatter} / {@code GenericCLFLogFormatter}) from a
 * line's bytes, in place, into an {@link AccessLogEntry}:
 *
 * <pre>
 * genericCLF: ClientHost - ClientUsername [02/Jan/2006:15:04:05 -0700] "Method Path Protocol"
 *             DownstreamStatus DownstreamContentSize "Referer" "User-Agent"
 * common:     the same, then: RequestCount "RouterName" "ServiceURL" Durationms
 * </pre>
 *
 * <p>Traefik does not escape what it writes here (3.7 started escaping {@code "} as {@code \"} in the quoted fields,
 * not backslashes), and several fields can contain spaces or quotes: ClientHost is the raw X-Forwarded-For header
 * ({@code "a, b"}), RouterName can be {@code "a@file -> b@file"}, User-Agents contain anything. So fields are found by
 * the structure around them rather than by splitting on spaces: the common tail is read from the right, the
 * referer ends at the first unescaped {@code " "}, and the User-Agent is whatever is left between them.
 *
 * <p>Every field boundary is an ASCII char, so the search runs over bytes whatever the line holds. A line in plain ASCII
 * (nearly all of them) is read straight from its bytes: a byte's index is its char's, Strings are Latin-1 copies or
 * come from byte-keyed {@link ValueCaches}. A line with other bytes is decoded once (as UTF-8, malformed bytes as
 * U+FFFD), and the search runs over one byte per char (non-ASCII chars as {@code 0x80}), so that widths, indexes
 * and columns count chars, and values are taken from the decoded text. Only a line holding a backslash unescapes
 * {@code \"}.
 *
 * <p>Not thread-safe (keeps the current line in fields); see {@link ValueCaches} for sharing its caches.
 */
final class ClfScanner {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** Stands for a non-ASCII char in {@link #perChar}: it matches none of the ASCII the search looks for. */
    private static final byte NON_ASCII = (byte) 0x80;
    /** Longer lines get a scratch array of their own, not kept for the next line. */
    private static final int MAX_KEPT_SCRATCH = 1 << 16;

    private final ValueCaches caches;
    private byte[] b;
    /** Where the line starts and ends, untrimmed: searches run to its end, columns count from its start. */
    private int lineStart;
    private int lineLimit;
    /** The decoded line when it is not plain ASCII (then {@link #b} is {@link #perChar}), else null. */
    private String decoded;
    /** Whether the line holds a backslash, so that quoted values may hold {@code \"}. */
    private boolean escapes;
    private byte[] perChar = new byte[256];
    /** The last parsed time's {@code dd/Mon/yyyy:HH:MM} and zone, and the epoch millis of that minute in that zone. */
    private final byte[] minute = new byte[23];
    private long minuteMillis = Timestamps.INVALID;

    ClfScanner(ValueCaches caches) {
        this.caches = caches;
    }

    /**
     * Fills {@code into} (already reset) from {@code bytes[start, end)}, the part of the UTF-8 line
     * {@code bytes[lineFrom, lineTo)} left after trimming ASCII blanks.
     *
     * @param text     the String the bytes were encoded from, or null: read instead of decoding the bytes again, and
     *                 instead of the bytes when it holds an unpaired surrogate (which encodes as {@code ?})
     * @param expected {@link InputFormat#AUTO} to tell common and genericCLF apart by the line's ending, or the one
     *                 format the line must be in
     */
    void scan(byte[] bytes, int lineFrom, int lineTo, int start, int end, InputFormat expected, String text,
              AccessLogEntry into) throws MalformedLineException {
        long flags = flags(bytes, lineFrom, lineTo);
        if ((flags & HIGHS) != 0
                || (text != null && !TraefikLogParser.encodesExactly(bytes, lineFrom, lineTo - lineFrom, text))) {
            scanText(text != null ? text : new String(bytes, lineFrom, lineTo - lineFrom, StandardCharsets.UTF_8),
                    expected, into);
            return;
        }
        b = bytes;
        lineStart = lineFrom;
        lineLimit = lineTo;
        escapes = flags != 0;
        try {
            parseFields(start, end, expected, into);
        } finally {
            b = null;
        }
    }

    /**
     * Fills {@code into} (already reset) from a line's text: what {@link #scan} does with a line that is not plain
     * ASCII, searching one byte per char.
     */
    void scanText(String line, InputFormat expected, AccessLogEntry into) throws MalformedLineException {
        int from = 0;
        int to = line.length();
        while (from < to && isBlank(line.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(line.charAt(to - 1))) {
            to--;
        }
        if (from == to) {
            throw new MalformedLineException("empty line");
        }
        readChars(line);
        try {
            parseFields(from, to, expected, into);
        } finally {
            b = null;
            decoded = null;
        }
    }

    /**
     * 0 for a line of plain ASCII without a backslash; else the high bits of its bytes (non-zero if any is not
     * ASCII), or 1 for a backslash in ASCII. One pass, eight bytes at a time.
     */
    private static long flags(byte[] bytes, int from, int to) {
        int i = from;
        long high = 0;
        long backslash = 0;
        for (; i + 8 <= to; i += 8) {
            long word = (long) LONGS.get(bytes, i);
            long x = word ^ BACKSLASHES;
            backslash |= (x - ONES) & ~x;
            high |= word;
        }
        for (; i < to; i++) {
            byte c = bytes[i];
            high |= c & 0x80;
            if (c == '\\') {
                backslash = HIGHS;
            }
        }
        high &= HIGHS;
        return high != 0 ? high : (backslash & HIGHS) != 0 ? 1 : 0;
    }

    /** Lays the decoded line out one byte per char for the search. */
    private void readChars(String line) {
        int n = line.length();
        if (perChar.length < n && n <= MAX_KEPT_SCRATCH) {
            perChar = new byte[Math.max(n, Math.min(MAX_KEPT_SCRATCH, perChar.length * 2))];
        }
        byte[] out = n <= perChar.length ? perChar : new byte[n];
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            out[i] = c < 0x80 ? (byte) c : NON_ASCII;
        }
        b = out;
        decoded = line;
        lineStart = 0;
        lineLimit = n;
        escapes = line.indexOf('\\') >= 0;
    }

    /** Whitespace around a line, including a UTF-8 byte-order mark left at the start of a file. */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\uFEFF';
    }

    private void parseFields(int start, int end, InputFormat expected, AccessLogEntry e) throws MalformedLineException {
        // ClientHost: everything before the ident placeholder, because an X-Forwarded-For list contains spaces.
        int identSeparator = indexOf3(' ', '-', ' ', start);
        if (identSeparator < 0 || identSeparator >= end) {
            throw error("missing ' - ' after the client host", start);
        }
        e.clientHost = text(start, identSeparator, caches.clientHost);
        e.firstClientHost = ForwardedFor.first(e.clientHost);

        int userStart = identSeparator + 3;
        int bracket = findTimestampBracket(userStart, end);
        if (bracket < 0) {
            throw error("missing [timestamp]", userStart);
        }
        e.clientUsername = text(userStart, bracket - 1, null);

        int timeStart = bracket + 1;
        int timeEnd = indexOf(']', timeStart);
        if (!(timeEnd - timeStart == 1 && b[timeStart] == '-')) {
            e.startMillis = timestamp(timeStart, timeEnd);
        }

        // The request line is not escaped and its path may hold quotes: it ends at the '" ' that precedes a status.
        int requestStart = timeEnd + 3;
        int requestEnd = findRequestEnd(requestStart, end);
        int firstSpace = indexOf(' ', requestStart);
        int lastSpace = lastIndexOf(' ', requestEnd - 1);
        if (firstSpace < 0 || firstSpace >= lastSpace || lastSpace < requestStart) {
            throw error("request is not \"<method> <path> <protocol>\"", requestStart);
        }
        e.requestMethod = text(requestStart, firstSpace, caches.method);
        e.requestPath = text(firstSpace + 1, lastSpace, null);
        e.requestProtocol = text(lastSpace + 1, requestEnd, caches.protocol);

        int statusStart = requestEnd + 2;
        int statusEnd = statusTokenEnd(statusStart, end); // findRequestEnd guaranteed a token and a space after it
        if (b[statusStart] == '-') {
            throw error("missing status", statusStart);
        }
        e.downstreamStatus = (int) digits(statusStart, statusEnd, 3, "status");

        int sizeStart = statusEnd + 1;
        int sizeEnd = indexOf(' ', sizeStart);
        if (sizeEnd < 0 || sizeEnd >= end) {
            throw error("missing referer and user agent", sizeStart);
        }
        e.downstreamContentSize = dashOrDigits(sizeStart, sizeEnd, "size");

        int quotedStart = sizeEnd + 1;
        int quotedEnd = end;
        boolean common;
        byte last = b[end - 1];
        if (last == '"') {
            common = false;
        } else if (last == 's' && end - 2 > quotedStart && b[end - 2] == 'm') {
            common = true;
        } else {
            throw error("line ends with neither '\"' (genericCLF) nor '<duration>ms' (common)", end - 1);
        }
        if (expected == InputFormat.COMMON && !common) {
            throw new MalformedLineException("common: no trailing RequestCount/RouterName/ServiceURL/Duration"
                    + " (is this genericCLF?)");
        }
        if (expected == InputFormat.GENERIC_CLF && common) {
            throw new MalformedLineException("genericCLF: unexpected trailing '<duration>ms' fields"
                    + " (is this the common format?)");
        }
        if (common) {
            quotedEnd = parseCommonTail(quotedStart, end, e);
            e.format = AccessLogEntry.Format.COMMON;
        } else {
            e.format = AccessLogEntry.Format.GENERIC_CLF;
        }
        parseRefererAndUserAgent(quotedStart, quotedEnd, e);

        // No ServiceName in CLF; a ServiceURL means a backend was picked, so treat its status as the origin's.
        e.originStatus = e.serviceUrl != null ? e.downstreamStatus : 0;
    }

    /**
     * The line's time: when its minute and zone ({@code 15/Jul/2025:12:00} and {@code +0000}) are the previous line's,
     * as they are for thousands of lines in a row, only its seconds are read; the rest was checked then.
     */
    private long timestamp(int from, int to) throws MalformedLineException {
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
            throw error("bad timestamp", from);
        }
        System.arraycopy(b, from, minute, 0, 17);
        System.arraycopy(b, from + 20, minute, 17, 6);
        minuteMillis = millis - ((b[from + 18] - '0') * 10 + (b[from + 19] - '0')) * 1000L;
        return millis;
    }

    /** Index of the '[' opening a timestamp ({@code [-]} or 26 chars) that is followed by {@code ] "}, or -1. */
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

    /** Index of the '"' closing the request line: the first {@code "} followed by a space, a status and a space. */
    private int findRequestEnd(int from, int end) throws MalformedLineException {
        int candidate = from - 1;
        while ((candidate = indexOf2('"', ' ', candidate + 1)) >= 0 && candidate < end) {
            int tokenEnd = statusTokenEnd(candidate + 2, end);
            if (tokenEnd > 0 && tokenEnd < end && b[tokenEnd] == ' ') {
                return candidate;
            }
        }
        throw error("unterminated request line", from - 1);
    }

    /** End of a status-like token (digits, or a lone '-') starting at {@code from}, or -1 if there is none. */
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

    /**
     * Reads {@code <RequestCount> "<RouterName>" "<ServiceURL>" <Duration>ms} from the right, so nothing in the
     * user agent can confuse it, and returns where the referer/user-agent part ends.
     */
    private int parseCommonTail(int lowest, int end, AccessLogEntry e) throws MalformedLineException {
        int msStart = end - 2;
        int durationStart = msStart;
        while (durationStart > lowest && isDigit(b[durationStart - 1])) {
            durationStart--;
        }
        if (durationStart == msStart || b[durationStart - 1] != ' ') {
            throw error("bad duration before 'ms'", durationStart);
        }
        e.durationNanos = digits(durationStart, msStart, 12, "duration") * 1_000_000L;

        int urlEnd = durationStart - 1;
        int urlStart = tokenStartBackwards(lowest, urlEnd, "ServiceURL");
        e.serviceUrl = quotedText(urlStart, urlEnd, caches.serviceUrl);

        int routerEnd = urlStart - 1;
        int routerStart = tokenStartBackwards(lowest, routerEnd, "RouterName");
        e.routerName = quotedText(routerStart, routerEnd, caches.router);

        int countEnd = routerStart - 1;
        int countStart = lastIndexOf(' ', countEnd - 1) + 1;
        if (countStart <= lowest) {
            throw error("missing RequestCount", countEnd);
        }
        e.requestCount = dashOrDigits(countStart, countEnd, "RequestCount");
        return countStart - 1;
    }

    /**
     * Start of the token ending (exclusively) at {@code tokenEnd}: a quoted field (quotes escaped as {@code \"} by
     * Traefik 3.7+ are skipped) or, as Traefik 2.1 wrote an absent ServiceURL, a bare word. It must follow a space.
     */
    private int tokenStartBackwards(int lowest, int tokenEnd, String name) throws MalformedLineException {
        int start;
        if (tokenEnd - 1 > lowest && b[tokenEnd - 1] == '"') {
            start = lastIndexOf('"', tokenEnd - 2);
            while (escapes && start > lowest && b[start - 1] == '\\') {
                start = lastIndexOf('"', start - 2);
            }
        } else {
            start = lastIndexOf(' ', tokenEnd - 1) + 1;
            if (start < tokenEnd && b[start] == '"') {
                throw error("unterminated quotes in " + name, start);
            }
        }
        if (start <= lowest || start >= tokenEnd || b[start - 1] != ' ') {
            throw error("bad " + name, Math.max(lowest, tokenEnd - 1));
        }
        return start;
    }

    /** {@code "<Referer>" "<User-Agent>"} in {@code [from, to)}; the referer ends at its first unescaped {@code " "}. */
    private void parseRefererAndUserAgent(int from, int to, AccessLogEntry e) throws MalformedLineException {
        if (to - from < 7 || b[from] != '"' || b[to - 1] != '"') {
            throw error("expected \"<referer>\" \"<user agent>\"", from);
        }
        int close = from;
        do {
            close = indexOf3('"', ' ', '"', close + 1);
            if (close < 0 || close + 3 >= to) {
                throw error("expected \"<referer>\" \"<user agent>\"", from);
            }
        } while (escapes && b[close - 1] == '\\');
        String referer = quotedText(from, close + 1, null);
        String userAgent = quotedText(close + 2, to, caches.userAgent);
        if (referer != null) {
            e.putHeader("request_Referer", referer);
        }
        if (userAgent != null) {
            e.putHeader("request_User-Agent", userAgent);
        }
    }

    /** The content of a {@code "..."} token (with {@code \"} unescaped) or a bare token; "-" and "" mean absent. */
    private String quotedText(int start, int end, ByteValueCache cache) {
        if (b[start] != '"') {
            return text(start, end, cache);
        }
        int contentStart = start + 1;
        int contentEnd = end - 1;
        if (escapes) {
            // Only a \" wholly inside the quotes counts: in a value ending with a backslash, the close quote follows it.
            int escape = indexOf2('\\', '"', contentStart);
            if (escape >= 0 && escape + 1 < contentEnd) {
                String content = decoded != null ? decoded.substring(contentStart, contentEnd)
                        : new String(b, contentStart, contentEnd - contentStart, StandardCharsets.ISO_8859_1);
                return content.replace("\\\"", "\"");
            }
        }
        return text(contentStart, contentEnd, cache);
    }

    /** A plain token, through {@code cache} when not null; Traefik's placeholder "-" (and nothing at all) become null. */
    private String text(int start, int end, ByteValueCache cache) {
        int length = end - start;
        if (length <= 0 || (length == 1 && b[start] == '-')) {
            return null;
        }
        if (decoded != null) {
            return decoded.substring(start, end);
        }
        return cache == null ? new String(b, start, length, StandardCharsets.ISO_8859_1) : cache.get(b, start, length);
    }

    private long dashOrDigits(int start, int end, String name) throws MalformedLineException {
        if (end - start == 1 && b[start] == '-') {
            return 0;
        }
        return digits(start, end, 18, name);
    }

    private long digits(int start, int end, int maxDigits, String name) throws MalformedLineException {
        if (start >= end) {
            throw error("missing " + name, start);
        }
        if (end - start > maxDigits) {
            throw error(name + " out of range", start);
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            byte c = b[i];
            if (!isDigit(c)) {
                throw error(name + " is not a number", start);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Columns count chars from 1 at the line's start, blanks included. */
    private MalformedLineException error(String what, int index) {
        return new MalformedLineException("clf: " + what + " at col " + (index - lineStart + 1));
    }

    // indexOf/lastIndexOf/startsWith over the line, which is b[lineStart, lineLimit).

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

    /** Returns lineStart - 1 when not found (String's -1, relative to the line's start). */
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
}
