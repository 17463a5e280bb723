package io.trafficviz.parse;

import java.util.Arrays;

/**
 * Reads one Traefik JSON access-log line straight into an {@link AccessLogEntry}.
 *
 * <p>Hand-written rather than Jackson because this is the hot path: keys are matched in place (predicted from the
 * previous lines, else found via {@link JsonKeys}), skipped values allocate nothing, numbers and timestamps are parsed
 * from the chars, and the only allocations are the field Strings themselves. It accepts any key order, unknown keys
 * and nested values, and reports anything that is not a single well-formed JSON object as a
 * {@link MalformedLineException}.
 *
 * <p>Not thread-safe: it keeps per-line scratch state. Use one instance per thread.
 */
final class JsonLineScanner {
    /** A header key ({@code request_*} etc.); the key String is in {@link #headerKey}. */
    private static final int HEADER = -1;
    /** Deep enough for any real value, shallow enough that recursion cannot overflow the stack. */
    private static final int MAX_DEPTH = 64;
    private static final long ABSENT = Timestamps.INVALID;
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private static final int HEADER_KEY_CACHE_SIZE = 64;
    /*
     * Key numbers, for predicting keys: a JsonKeys slot for known keys, then header-key cache slots, then two markers.
     * Traefik writes the same keys in the same (sorted) order on every line, so "the key that followed this one on
     * an earlier line" is nearly always right, and checking a guess is one pass over the key's chars, where finding
     * the key from scratch takes a scan for its end, a table probe and a compare.
     */
    private static final int HEADER_KEY_BASE = JsonKeys.SLOTS;
    private static final int LINE_START = HEADER_KEY_BASE + HEADER_KEY_CACHE_SIZE;
    private static final int OTHER_KEY = LINE_START + 1;

    private final StringBuilder decoded = new StringBuilder(64);
    /** Header keys repeat on every line; caching them saves a substring per header per line. */
    private final String[] headerKeyCache = new String[HEADER_KEY_CACHE_SIZE];
    private final char[][] headerKeyChars = new char[HEADER_KEY_CACHE_SIZE][];
    /** For each key number, the number of the key seen after it last time, or -1. */
    private final int[] nextKeyNumber = new int[OTHER_KEY + 1];
    private int lastKeyNumber;
    /** Id of an {@link #OTHER_KEY}: unknown, or a key spelled with escapes. */
    private int otherKeyId;

    private String s;
    private int len;
    private int pos;
    private AccessLogEntry entry;
    private String headerKey;

    private boolean sawDownstreamStatus;
    private boolean sawOriginStatus;
    private long startUtc;
    /** StartLocal and time are only fall-backs: kept as char ranges and parsed only if StartUTC is missing. */
    private int startLocalFrom;
    private int startLocalTo;
    private int logTimeFrom;
    private int logTimeTo;
    private long startLocal;
    private long logTime;

    private boolean numberIsIntegral;
    private long numberLong;
    private double numberDouble;

    private int rawStart;
    private int rawEnd;

    JsonLineScanner() {
        Arrays.fill(nextKeyNumber, -1);
    }

    /** Fills {@code into} (already reset) from the JSON object in {@code line[start, end)}. */
    /**
     * When set, text fields the pipeline never reads (ClientAddr, ClientUsername, RequestAddr/Port/Protocol/Scheme,
     * ServiceAddr, entryPointName, TLS*, trace and span ids) are validated but not copied out (left null), and headers
     * too unless {@link #keepHeaders}: fewer String copies per line. Numbers are always read (they allocate nothing),
     * so exactly the same lines are accepted and rejected either way.
     */
    boolean essentialOnly;
    boolean keepHeaders = true;

    /** Validates and skips a text value; returns null (the field is left empty). */
    private String skipText() throws MalformedLineException {
        skipValue(0);
        return null;
    }

    void scan(String line, int start, int end, AccessLogEntry into) throws MalformedLineException {
        s = line;
        len = end;
        pos = start;
        entry = into;
        sawDownstreamStatus = false;
        sawOriginStatus = false;
        startUtc = ABSENT;
        startLocal = ABSENT;
        logTime = ABSENT;
        startLocalFrom = -1;
        logTimeFrom = -1;
        lastKeyNumber = LINE_START;
        try {
            scanObject();
            finish();
        } finally {
            s = null; // don't keep the last line reachable
            entry = null;
        }
    }

    private void scanObject() throws MalformedLineException {
        skipWhitespace();
        if (pos >= len || s.charAt(pos) != '{') {
            throw error("expected '{'", pos);
        }
        int open = pos++;
        skipWhitespace();
        if (pos < len && s.charAt(pos) == '}') {
            pos++;
        } else {
            while (true) {
                if (pos >= len) {
                    throw error("unterminated object", open);
                }
                if (s.charAt(pos) != '"') {
                    throw error("expected a key but found " + describe(s.charAt(pos)), pos);
                }
                int key = readKey();
                skipColon(open);
                readValue(key);
                if (!skipCommaOrClose(open, '}')) {
                    break;
                }
            }
        }
        skipWhitespace();
        if (pos != len) {
            throw error("trailing data after the object", pos);
        }
    }

    private void finish() throws MalformedLineException {
        if (!sawDownstreamStatus && !sawOriginStatus) {
            throw new MalformedLineException("json: neither DownstreamStatus nor OriginStatus present");
        }
        if (!sawDownstreamStatus) {
            // Only possible when the config drops DownstreamStatus; the origin's status is the best guess left.
            entry.downstreamStatus = entry.originStatus;
        }
        long start = startUtc;
        if (start == ABSENT) {
            start = startLocalFrom >= 0 ? Timestamps.parseRfc3339(s, startLocalFrom, startLocalTo) : startLocal;
        }
        if (start == ABSENT) {
            start = logTimeFrom >= 0 ? Timestamps.parseRfc3339(s, logTimeFrom, logTimeTo) : logTime;
        }
        entry.startMillis = start == ABSENT ? 0 : start;
        entry.firstClientHost = ForwardedFor.first(entry.clientHost);
        entry.format = AccessLogEntry.Format.JSON;
    }

    private void readValue(int key) throws MalformedLineException {
        AccessLogEntry e = entry;
        int at = pos;
        switch (key) {
            case JsonKeys.CLIENT_ADDR: e.clientAddr = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.CLIENT_HOST: e.clientHost = readCachedText(CACHE_CLIENT_HOST); break;
            case JsonKeys.CLIENT_PORT: e.clientPort = readNumber(key) ? toInt(key, at) : 0; break;
            case JsonKeys.CLIENT_USERNAME: e.clientUsername = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.DOWNSTREAM_STATUS:
                sawDownstreamStatus = readNumber(key);
                e.downstreamStatus = sawDownstreamStatus ? toStatus(key, at) : 0;
                break;
            case JsonKeys.DOWNSTREAM_CONTENT_SIZE: e.downstreamContentSize = readNumber(key) ? toLong(key, at) : 0; break;
            case JsonKeys.ORIGIN_STATUS:
                sawOriginStatus = readNumber(key);
                e.originStatus = sawOriginStatus ? toStatus(key, at) : 0;
                break;
            case JsonKeys.ORIGIN_CONTENT_SIZE: e.originContentSize = readNumber(key) ? toLong(key, at) : 0; break;
            case JsonKeys.DURATION: e.durationNanos = readNumber(key) ? toLong(key, at) : 0; break;
            case JsonKeys.ORIGIN_DURATION: e.originDurationNanos = readNumber(key) ? toLong(key, at) : 0; break;
            case JsonKeys.OVERHEAD: e.overheadNanos = readNumber(key) ? toLong(key, at) : 0; break;
            case JsonKeys.REQUEST_ADDR: e.requestAddr = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.REQUEST_HOST: e.requestHost = readCachedText(CACHE_REQUEST_HOST); break;
            case JsonKeys.REQUEST_PORT: e.requestPort = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.REQUEST_METHOD: e.requestMethod = readCachedText(CACHE_METHOD); break;
            case JsonKeys.REQUEST_PATH: e.requestPath = readText(); break;
            case JsonKeys.REQUEST_PROTOCOL: e.requestProtocol = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.REQUEST_SCHEME: e.requestScheme = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.REQUEST_CONTENT_SIZE: e.requestContentSize = readNumber(key) ? toLong(key, at) : 0; break;
            case JsonKeys.REQUEST_COUNT: e.requestCount = readNumber(key) ? toLong(key, at) : 0; break;
            case JsonKeys.ROUTER_NAME: e.routerName = readCachedText(CACHE_ROUTER); break;
            case JsonKeys.SERVICE_NAME: e.serviceName = readCachedText(CACHE_SERVICE); break;
            case JsonKeys.SERVICE_URL:
                // Traefik v2 marshalled the *url.URL itself, so ServiceURL is an object there.
                e.serviceUrl = s.charAt(pos) == '{' ? readUrlObject() : readCachedText(CACHE_SERVICE_URL);
                break;
            case JsonKeys.SERVICE_ADDR: e.serviceAddr = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.ENTRY_POINT_NAME: e.entryPointName = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.RETRY_ATTEMPTS: e.retryAttempts = readNumber(key) ? toInt(key, at) : 0; break;
            case JsonKeys.START_UTC: startUtc = readTimestamp(); break;
            case JsonKeys.START_LOCAL:
                startLocal = ABSENT;
                startLocalFrom = -1;
                if (s.charAt(pos) != '"') {
                    skipValue(0);
                } else if (readStringRange()) {
                    startLocalFrom = rawStart;
                    startLocalTo = rawEnd;
                } else {
                    startLocal = Timestamps.parseRfc3339(decoded, 0, decoded.length());
                }
                break;
            case JsonKeys.TIME:
                logTime = ABSENT;
                logTimeFrom = -1;
                if (s.charAt(pos) != '"') {
                    skipValue(0);
                } else if (readStringRange()) {
                    logTimeFrom = rawStart;
                    logTimeTo = rawEnd;
                } else {
                    logTime = Timestamps.parseRfc3339(decoded, 0, decoded.length());
                }
                break;
            case JsonKeys.TLS_VERSION: e.tlsVersion = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.TLS_CIPHER: e.tlsCipher = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.TLS_CLIENT_SUBJECT: e.tlsClientSubject = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.GZIP_RATIO: e.gzipRatio = readNumber(key) ? numberDouble : 0; break;
            case JsonKeys.TRACE_ID: e.traceId = essentialOnly ? skipText() : readText(); break;
            case JsonKeys.SPAN_ID: e.spanId = essentialOnly ? skipText() : readText(); break;
            case HEADER:
                if (essentialOnly && !keepHeaders) {
                    skipValue(0);
                    break;
                }
                String value = readHeaderValue();
                if (value != null) {
                    e.putHeader(headerKey, value);
                }
                break;
            default:
                skipValue(0);
        }
    }

    // ---- keys

    /** Reads the key at pos (an opening quote) and returns its id, {@link #HEADER}, or {@link JsonKeys#UNKNOWN}. */
    private int readKey() throws MalformedLineException {
        int start = pos + 1;
        int previous = lastKeyNumber;
        int predicted = nextKeyNumber[previous];
        if (predicted >= 0 && keyAt(start, predicted < HEADER_KEY_BASE
                ? JsonKeys.chars(predicted) : headerKeyChars[predicted - HEADER_KEY_BASE])) {
            pos = start + keyLength(predicted) + 1;
            return enterKey(predicted);
        }
        int number = findKeyNumber();
        nextKeyNumber[previous] = number == OTHER_KEY ? -1 : number;
        return number == OTHER_KEY ? otherKeyId : enterKey(number);
    }

    private boolean keyAt(int start, char[] key) {
        int n = key.length;
        if (start + n >= len) {
            return false;
        }
        for (int j = 0; j < n; j++) {
            if (s.charAt(start + j) != key[j]) {
                return false;
            }
        }
        return s.charAt(start + n) == '"';
    }

    private int keyLength(int number) {
        return number < HEADER_KEY_BASE ? JsonKeys.chars(number).length : headerKeyChars[number - HEADER_KEY_BASE].length;
    }

    private int enterKey(int number) {
        lastKeyNumber = number;
        if (number < HEADER_KEY_BASE) {
            return JsonKeys.id(number);
        }
        headerKey = headerKeyCache[number - HEADER_KEY_BASE];
        return HEADER;
    }

    /** Finds the key at pos from scratch; returns its number, or OTHER_KEY with its id in {@link #otherKeyId}. */
    private int findKeyNumber() throws MalformedLineException {
        int quote = pos;
        int start = quote + 1;
        int i = start;
        while (true) {
            if (i >= len) {
                throw error("unterminated key", quote);
            }
            char c = s.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                otherKeyId = readEscapedKey(quote);
                lastKeyNumber = OTHER_KEY;
                return OTHER_KEY;
            }
            i++;
        }
        pos = i + 1;
        int length = i - start;
        int fingerprint = JsonKeys.fingerprint(s, start, length);
        int slot = JsonKeys.find(s, start, length, fingerprint);
        if (slot >= 0) {
            return slot;
        }
        if (JsonKeys.isHeaderKey(s, start, length)) {
            return HEADER_KEY_BASE + cachedHeaderKey(start, length, fingerprint);
        }
        otherKeyId = JsonKeys.UNKNOWN;
        lastKeyNumber = OTHER_KEY;
        return OTHER_KEY;
    }

    /** Go never escapes key chars we care about, but a valid JSON key may still use escapes; decode it then. */
    private int readEscapedKey(int quote) throws MalformedLineException {
        decodeString(quote);
        String key = decoded.toString();
        int id = JsonKeys.lookup(key, 0, key.length(), JsonKeys.fingerprint(key, 0, key.length()));
        if (id == JsonKeys.UNKNOWN && JsonKeys.isHeaderKey(key, 0, key.length())) {
            headerKey = key;
            return HEADER;
        }
        return id;
    }

    /** The header-key cache slot now holding the key at {@code s[start, start+length)}. */
    private int cachedHeaderKey(int start, int length, int fingerprint) {
        int slot = fingerprint & (HEADER_KEY_CACHE_SIZE - 1);
        String cached = headerKeyCache[slot];
        if (cached == null || cached.length() != length || !s.regionMatches(start, cached, 0, length)) {
            String key = s.substring(start, start + length);
            headerKeyCache[slot] = key;
            headerKeyChars[slot] = key.toCharArray();
        }
        return slot;
    }

    // ---- values

    /** A text field: "-", "" and null become null; numbers and booleans keep their JSON text; containers are ignored. */
    private String readText() throws MalformedLineException {
        char c = s.charAt(pos);
        if (c == '"') {
            return readString(true);
        }
        if (c == 'n') {
            expectLiteral("null");
            return null;
        }
        int start = pos;
        skipValue(0);
        return c == '{' || c == '[' ? null : s.substring(start, pos);
    }

    /** Header values are kept verbatim ("-" may be a real value); null and containers are dropped. */
    private String readHeaderValue() throws MalformedLineException {
        char c = s.charAt(pos);
        if (c == '"') {
            return readString(false);
        }
        return readText();
    }

    /**
     * Reads a numeric field into number*; returns false when it is absent (null, "-" or ""). Strings holding an
     * integer are accepted because Traefik writes some numbers that way (ClientPort).
     */
    private boolean readNumber(int key) throws MalformedLineException {
        int at = pos;
        char c = s.charAt(pos);
        if (c == '-' || (c >= '0' && c <= '9')) {
            scanNumber();
            return true;
        }
        if (c == '"') {
            CharSequence text = readStringRange() ? s : decoded;
            int from = text == s ? rawStart : 0;
            int to = text == s ? rawEnd : decoded.length();
            if (to == from || (to - from == 1 && text.charAt(from) == '-')) {
                return false;
            }
            if (!parseIntegerText(text, from, to)) {
                throw error(JsonKeys.name(key) + " is not a number", at);
            }
            return true;
        }
        if (c == 'n') {
            expectLiteral("null");
            return false;
        }
        throw error(JsonKeys.name(key) + " is not a number", at);
    }

    private long toLong(int key, int at) throws MalformedLineException {
        if (numberIsIntegral) {
            return numberLong;
        }
        double d = numberDouble;
        if (!(d >= -9.2e18 && d <= 9.2e18)) { // also rejects NaN
            throw error(JsonKeys.name(key) + " out of range", at);
        }
        return (long) d;
    }

    private int toInt(int key, int at) throws MalformedLineException {
        long value = toLong(key, at);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw error(JsonKeys.name(key) + " out of range", at);
        }
        return (int) value;
    }

    private int toStatus(int key, int at) throws MalformedLineException {
        long value = toLong(key, at);
        if (value < 0 || value > 999) {
            throw error(JsonKeys.name(key) + " out of range", at);
        }
        return (int) value;
    }

    /** Epoch millis of an RFC 3339 string value, or ABSENT when it is missing or unparseable (we fall back). */
    private long readTimestamp() throws MalformedLineException {
        if (s.charAt(pos) != '"') {
            skipValue(0);
            return ABSENT;
        }
        return readStringRange()
                ? Timestamps.parseRfc3339(s, rawStart, rawEnd)
                : Timestamps.parseRfc3339(decoded, 0, decoded.length());
    }

    /** Rebuilds a URL string from a marshalled Go url.URL, the way url.URL.String() would (minus user info). */
    private String readUrlObject() throws MalformedLineException {
        String scheme = null;
        String opaque = null;
        String host = null;
        String path = null;
        String rawPath = null;
        String rawQuery = null;
        String fragment = null;
        boolean forceQuery = false;
        int open = pos++;
        skipWhitespace();
        if (pos < len && s.charAt(pos) == '}') {
            pos++;
        } else {
            while (true) {
                if (pos >= len) {
                    throw error("unterminated object", open);
                }
                if (s.charAt(pos) != '"') {
                    throw error("expected a key but found " + describe(s.charAt(pos)), pos);
                }
                String key = readString(false); // v2 only: allocating here is fine
                skipColon(open);
                switch (key) {
                    case "Scheme": scheme = readText(); break;
                    case "Opaque": opaque = readText(); break;
                    case "Host": host = readText(); break;
                    case "Path": path = readText(); break;
                    case "RawPath": rawPath = readText(); break;
                    case "RawQuery": rawQuery = readText(); break;
                    case "Fragment": fragment = readText(); break;
                    case "ForceQuery":
                        forceQuery = s.startsWith("true", pos);
                        skipValue(1);
                        break;
                    default:
                        skipValue(1);
                }
                if (!skipCommaOrClose(open, '}')) {
                    break;
                }
            }
        }
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
            String p = rawPath != null ? rawPath : path;
            if (p != null) {
                if (host != null && p.charAt(0) != '/') {
                    url.append('/');
                }
                url.append(p);
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

    // ---- strings

    private static final int CACHE_CLIENT_HOST = 0;
    private static final int CACHE_REQUEST_HOST = 1;
    private static final int CACHE_METHOD = 2;
    private static final int CACHE_ROUTER = 3;
    private static final int CACHE_SERVICE = 4;
    private static final int CACHE_SERVICE_URL = 5;
    private static final int[] CACHE_SLOTS = {256, 64, 16, 64, 64, 64};
    /**
     * Recent values of fields that repeat from line to line (client addresses, hosts, methods, router and service
     * names, service URLs), direct-mapped by a sample of their chars: a repeated value comes back as the same String,
     * so it allocates nothing and its hash (the resolver's maps key on these) is computed once, not once per line.
     */
    private final String[][] valueCache = {new String[CACHE_SLOTS[0]], new String[CACHE_SLOTS[1]],
            new String[CACHE_SLOTS[2]], new String[CACHE_SLOTS[3]], new String[CACHE_SLOTS[4]],
            new String[CACHE_SLOTS[5]]};

    /** {@link #readText()}, answering the cached String when the same value was read recently. */
    private String readCachedText(int cache) throws MalformedLineException {
        if (s.charAt(pos) != '"') {
            return readText();
        }
        int start = pos + 1;
        int end = plainStringEnd(start);
        if (end < 0) {
            return readText(); // escaped: decode as usual (rare)
        }
        int length = end - start;
        pos = end + 1;
        if (length == 0 || (length == 1 && s.charAt(start) == '-')) {
            return null;
        }
        if (length > ByteValueCache.MAX_CACHED_LENGTH) {
            // Long values are rare and sender-controlled (a forged host, a long router name): kept, a few of them
            // would pin up to a line's length each in the table for as long as nothing replaces them.
            return s.substring(start, end);
        }
        int h = length * 31 + s.charAt(start) * 7 + s.charAt(end - 1) * 3 + s.charAt(end - 2 < start ? start : end - 2)
                + s.charAt(start + (length >>> 1)) * 11;
        String[] table = valueCache[cache];
        int slot = (h ^ (h >>> 5)) & (table.length - 1);
        String cached = table[slot];
        if (cached != null && cached.length() == length && sameRange(start, cached)) {
            return cached;
        }
        String value = s.substring(start, end);
        table[slot] = value;
        return value;
    }

    private boolean sameRange(int start, String value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            if (s.charAt(start + i) != value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String readString(boolean normalise) throws MalformedLineException {
        int start = pos + 1;
        int end = plainStringEnd(start);
        if (end < 0) {
            decodeString(pos);
            int n = decoded.length();
            if (normalise && (n == 0 || (n == 1 && decoded.charAt(0) == '-'))) {
                return null;
            }
            return decoded.toString();
        }
        pos = end + 1;
        int length = end - start;
        if (normalise && (length == 0 || (length == 1 && s.charAt(start) == '-'))) {
            return null;
        }
        return s.substring(start, end);
    }

    /**
     * Reads the string at pos without allocating: returns true with its chars at [rawStart, rawEnd) of the line, or
     * false with the unescaped chars in {@link #decoded}.
     */
    private boolean readStringRange() throws MalformedLineException {
        int start = pos + 1;
        int end = plainStringEnd(start);
        if (end < 0) {
            decodeString(pos);
            return false;
        }
        rawStart = start;
        rawEnd = end;
        pos = end + 1;
        return true;
    }

    /**
     * Index of the closing quote of a string whose content starts at {@code start}, or -1 if it contains a backslash
     * (the caller then decodes it). A plain loop: String.indexOf costs more per call than it saves on short values.
     */
    private int plainStringEnd(int start) throws MalformedLineException {
        for (int i = start; i < len; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\') {
                return -1;
            }
        }
        throw error("unterminated string", start - 1);
    }

    /** Unescapes the string whose opening quote is at {@code quote} into {@link #decoded}; pos ends past its close. */
    private void decodeString(int quote) throws MalformedLineException {
        StringBuilder out = decoded;
        out.setLength(0);
        int i = quote + 1;
        int runStart = i;
        while (true) {
            if (i >= len) {
                throw error("unterminated string", quote);
            }
            char c = s.charAt(i);
            if (c == '"') {
                out.append(s, runStart, i);
                pos = i + 1;
                return;
            }
            if (c != '\\') {
                i++;
                continue;
            }
            out.append(s, runStart, i);
            if (i + 1 >= len) {
                throw error("unterminated string", quote);
            }
            char escaped = s.charAt(i + 1);
            switch (escaped) {
                case '"':
                case '\\':
                case '/':
                    out.append(escaped);
                    break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u':
                    // Common, not exotic: Go's encoder writes & < > as \u0026 \u003c \u003e (e.g. in query strings).
                    out.append(hex4(i));
                    i += 4;
                    break;
                default:
                    throw error("bad escape \\" + describe(escaped), i);
            }
            i += 2;
            runStart = i;
        }
    }

    private char hex4(int backslash) throws MalformedLineException {
        int from = backslash + 2;
        if (from + 4 > len) {
            throw error("truncated \\u escape", backslash);
        }
        int value = 0;
        for (int i = from; i < from + 4; i++) {
            int digit = hexValue(s.charAt(i));
            if (digit < 0) {
                throw error("bad \\u escape", backslash);
            }
            value = (value << 4) | digit;
        }
        return (char) value; // surrogate pairs come as two escapes and simply recombine in UTF-16
    }

    /** ASCII only: Character.digit would also take fullwidth and other scripts' digits, which JSON does not. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    // ---- numbers

    /** Scans the JSON number at pos into number*; allocation-free unless it needs more than 18 digits. */
    private void scanNumber() throws MalformedLineException {
        int start = pos;
        int i = pos;
        boolean negative = false;
        if (s.charAt(i) == '-') {
            negative = true;
            i++;
        }
        long digits = 0; // integer and fraction digits; may overflow, in which case digitCount sends us to the slow path
        int digitsStart = i;
        char c;
        while (i < len && (c = s.charAt(i)) >= '0' && c <= '9') {
            digits = digits * 10 + (c - '0');
            i++;
        }
        int digitCount = i - digitsStart;
        if (digitCount == 0) {
            throw error("bad number", start);
        }
        boolean integral = true;
        int fractionDigits = 0;
        if (i < len && s.charAt(i) == '.') {
            integral = false;
            int fractionStart = ++i;
            while (i < len && (c = s.charAt(i)) >= '0' && c <= '9') {
                digits = digits * 10 + (c - '0');
                i++;
            }
            fractionDigits = i - fractionStart;
            if (fractionDigits == 0) {
                throw error("bad number", start);
            }
            digitCount += fractionDigits;
        }
        int exponent = 0;
        if (i < len && ((c = s.charAt(i)) == 'e' || c == 'E')) {
            integral = false;
            i++;
            boolean negativeExponent = false;
            if (i < len && ((c = s.charAt(i)) == '+' || c == '-')) {
                negativeExponent = c == '-';
                i++;
            }
            int exponentStart = i;
            while (i < len && (c = s.charAt(i)) >= '0' && c <= '9') {
                if (exponent < 100_000) {
                    exponent = exponent * 10 + (c - '0');
                }
                i++;
            }
            if (i == exponentStart) {
                throw error("bad number", start);
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        pos = i;
        if (digitCount <= 18) {
            if (integral) {
                numberIsIntegral = true;
                numberLong = negative ? -digits : digits;
                numberDouble = numberLong;
                return;
            }
            // Both operands are exact doubles here, so one multiply/divide is correctly rounded.
            int scale = exponent - fractionDigits;
            if (digits < (1L << 53) && scale >= -22 && scale <= 22) {
                double value = scale >= 0 ? digits * POW10[scale] : digits / POW10[-scale];
                numberIsIntegral = false;
                numberDouble = negative ? -value : value;
                return;
            }
        }
        parseNumberSlowly(start, i, integral);
    }

    private void parseNumberSlowly(int start, int end, boolean integral) throws MalformedLineException {
        String text = s.substring(start, end);
        if (integral) {
            try {
                numberLong = Long.parseLong(text);
                numberDouble = numberLong;
                numberIsIntegral = true;
                return;
            } catch (NumberFormatException tooBigForLong) {
                // fall through: keep it as a double; toLong() reports it as out of range
            }
        }
        try {
            numberDouble = Double.parseDouble(text);
            numberIsIntegral = false;
        } catch (NumberFormatException e) {
            throw error("bad number", start);
        }
    }

    /** An optionally negative run of digits (a number written as a string); false if it is anything else. */
    private boolean parseIntegerText(CharSequence text, int from, int to) {
        boolean negative = text.charAt(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == to || to - i > 18) {
            return false;
        }
        long value = 0;
        for (; i < to; i++) {
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

    // ---- skipping and punctuation

    private void skipValue(int depth) throws MalformedLineException {
        if (pos >= len) {
            throw error("value missing", pos);
        }
        char c = s.charAt(pos);
        switch (c) {
            case '"':
                readStringRange(); // escapes, if any, go to the reused buffer: no allocation either way
                break;
            case '{':
                skipContainer(depth, '}');
                break;
            case '[':
                skipContainer(depth, ']');
                break;
            case 't':
                expectLiteral("true");
                break;
            case 'f':
                expectLiteral("false");
                break;
            case 'n':
                expectLiteral("null");
                break;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    scanNumber();
                } else {
                    throw error("unexpected " + describe(c), pos);
                }
        }
    }

    private void skipContainer(int depth, char close) throws MalformedLineException {
        if (depth >= MAX_DEPTH) {
            throw error("nesting too deep", pos);
        }
        int open = pos++;
        skipWhitespace();
        if (pos < len && s.charAt(pos) == close) {
            pos++;
            return;
        }
        while (true) {
            if (pos >= len) {
                throw error(close == '}' ? "unterminated object" : "unterminated array", open);
            }
            if (close == '}') {
                if (s.charAt(pos) != '"') {
                    throw error("expected a key but found " + describe(s.charAt(pos)), pos);
                }
                readStringRange();
                skipColon(open);
            }
            skipValue(depth + 1);
            if (!skipCommaOrClose(open, close)) {
                return;
            }
        }
    }

    /** Skips whitespace, the ':' after a key, and whitespace; leaves pos at the value. */
    private void skipColon(int open) throws MalformedLineException {
        skipWhitespace();
        if (pos >= len) {
            throw error("unterminated object", open);
        }
        if (s.charAt(pos) != ':') {
            throw error("expected ':' but found " + describe(s.charAt(pos)), pos);
        }
        pos++;
        skipWhitespace();
        if (pos >= len) {
            throw error("unterminated object", open);
        }
    }

    /** After a member: returns true after a ',' (more to come), false after the closing bracket. */
    private boolean skipCommaOrClose(int open, char close) throws MalformedLineException {
        skipWhitespace();
        if (pos >= len) {
            throw error(close == '}' ? "unterminated object" : "unterminated array", open);
        }
        char c = s.charAt(pos++);
        if (c == ',') {
            skipWhitespace();
            return true;
        }
        if (c == close) {
            return false;
        }
        throw error("expected ',' or '" + close + "' but found " + describe(c), pos - 1);
    }

    private void expectLiteral(String literal) throws MalformedLineException {
        if (!s.startsWith(literal, pos)) {
            throw error("bad literal, expected " + literal, pos);
        }
        pos += literal.length();
    }

    private void skipWhitespace() {
        char c;
        // One compare in the usual case: Traefik writes no whitespace, and every JSON whitespace char is <= ' '.
        while (pos < len && (c = s.charAt(pos)) <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            pos++;
        }
    }

    private static MalformedLineException error(String what, int index) {
        return new MalformedLineException("json: " + what + " at col " + (index + 1));
    }

    /** A char for an error message; junk lines must not put control chars into our logs. */
    static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
