package io.trafficviz.parse;

/**
 * Reads Traefik's two CLF flavours (see Traefik's {@code CommonLogFormatter} / {@code GenericCLFLogFormatter}):
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
 * <p>Not thread-safe (keeps the current line in fields); use one instance per thread.
 */
final class ClfLineParser {
    private String s;
    private final ValueCache clientHosts = new ValueCache(256);
    private final ValueCache methods = new ValueCache(16);
    private final ValueCache protocols = new ValueCache(8);
    private final ValueCache routers = new ValueCache(64);
    private final ValueCache serviceUrls = new ValueCache(64);
    private final ValueCache userAgents = new ValueCache(64);

    /**
     * Fills {@code into} (already reset) from {@code line[start, end)}, which has been trimmed.
     *
     * @param expected {@link InputFormat#AUTO} to tell common and genericCLF apart by the line's ending, or the one
     *                 format the line must be in
     */
    void parse(String line, int start, int end, InputFormat expected, AccessLogEntry into)
            throws MalformedLineException {
        s = line;
        try {
            parseFields(start, end, expected, into);
        } finally {
            s = null;
        }
    }

    private void parseFields(int start, int end, InputFormat expected, AccessLogEntry e) throws MalformedLineException {
        // ClientHost: everything before the ident placeholder, because an X-Forwarded-For list contains spaces.
        int identSeparator = s.indexOf(" - ", start);
        if (identSeparator < 0 || identSeparator >= end) {
            throw error("missing ' - ' after the client host", start);
        }
        e.clientHost = text(start, identSeparator, clientHosts);
        e.firstClientHost = ForwardedFor.first(e.clientHost);

        int userStart = identSeparator + 3;
        int bracket = findTimestampBracket(userStart, end);
        if (bracket < 0) {
            throw error("missing [timestamp]", userStart);
        }
        e.clientUsername = text(userStart, bracket - 1);

        int timeStart = bracket + 1;
        int timeEnd = s.indexOf(']', timeStart);
        if (!(timeEnd - timeStart == 1 && s.charAt(timeStart) == '-')) {
            long millis = Timestamps.parseClf(s, timeStart, timeEnd);
            if (millis == Timestamps.INVALID) {
                throw error("bad timestamp", timeStart);
            }
            e.startMillis = millis;
        }

        // The request line is not escaped and its path may hold quotes: it ends at the '" ' that precedes a status.
        int requestStart = timeEnd + 3;
        int requestEnd = findRequestEnd(requestStart, end);
        int firstSpace = s.indexOf(' ', requestStart);
        int lastSpace = s.lastIndexOf(' ', requestEnd - 1);
        if (firstSpace < 0 || firstSpace >= lastSpace || lastSpace < requestStart) {
            throw error("request is not \"<method> <path> <protocol>\"", requestStart);
        }
        e.requestMethod = text(requestStart, firstSpace, methods);
        e.requestPath = text(firstSpace + 1, lastSpace);
        e.requestProtocol = text(lastSpace + 1, requestEnd, protocols);

        int statusStart = requestEnd + 2;
        int statusEnd = statusTokenEnd(statusStart, end); // findRequestEnd guaranteed a token and a space after it
        if (s.charAt(statusStart) == '-') {
            throw error("missing status", statusStart);
        }
        e.downstreamStatus = (int) digits(statusStart, statusEnd, 3, "status");

        int sizeStart = statusEnd + 1;
        int sizeEnd = s.indexOf(' ', sizeStart);
        if (sizeEnd < 0 || sizeEnd >= end) {
            throw error("missing referer and user agent", sizeStart);
        }
        e.downstreamContentSize = dashOrDigits(sizeStart, sizeEnd, "size");

        int quotedStart = sizeEnd + 1;
        int quotedEnd = end;
        boolean common;
        char last = s.charAt(end - 1);
        if (last == '"') {
            common = false;
        } else if (last == 's' && end - 2 > quotedStart && s.charAt(end - 2) == 'm') {
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

    /** Index of the '[' opening a timestamp ({@code [-]} or 26 chars) that is followed by {@code ] "}, or -1. */
    private int findTimestampBracket(int from, int end) {
        int candidate = from - 1;
        while ((candidate = s.indexOf(" [", candidate + 1)) >= 0 && candidate < end) {
            int timeStart = candidate + 2;
            if (s.startsWith("-] \"", timeStart) && timeStart + 4 <= end) {
                return candidate + 1;
            }
            if (timeStart + 29 <= end && s.startsWith("] \"", timeStart + 26)) {
                return candidate + 1;
            }
        }
        return -1;
    }

    /** Index of the '"' closing the request line: the first {@code "} followed by a space, a status and a space. */
    private int findRequestEnd(int from, int end) throws MalformedLineException {
        int candidate = from - 1;
        while ((candidate = s.indexOf("\" ", candidate + 1)) >= 0 && candidate < end) {
            int tokenEnd = statusTokenEnd(candidate + 2, end);
            if (tokenEnd > 0 && tokenEnd < end && s.charAt(tokenEnd) == ' ') {
                return candidate;
            }
        }
        throw error("unterminated request line", from - 1);
    }

    /** End of a status-like token (digits, or a lone '-') starting at {@code from}, or -1 if there is none. */
    private int statusTokenEnd(int from, int end) {
        if (from < end && s.charAt(from) == '-') {
            return from + 1;
        }
        int i = from;
        while (i < end && isDigit(s.charAt(i))) {
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
        while (durationStart > lowest && isDigit(s.charAt(durationStart - 1))) {
            durationStart--;
        }
        if (durationStart == msStart || s.charAt(durationStart - 1) != ' ') {
            throw error("bad duration before 'ms'", durationStart);
        }
        e.durationNanos = digits(durationStart, msStart, 12, "duration") * 1_000_000L;

        int urlEnd = durationStart - 1;
        int urlStart = tokenStartBackwards(lowest, urlEnd, "ServiceURL");
        e.serviceUrl = quotedText(urlStart, urlEnd, serviceUrls);

        int routerEnd = urlStart - 1;
        int routerStart = tokenStartBackwards(lowest, routerEnd, "RouterName");
        e.routerName = quotedText(routerStart, routerEnd, routers);

        int countEnd = routerStart - 1;
        int countStart = s.lastIndexOf(' ', countEnd - 1) + 1;
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
        if (tokenEnd - 1 > lowest && s.charAt(tokenEnd - 1) == '"') {
            start = s.lastIndexOf('"', tokenEnd - 2);
            while (start > lowest && s.charAt(start - 1) == '\\') {
                start = s.lastIndexOf('"', start - 2);
            }
        } else {
            start = s.lastIndexOf(' ', tokenEnd - 1) + 1;
            if (start < tokenEnd && s.charAt(start) == '"') {
                throw error("unterminated quotes in " + name, start);
            }
        }
        if (start <= lowest || start >= tokenEnd || s.charAt(start - 1) != ' ') {
            throw error("bad " + name, Math.max(lowest, tokenEnd - 1));
        }
        return start;
    }

    /** {@code "<Referer>" "<User-Agent>"} in {@code [from, to)}; the referer ends at its first unescaped {@code " "}. */
    private void parseRefererAndUserAgent(int from, int to, AccessLogEntry e) throws MalformedLineException {
        if (to - from < 7 || s.charAt(from) != '"' || s.charAt(to - 1) != '"') {
            throw error("expected \"<referer>\" \"<user agent>\"", from);
        }
        int close = from;
        while (true) {
            close = s.indexOf("\" \"", close + 1);
            if (close < 0 || close + 3 >= to) {
                throw error("expected \"<referer>\" \"<user agent>\"", from);
            }
            if (s.charAt(close - 1) != '\\') {
                break;
            }
        }
        String referer = quotedText(from, close + 1);
        String userAgent = quotedText(close + 2, to, userAgents);
        if (referer != null) {
            e.putHeader("request_Referer", referer);
        }
        if (userAgent != null) {
            e.putHeader("request_User-Agent", userAgent);
        }
    }

    /** The content of a {@code "..."} token (with {@code \"} unescaped) or a bare token; "-" and "" mean absent. */
    private String quotedText(int start, int end) {
        return quotedText(start, end, null);
    }

    private String quotedText(int start, int end, ValueCache cache) {
        if (s.charAt(start) != '"') {
            return text(start, end, cache);
        }
        int contentStart = start + 1;
        int contentEnd = end - 1;
        int escape = s.indexOf("\\\"", contentStart);
        // Only a \" wholly inside the quotes counts: in a value ending with a backslash, the close quote follows it.
        if (escape < 0 || escape + 1 >= contentEnd) {
            return text(contentStart, contentEnd, cache);
        }
        StringBuilder out = new StringBuilder(contentEnd - contentStart);
        int run = contentStart;
        while (escape >= 0 && escape + 1 < contentEnd) {
            out.append(s, run, escape).append('"');
            run = escape + 2;
            escape = s.indexOf("\\\"", run);
        }
        out.append(s, run, contentEnd);
        return out.toString();
    }

    /** A plain token; Traefik's placeholder "-" (and nothing at all) become null. */
    private String text(int start, int end) {
        return text(start, end, null);
    }

    /** As {@link #text(int, int)}, through {@code cache} when not null (fields whose values repeat). */
    private String text(int start, int end, ValueCache cache) {
        int length = end - start;
        if (length <= 0 || (length == 1 && s.charAt(start) == '-')) {
            return null;
        }
        return cache == null ? s.substring(start, end) : cache.get(s, start, end);
    }

    private long dashOrDigits(int start, int end, String name) throws MalformedLineException {
        if (end - start == 1 && s.charAt(start) == '-') {
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
            char c = s.charAt(i);
            if (!isDigit(c)) {
                throw error(name + " is not a number", start);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static MalformedLineException error(String what, int index) {
        return new MalformedLineException("clf: " + what + " at col " + (index + 1));
    }
}
