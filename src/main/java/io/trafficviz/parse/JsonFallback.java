package io.trafficviz.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;

/**
 * Reads the JSON lines {@link JsonScanner} hands on with Jackson's streaming parser: escapes or non-ASCII in a kept
 * value, whitespace, nested values, numbers it does not read exactly, and every line that is not a well-formed object.
 * It fills the same fields by the same rules (a text field's {@code "-"}, {@code ""} and {@code null} mean absent,
 * numbers and literals keep their JSON text; a numeric field takes a number or a string holding an integer; headers are
 * kept verbatim; StartUTC falls back to StartLocal, then {@code time}; Traefik v2's ServiceURL object is rebuilt as a
 * URL) and rejects the same lines: not an object, trailing data, a malformed value anywhere (also in fields it skips),
 * nesting deeper than 64, a numeric field that is not a number or out of range, neither status present.
 *
 * <p>Messages say what is wrong and where, as {@code json: <what> at col <n>} (n counts chars from 1). Jackson's own
 * wording is translated from the kind of error and the line around it, so that a line reads the same whichever
 * scanner met it first.
 *
 * <p>Jackson is set up to take what JSON itself does not but Traefik's scanner always did (control chars inside
 * strings, leading zeros), and to reject a backslash-u escape whose digits are not ASCII hex, which it would decode.
 * Not thread-safe (scratch state per line); cheap to create.
 */
final class JsonFallback {
    private static final JsonFactory JACKSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
            // Keys are client-controlled: no String.intern for them, and a flood of colliding ones only stops
            // Jackson sharing their Strings instead of failing the line.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(JsonFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW)
            // A line is bounded by the reader; numbers are never converted to BigInteger/BigDecimal here.
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private static final int HEADER = -1;
    private static final long ABSENT = Timestamps.INVALID;
    /** Open containers allowed, the line's object included: 64 levels inside a member's value. */
    private static final int MAX_OPEN = 65;
    /**
     * Inside v2's ServiceURL object, a known member's value may nest one level deeper than the object itself: the
     * depth of values is counted from the member whose text is read, as Traefik's own scanner always did.
     */
    private static final int MAX_OPEN_IN_URL_TEXT = MAX_OPEN + 1;
    /** Lines longer than this get a scratch array of their own, not kept for the next line. */
    private static final int MAX_KEPT_SCRATCH = 1 << 16;

    private final boolean essentialOnly;
    private final boolean keepHeaders;

    private char[] scratch = new char[1024];
    private char[] chars;
    /** Chars in the line's object, and where it starts in the line (for columns). */
    private int length;
    private int base;
    private AccessLogEntry entry;
    /** The first backslash-u escape with a non-ASCII char among its four digits, or -1. */
    private int maskedEscape;

    /** Open containers: where each starts (in chars) and whether it is an object. */
    private final int[] openAt = new int[MAX_OPEN_IN_URL_TEXT];
    private final boolean[] openIsObject = new boolean[MAX_OPEN_IN_URL_TEXT];
    private int depth;
    /** How many containers may be open: {@link #MAX_OPEN}, or one more while reading a ServiceURL member's text. */
    private int maxOpen = MAX_OPEN;

    private boolean sawDownstreamStatus;
    private boolean sawOriginStatus;
    private long startUtc;
    /** StartLocal and time are only fall-backs: kept as text and parsed only if StartUTC is missing. */
    private String startLocal;
    private String logTime;

    private boolean numberIsIntegral;
    private long numberLong;
    private double numberDouble;

    JsonFallback(KeptFields kept) {
        this.essentialOnly = !kept.everyText();
        this.keepHeaders = kept.headers();
    }

    /** Fills {@code into} (already reset) from a JSON line; blanks around it are ignored, as for every line. */
    void scan(String line, AccessLogEntry into) throws MalformedLineException {
        int start = 0;
        int end = line.length();
        while (start < end && isBlank(line.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(line.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            throw new MalformedLineException("empty line");
        }
        if (line.charAt(start) != '{') {
            throw new MalformedLineException("json: expected '{' at col " + (start + 1));
        }
        int n = end - start;
        chars = n <= scratch.length ? scratch : n <= MAX_KEPT_SCRATCH ? (scratch = new char[n]) : new char[n];
        line.getChars(start, end, chars, 0);
        length = n;
        base = start;
        entry = into;
        maskedEscape = maskedUnicodeEscape(line, start, end);
        depth = 0;
        maxOpen = MAX_OPEN;
        sawDownstreamStatus = false;
        sawOriginStatus = false;
        startUtc = ABSENT;
        startLocal = null;
        logTime = null;
        try (JsonParser p = JACKSON.createParser(chars, 0, n)) {
            try {
                p.nextToken();
                open(p, 0);
                readMembers(p);
                int after = (int) p.currentTokenLocation().getCharOffset() + 1;
                while (after < n && isWhitespace(chars[after])) {
                    after++;
                }
                if (after < n) {
                    throw fail(after, after, "trailing data after the object");
                }
                finish();
            } catch (JsonProcessingException e) {
                throw translate(e, p);
            }
        } catch (IOException unexpected) { // closing a parser over a char array does no I/O
            throw new MalformedLineException("json: " + unexpected.getMessage());
        } finally {
            entry = null;
            chars = null;
        }
    }

    private void readMembers(JsonParser p) throws IOException, MalformedLineException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int key = JsonKeys.lookup(name, 0, name.length(), JsonKeys.fingerprint(name, 0, name.length()));
            if (key == JsonKeys.UNKNOWN) {
                key = JsonKeys.unlisted(name, HEADER);
            }
            p.nextToken();
            readValue(p, key, name);
        }
    }

    private void finish() throws MalformedLineException {
        AccessLogEntry e = entry;
        if (maskedEscape >= 0) {
            throw error("bad \\u escape", maskedEscape);
        }
        if (!sawDownstreamStatus && !sawOriginStatus) {
            throw new MalformedLineException("json: neither DownstreamStatus nor OriginStatus present");
        }
        if (!sawDownstreamStatus) {
            // Only possible when the config drops DownstreamStatus; the origin's status is the best guess left.
            e.downstreamStatus = e.originStatus;
        }
        long start = startUtc;
        if (start == ABSENT && startLocal != null) {
            start = Timestamps.parseRfc3339(startLocal, 0, startLocal.length());
        }
        if (start == ABSENT && logTime != null) {
            start = Timestamps.parseRfc3339(logTime, 0, logTime.length());
        }
        e.startMillis = start == ABSENT ? 0 : start;
        e.firstClientHost = ForwardedFor.first(e.clientHost);
        e.format = AccessLogEntry.Format.JSON;
    }

    private void readValue(JsonParser p, int key, String name) throws IOException, MalformedLineException {
        AccessLogEntry e = entry;
        switch (key) {
            case JsonKeys.CLIENT_ADDR: e.clientAddr = text(p); break;
            case JsonKeys.CLIENT_HOST: e.clientHost = keptText(p); break;
            case JsonKeys.CLIENT_PORT: e.clientPort = readNumber(p, key) ? toInt(p, key) : 0; break;
            case JsonKeys.CLIENT_USERNAME: e.clientUsername = text(p); break;
            case JsonKeys.DOWNSTREAM_STATUS:
                sawDownstreamStatus = readNumber(p, key);
                e.downstreamStatus = sawDownstreamStatus ? toStatus(p, key) : 0;
                break;
            case JsonKeys.DOWNSTREAM_CONTENT_SIZE: e.downstreamContentSize = readNumber(p, key) ? toLong(p, key) : 0; break;
            case JsonKeys.ORIGIN_STATUS:
                sawOriginStatus = readNumber(p, key);
                e.originStatus = sawOriginStatus ? toStatus(p, key) : 0;
                break;
            case JsonKeys.ORIGIN_CONTENT_SIZE: e.originContentSize = readNumber(p, key) ? toLong(p, key) : 0; break;
            case JsonKeys.DURATION: e.durationNanos = readNumber(p, key) ? toLong(p, key) : 0; break;
            case JsonKeys.ORIGIN_DURATION: e.originDurationNanos = readNumber(p, key) ? toLong(p, key) : 0; break;
            case JsonKeys.OVERHEAD: e.overheadNanos = readNumber(p, key) ? toLong(p, key) : 0; break;
            case JsonKeys.REQUEST_ADDR: e.requestAddr = text(p); break;
            case JsonKeys.REQUEST_HOST: e.requestHost = keptText(p); break;
            case JsonKeys.REQUEST_PORT: e.requestPort = text(p); break;
            case JsonKeys.REQUEST_METHOD: e.requestMethod = keptText(p); break;
            case JsonKeys.REQUEST_PATH: e.requestPath = keptText(p); break;
            case JsonKeys.REQUEST_PROTOCOL: e.requestProtocol = text(p); break;
            case JsonKeys.REQUEST_SCHEME: e.requestScheme = text(p); break;
            case JsonKeys.REQUEST_CONTENT_SIZE: e.requestContentSize = readNumber(p, key) ? toLong(p, key) : 0; break;
            case JsonKeys.REQUEST_COUNT: e.requestCount = readNumber(p, key) ? toLong(p, key) : 0; break;
            case JsonKeys.ROUTER_NAME: e.routerName = keptText(p); break;
            case JsonKeys.SERVICE_NAME: e.serviceName = keptText(p); break;
            case JsonKeys.SERVICE_URL:
                // Traefik v2 marshalled the *url.URL itself, so ServiceURL is an object there.
                e.serviceUrl = p.currentToken() == JsonToken.START_OBJECT ? readUrlObject(p) : keptText(p);
                break;
            case JsonKeys.SERVICE_ADDR: e.serviceAddr = text(p); break;
            case JsonKeys.ENTRY_POINT_NAME: e.entryPointName = text(p); break;
            case JsonKeys.RETRY_ATTEMPTS: e.retryAttempts = readNumber(p, key) ? toInt(p, key) : 0; break;
            case JsonKeys.START_UTC: startUtc = timestamp(p); break;
            case JsonKeys.START_LOCAL: startLocal = timestampText(p); break;
            case JsonKeys.TIME: logTime = timestampText(p); break;
            case JsonKeys.TLS_VERSION: e.tlsVersion = text(p); break;
            case JsonKeys.TLS_CIPHER: e.tlsCipher = text(p); break;
            case JsonKeys.TLS_CLIENT_SUBJECT: e.tlsClientSubject = text(p); break;
            case JsonKeys.GZIP_RATIO: e.gzipRatio = readNumber(p, key) ? numberDouble : 0; break;
            case JsonKeys.TRACE_ID: e.traceId = text(p); break;
            case JsonKeys.SPAN_ID: e.spanId = text(p); break;
            case JsonKeys.REQUEST_ID: {
                String id = keptText(p);
                e.requestId = id == null || id.length() <= JsonKeys.MAX_REQUEST_ID ? id
                        : id.substring(0, JsonKeys.MAX_REQUEST_ID);
                break;
            }
            case HEADER:
                if (!keepHeaders) {
                    skip(p);
                } else {
                    String value = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : keptText(p);
                    if (value != null) { // headers are verbatim ("-" may be a real value); null drops one
                        e.putHeader(name, value);
                    }
                }
                break;
            default:
                skip(p);
        }
    }

    // ---- values

    /** A text field the pipeline does not read: checked and left null when only essential fields are kept. */
    private String text(JsonParser p) throws IOException, MalformedLineException {
        if (essentialOnly) {
            skip(p);
            return null;
        }
        return keptText(p);
    }

    /** "-", "" and null become null; numbers and literals keep their JSON text; containers are checked, then null. */
    private String keptText(JsonParser p) throws IOException, MalformedLineException {
        switch (p.currentToken()) {
            case VALUE_STRING:
                String s = p.getText();
                return s.isEmpty() || s.equals("-") ? null : s;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return numberText(p);
            case VALUE_TRUE:
                return "true";
            case VALUE_FALSE:
                return "false";
            case VALUE_NULL:
                return null;
            default:
                skip(p);
                return null;
        }
    }

    /** A number as written (Jackson's text drops leading zeros, which a text field keeps). */
    private String numberText(JsonParser p) {
        int from = tokenStart(p);
        int to = from;
        while (to < length && isNumberChar(chars[to])) {
            to++;
        }
        return new String(chars, from, to - from);
    }

    /**
     * Reads a numeric field into number*; false when it is absent (null, "-" or ""). A string holding an integer
     * counts, because Traefik writes some numbers that way (ClientPort).
     */
    private boolean readNumber(JsonParser p, int key) throws IOException, MalformedLineException {
        switch (p.currentToken()) {
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    numberIsIntegral = false; // too big for a long: reported as out of range, or a ratio's double
                    numberDouble = Double.parseDouble(p.getText());
                } else {
                    numberIsIntegral = true;
                    numberLong = p.getLongValue();
                    numberDouble = numberLong;
                }
                return true;
            case VALUE_NUMBER_FLOAT:
                numberIsIntegral = false;
                numberDouble = Double.parseDouble(p.getText()); // linear in the length, unlike BigDecimal
                return true;
            case VALUE_STRING:
                String s = p.getText();
                if (s.isEmpty() || s.equals("-")) {
                    return false;
                }
                if (!integerText(s)) {
                    throw valueError(p, JsonKeys.name(key) + " is not a number");
                }
                return true;
            case VALUE_NULL:
                return false;
            default:
                throw valueError(p, JsonKeys.name(key) + " is not a number");
        }
    }

    /** An optionally negative run of up to 18 digits; false if the text is anything else. */
    private boolean integerText(String text) {
        boolean negative = text.charAt(0) == '-';
        int i = negative ? 1 : 0;
        int n = text.length();
        if (i == n || n - i > 18) {
            return false;
        }
        long value = 0;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        numberIsIntegral = true;
        numberLong = negative ? -value : value;
        numberDouble = numberLong;
        return true;
    }

    private long toLong(JsonParser p, int key) throws MalformedLineException {
        if (numberIsIntegral) {
            return numberLong;
        }
        double d = numberDouble;
        if (!(d >= -9.2e18 && d <= 9.2e18)) { // also rejects NaN
            throw valueError(p, JsonKeys.name(key) + " out of range");
        }
        return (long) d;
    }

    private int toInt(JsonParser p, int key) throws MalformedLineException {
        long value = toLong(p, key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw valueError(p, JsonKeys.name(key) + " out of range");
        }
        return (int) value;
    }

    private int toStatus(JsonParser p, int key) throws MalformedLineException {
        long value = toLong(p, key);
        if (value < 0 || value > 999) {
            throw valueError(p, JsonKeys.name(key) + " out of range");
        }
        return (int) value;
    }

    /** Epoch millis of an RFC 3339 string value, or ABSENT when it is missing or unparseable (we fall back). */
    private long timestamp(JsonParser p) throws IOException, MalformedLineException {
        String text = timestampText(p);
        return text == null ? ABSENT : Timestamps.parseRfc3339(text, 0, text.length());
    }

    /** A string value, for a timestamp; null (after checking it) for any other value. */
    private String timestampText(JsonParser p) throws IOException, MalformedLineException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            skip(p);
            return null;
        }
        return p.getText();
    }

    /** Rebuilds a URL string from a marshalled Go url.URL, the way url.URL.String() would (minus user info). */
    private String readUrlObject(JsonParser p) throws IOException, MalformedLineException {
        String scheme = null;
        String opaque = null;
        String host = null;
        String path = null;
        String rawPath = null;
        String rawQuery = null;
        String fragment = null;
        boolean forceQuery = false;
        open(p, tokenStart(p));
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            maxOpen = MAX_OPEN_IN_URL_TEXT;
            switch (key) {
                case "Scheme": scheme = keptText(p); break;
                case "Opaque": opaque = keptText(p); break;
                case "Host": host = keptText(p); break;
                case "Path": path = keptText(p); break;
                case "RawPath": rawPath = keptText(p); break;
                case "RawQuery": rawQuery = keptText(p); break;
                case "Fragment": fragment = keptText(p); break;
                case "ForceQuery":
                    maxOpen = MAX_OPEN;
                    forceQuery = p.currentToken() == JsonToken.VALUE_TRUE;
                    skip(p);
                    break;
                default:
                    maxOpen = MAX_OPEN;
                    skip(p);
            }
            maxOpen = MAX_OPEN;
        }
        depth--;
        StringBuilder url = new StringBuilder(32);
        if (scheme != null) {
            url.append(scheme).append(':');
        }
        if (opaque != null) {
            url.append(opaque);
        } else {
            if (host != null) {
                url.append("//").append(host);
            }
            String p2 = rawPath != null ? rawPath : path;
            if (p2 != null) {
                if (host != null && p2.charAt(0) != '/') {
                    url.append('/');
                }
                url.append(p2);
            }
        }
        if (forceQuery || rawQuery != null) {
            url.append('?');
            if (rawQuery != null) {
                url.append(rawQuery);
            }
        }
        if (fragment != null) {
            url.append('#').append(fragment);
        }
        return url.length() == 0 ? null : url.toString();
    }

    /**
     * Skips the current value, checked: a container's every member and its depth here; a string's escapes by Jackson
     * as it moves past it (without copying it out); numbers and literals were checked when read.
     */
    private void skip(JsonParser p) throws IOException, MalformedLineException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return;
        }
        open(p, tokenStart(p));
        for (int level = 1; level > 0; ) {
            t = p.nextToken();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                open(p, tokenStart(p));
                level++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
                level--;
            }
        }
    }

    /** Notes the container whose start token is current, at {@code at}. */
    private void open(JsonParser p, int at) throws MalformedLineException {
        if (depth >= maxOpen) {
            throw fail(at, at, "nesting too deep");
        }
        openAt[depth] = at;
        openIsObject[depth] = p.currentToken() == JsonToken.START_OBJECT;
        depth++;
    }

    private int tokenStart(JsonParser p) {
        return (int) p.currentTokenLocation().getCharOffset();
    }

    // ---- errors

    /**
     * The error for the value that is the current token, reported at its start; it was found after reading the value,
     * as a scan from the left would.
     */
    private MalformedLineException valueError(JsonParser p, String what) {
        int readTo = (int) Math.min(length, Math.max(0, p.currentLocation().getCharOffset()));
        return fail(readTo, tokenStart(p), what);
    }

    /**
     * The exception for a problem found at {@code foundAt} and reported at {@code reportAt} (-1: no column), unless
     * an escape before it has non-ASCII "hex" digits: Jackson read past that, but a scan from the left stops there.
     */
    private MalformedLineException fail(int foundAt, int reportAt, String what) {
        if (maskedEscape >= 0 && maskedEscape < foundAt) {
            return error("bad \\u escape", maskedEscape);
        }
        if (reportAt < 0) {
            return new MalformedLineException("json: " + what);
        }
        return error(what, reportAt);
    }

    private MalformedLineException error(String what, int at) {
        return new MalformedLineException("json: " + what + " at col " + (base + at + 1));
    }

    /** Jackson's error in our words: what was expected where, found from the kind of error and the chars around it. */
    private MalformedLineException translate(JsonProcessingException e, JsonParser p) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        int n = length;
        int at = e.getLocation() == null ? n : (int) Math.min(n, Math.max(0, e.getLocation().getCharOffset()));
        if (e instanceof JsonEOFException || m.startsWith("Unexpected end-of-input")) {
            return endOfLine(m);
        }
        int offending = offendingChar(m, at);
        if (m.contains("was expecting a colon")) {
            return fail(offending, offending, "expected ':' but found " + describe(offending));
        }
        if (m.contains("was expecting comma")) {
            return fail(offending, offending, "expected ',' or '" + innermostClose() + "' but found " + describe(offending));
        }
        if (m.contains("was expecting double-quote to start field name")) {
            return fail(offending, offending, "expected a key but found " + describe(offending));
        }
        if (m.startsWith("Unexpected close marker")) {
            JsonToken before = p.currentToken();
            if (before == JsonToken.START_OBJECT && chars[offending] == ']') {
                return fail(offending, offending, "expected a key but found " + describe(offending));
            }
            if (before == JsonToken.START_ARRAY && chars[offending] == '}') {
                return valueAt(p, offending);
            }
            return fail(offending, offending, "expected ',' or '" + innermostClose() + "' but found " + describe(offending));
        }
        if (m.startsWith("Unrecognized character escape")) {
            int backslash = at > 0 && chars[at - 1] == '\\' ? at - 1 : at;
            return fail(backslash, backslash, "bad escape \\" + describe(Math.min(n - 1, backslash + 1)));
        }
        if (m.contains("expected a hex-digit for character escape sequence")) {
            int backslash = lastIndexOf('\\', Math.min(offending, n) - 1);
            return fail(backslash, backslash, backslash + 6 > n ? "truncated \\u escape" : "bad \\u escape");
        }
        if (m.contains("expected a valid value") || m.contains("expected a value")) {
            int start = offending; // a sign before it ("-.5") belongs to the value
            while (start > 0 && isTokenChar(chars[start - 1])) {
                start--;
            }
            return valueAt(p, start);
        }
        if (m.startsWith("Unrecognized token") || m.startsWith("Non-standard token") || m.contains("numeric value")
                || m.contains("No digit")) {
            return valueAt(p, unquotedTokenStart(at));
        }
        if (m.startsWith("Illegal character") || m.contains("comment")) {
            return betweenTokens(p, offending);
        }
        String first = m.lines().findFirst().orElse("unreadable");
        return fail(at, Math.min(at, n - 1), first.length() > 120 ? first.substring(0, 120) + "..." : first);
    }

    /** The line ended inside a key, a string, an escape, a number or a container. */
    private MalformedLineException endOfLine(String m) {
        int n = length;
        if (m.contains("escape sequence")) {
            int backslash = lastIndexOf('\\', n - 1);
            if (backslash >= 0 && backslash + 1 < n && chars[backslash + 1] == 'u') {
                return fail(n, backslash, "truncated \\u escape");
            }
            return fail(n, lastUnescapedQuote(backslash), "unterminated string");
        }
        if (m.contains("field name")) {
            int quote = lastUnescapedQuote(n);
            // Keys of nested objects, and keys with an escape in them, are read as strings, as values are.
            boolean key = depth == 1 && lastIndexOf('\\', n - 1) < quote;
            return fail(n, quote, key ? "unterminated key" : "unterminated string");
        }
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("number") || lower.contains("digit")) {
            int start = unquotedTokenStart(n);
            return fail(n, start, "bad number");
        }
        if (m.contains("close marker") || m.contains("entries") || depth == 0) {
            int open = Math.max(0, depth - 1);
            return fail(n, openAt[open], openIsObject[open] ? "unterminated object" : "unterminated array");
        }
        return fail(n, lastUnescapedQuote(n), "unterminated string");
    }

    /**
     * An error where a value should start, at {@code start}: what a scan from the left says on meeting that char. In a
     * numeric field of the line's object, anything but a number, a string or null is "not a number".
     */
    private MalformedLineException valueAt(JsonParser p, int start) {
        char c = chars[start];
        if (c == '-' || (c >= '0' && c <= '9')) {
            return fail(start, start, "bad number");
        }
        String member = p.getParsingContext().getCurrentName();
        if (depth == 1 && c != 'n' && isNumericKey(member)) {
            return fail(start, start, JsonKeys.name(keyOf(member)) + " is not a number");
        }
        String literal = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : null;
        if (literal == null) {
            return fail(start, start, "unexpected " + describe(start));
        }
        int after = start + literal.length();
        if (after > length || !new String(chars, start, literal.length()).equals(literal)) {
            return fail(start, start, "bad literal, expected " + literal);
        }
        return fail(after, after, "expected ',' or '" + innermostClose() + "' but found " + describe(after));
    }

    /** A char between tokens that is neither whitespace nor what was expected: expected depends on what came before. */
    private MalformedLineException betweenTokens(JsonParser p, int at) {
        int before = at - 1;
        while (before >= 0 && isWhitespace(chars[before])) {
            before--;
        }
        char previous = before < 0 ? '{' : chars[before];
        boolean inObject = depth == 0 || openIsObject[depth - 1];
        if (previous == '{' || (previous == ',' && inObject)) {
            return fail(at, at, "expected a key but found " + describe(at));
        }
        if (previous == '[' || previous == ',' || previous == ':') {
            return valueAt(p, at);
        }
        if (previous == '"' && p.currentToken() == JsonToken.FIELD_NAME) {
            return fail(at, at, "expected ':' but found " + describe(at));
        }
        return fail(at, at, "expected ',' or '" + innermostClose() + "' but found " + describe(at));
    }

    /**
     * Where the char Jackson names by its code is: Jackson reports some errors at that char and some just past it.
     */
    private int offendingChar(String m, int at) {
        int code = m.indexOf("code ");
        int last = Math.min(at, length - 1);
        if (code >= 0) {
            int end = code + 5;
            while (end < m.length() && Character.isDigit(m.charAt(end))) {
                end++;
            }
            if (end > code + 5) {
                int c = Integer.parseInt(m.substring(code + 5, Math.min(end, code + 12)));
                for (int i = last; i >= Math.max(0, at - 2); i--) {
                    if (chars[i] == c) {
                        return i;
                    }
                }
            }
        }
        return Math.max(0, last);
    }

    /** The start of the unquoted token (a number or a would-be literal) at or just before {@code at}. */
    private int unquotedTokenStart(int at) {
        int i = Math.min(at, length - 1);
        if (i > 0 && !isTokenChar(chars[i])) {
            i--;
        }
        while (i > 0 && isTokenChar(chars[i - 1])) {
            i--;
        }
        return i;
    }

    private char innermostClose() {
        return depth == 0 || openIsObject[depth - 1] ? '}' : ']';
    }

    /** The opening quote of the string or key running up to {@code end}: the last quote not escaped by a backslash. */
    private int lastUnescapedQuote(int end) {
        for (int i = Math.min(end, length) - 1; i >= 0; i--) {
            if (chars[i] == '"') {
                int backslashes = 0;
                while (i - backslashes - 1 >= 0 && chars[i - backslashes - 1] == '\\') {
                    backslashes++;
                }
                if (backslashes % 2 == 0) {
                    return i;
                }
            }
        }
        return 0;
    }

    private int lastIndexOf(char c, int from) {
        for (int i = Math.min(from, length - 1); i >= 0; i--) {
            if (chars[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Jackson decodes a backslash-u escape's digits by their low byte, so it takes U+7F66 for 'f'; JSON allows ASCII
     * hex digits only. The first such escape in {@code line[start, end)}, relative to start, or -1. Escapes are paired
     * from the left, as in any string; outside strings a backslash is an error Jackson reports first.
     */
    private static int maskedUnicodeEscape(String line, int start, int end) {
        for (int i = line.indexOf('\\', start); i >= 0 && i < end; i = line.indexOf('\\', i + 2)) {
            if (i + 6 <= end && line.charAt(i + 1) == 'u'
                    && (line.charAt(i + 2) | line.charAt(i + 3) | line.charAt(i + 4) | line.charAt(i + 5)) >= 0x80) {
                return i - start;
            }
        }
        return -1;
    }

    private static int keyOf(String name) {
        return name == null ? JsonKeys.UNKNOWN : JsonKeys.lookup(name, 0, name.length(),
                JsonKeys.fingerprint(name, 0, name.length()));
    }

    private static boolean isNumericKey(String name) {
        switch (keyOf(name)) {
            case JsonKeys.CLIENT_PORT:
            case JsonKeys.DOWNSTREAM_STATUS:
            case JsonKeys.DOWNSTREAM_CONTENT_SIZE:
            case JsonKeys.ORIGIN_STATUS:
            case JsonKeys.ORIGIN_CONTENT_SIZE:
            case JsonKeys.DURATION:
            case JsonKeys.ORIGIN_DURATION:
            case JsonKeys.OVERHEAD:
            case JsonKeys.REQUEST_CONTENT_SIZE:
            case JsonKeys.REQUEST_COUNT:
            case JsonKeys.RETRY_ATTEMPTS:
            case JsonKeys.GZIP_RATIO:
                return true;
            default:
                return false;
        }
    }

    /** Whitespace around a line, including a UTF-8 byte-order mark left at the start of a file. */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\uFEFF';
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean isNumberChar(char c) {
        return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    }

    /** What Jackson takes into an unquoted token (Java identifier chars), and what a number holds. */
    private static boolean isTokenChar(char c) {
        return Character.isJavaIdentifierPart(c) || c == '-' || c == '+' || c == '.';
    }

    /** The char at {@code at} for a message; junk lines must not put control chars into our logs. */
    private String describe(int at) {
        if (at < 0 || at >= length) {
            return "the end of the line";
        }
        char c = chars[at];
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
