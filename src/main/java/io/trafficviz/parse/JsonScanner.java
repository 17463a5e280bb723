package io.trafficviz.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a Traefik JSON access-log line's UTF-8 bytes in place, without a String per line or decoding a single char,
 * into an {@link AccessLogEntry}: the parser's JSON scanner.
 *
 * <p>It handles the shape Traefik writes: no whitespace, keys without escapes, text values that are kept in ASCII
 * without escapes, plain numbers, no nested values. Anything else (an escape in a kept value, a non-ASCII host, a
 * nested object, a malformed or truncated line...) makes {@link #scan} return false, and the caller hands the line to
 * {@link JsonFallback}, which reads it with Jackson and decides and words every error. So this class never rejects a
 * line itself, and when it accepts one, the entry is what {@link JsonFallback} would produce (checked against Jackson
 * over fixtures, hostile lines and fuzzed ones by {@code JsonScannerTest} and {@code ParserFuzzTest}).
 *
 * <p>Why it is fast: Traefik writes the same keys in the same order on every line, so each key is predicted from the
 * one before it and checked with one array compare; values that are not kept are skipped by looking for the next
 * quote or backslash eight bytes at a time; kept values that repeat come from byte-keyed {@link ValueCaches}.
 *
 * <p>Not thread-safe; see {@link ValueCaches} for sharing its caches.
 */
final class JsonScanner {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private static final int HEADER = -1;
    private static final long ABSENT = Timestamps.INVALID;
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    /** "Hand the line to the fallback": preallocated and without a stack trace, so bailing out costs little. */
    private static final class Fallback extends RuntimeException {
        Fallback() {
            super(null, null, false, false);
        }
    }

    private static final Fallback FALLBACK = new Fallback();

    /**
     * Distinct keys remembered per scanner, and their longest spelling; a line with more new keys, or a longer one,
     * goes to the fallback, so what a scanner remembers stays small whatever a file holds.
     */
    private static final int MAX_KEYS = 128;
    private static final int MAX_KEY_LENGTH = 256;
    private static final int LINE_START = MAX_KEYS;

    /** See {@link KeptFields}: text fields the pipeline does not read are skipped (left null) when set. */
    private final boolean essentialOnly;
    private final boolean keepHeaders;

    private final ValueCaches caches;
    /** Each known key's bytes followed by its closing quote, so one compare also checks where it ends. */
    private final byte[][] keySpelling = new byte[MAX_KEYS][];
    /** A key's first 8 bytes (as {@link #LONGS} reads them; shorter keys masked by keyHeadMask) and its last 8. */
    private final long[] keyHead = new long[MAX_KEYS];
    private final long[] keyHeadMask = new long[MAX_KEYS];
    private final long[] keyTail = new long[MAX_KEYS];
    private final int[] keyId = new int[MAX_KEYS];
    private final String[] keyHeaderName = new String[MAX_KEYS];
    /** For each key number (and LINE_START), the number of the key that followed it last time, or -1. */
    private final int[] nextKey = new int[MAX_KEYS + 1];
    private final Map<String, Integer> keyNumbers = new HashMap<>();
    private int keyCount;
    private int lastKey;
    private String headerKey;

    private byte[] b;
    private int end;
    private int pos;
    private AccessLogEntry entry;

    private boolean sawDownstreamStatus;
    private boolean sawOriginStatus;
    private long startUtc;
    private int startLocalFrom;
    private int startLocalTo;
    private int logTimeFrom;
    private int logTimeTo;

    private boolean numberIsIntegral;
    private long numberLong;
    private double numberDouble;

    /** The last timestamp's first 16 bytes ({@code 2025-07-15T13:14}) and the epoch millis of that minute. */
    private final byte[] minutePrefix = new byte[16];
    private long minuteMillis = ABSENT;

    JsonScanner(ValueCaches caches, KeptFields kept) {
        this.caches = caches;
        this.essentialOnly = !kept.everyText();
        this.keepHeaders = kept.headers();
        Arrays.fill(nextKey, -1);
    }

    /**
     * Fills {@code into} (already reset) from the JSON object in {@code bytes[from, to)}, which the caller trimmed of
     * blanks. Returns false when the line needs the fallback; {@code into} is then in an unspecified state.
     */
    boolean scan(byte[] bytes, int from, int to, AccessLogEntry into) {
        b = bytes;
        end = to;
        pos = from;
        entry = into;
        sawDownstreamStatus = false;
        sawOriginStatus = false;
        startUtc = ABSENT;
        startLocalFrom = -1;
        logTimeFrom = -1;
        lastKey = LINE_START;
        try {
            scanObject();
            finish();
            return true;
        } catch (RuntimeException needsGeneralPath) {
            // Fallback, or an index past the end of a truncated line: either way the fallback decides.
            return false;
        } finally {
            b = null;
            entry = null;
        }
    }

    private void scanObject() {
        byte[] b = this.b;
        if (b[pos] != '{' || ++pos >= end || b[pos] != '"') {
            throw FALLBACK; // also "{}", which the fallback rejects for want of a status
        }
        while (true) {
            int key = readKey();
            if (pos + 1 >= end || b[pos] != ':') {
                throw FALLBACK;
            }
            pos++;
            readValue(key);
            if (pos >= end) {
                throw FALLBACK;
            }
            byte c = b[pos++];
            if (c == ',') {
                if (pos >= end || b[pos] != '"') {
                    throw FALLBACK;
                }
            } else if (c == '}' && pos == end) {
                return;
            } else {
                throw FALLBACK;
            }
        }
    }

    private void finish() {
        AccessLogEntry e = entry;
        if (!sawDownstreamStatus && !sawOriginStatus) {
            throw FALLBACK;
        }
        if (!sawDownstreamStatus) {
            e.downstreamStatus = e.originStatus;
        }
        long start = startUtc;
        if (start == ABSENT && startLocalFrom >= 0) {
            start = timestamp(startLocalFrom, startLocalTo);
        }
        if (start == ABSENT && logTimeFrom >= 0) {
            start = timestamp(logTimeFrom, logTimeTo);
        }
        e.startMillis = start == ABSENT ? 0 : start;
        e.firstClientHost = ForwardedFor.first(e.clientHost);
        e.format = AccessLogEntry.Format.JSON;
    }

    private void readValue(int key) {
        AccessLogEntry e = entry;
        ValueCaches c = caches;
        switch (key) {
            case JsonKeys.CLIENT_ADDR: e.clientAddr = text(); break;
            case JsonKeys.CLIENT_HOST: e.clientHost = cachedText(c.clientHost); break;
            case JsonKeys.CLIENT_PORT: e.clientPort = readNumber() ? toInt() : 0; break;
            case JsonKeys.CLIENT_USERNAME: e.clientUsername = text(); break;
            case JsonKeys.DOWNSTREAM_STATUS:
                sawDownstreamStatus = readNumber();
                e.downstreamStatus = sawDownstreamStatus ? toStatus() : 0;
                break;
            case JsonKeys.DOWNSTREAM_CONTENT_SIZE: e.downstreamContentSize = readNumber() ? toLong() : 0; break;
            case JsonKeys.ORIGIN_STATUS:
                sawOriginStatus = readNumber();
                e.originStatus = sawOriginStatus ? toStatus() : 0;
                break;
            case JsonKeys.ORIGIN_CONTENT_SIZE: e.originContentSize = readNumber() ? toLong() : 0; break;
            case JsonKeys.DURATION: e.durationNanos = readNumber() ? toLong() : 0; break;
            case JsonKeys.ORIGIN_DURATION: e.originDurationNanos = readNumber() ? toLong() : 0; break;
            case JsonKeys.OVERHEAD: e.overheadNanos = readNumber() ? toLong() : 0; break;
            case JsonKeys.REQUEST_ADDR: e.requestAddr = text(); break;
            case JsonKeys.REQUEST_HOST: e.requestHost = cachedText(c.requestHost); break;
            case JsonKeys.REQUEST_PORT: e.requestPort = text(); break;
            case JsonKeys.REQUEST_METHOD: e.requestMethod = cachedText(c.method); break;
            case JsonKeys.REQUEST_PATH: readPath(); break;
            case JsonKeys.REQUEST_PROTOCOL: e.requestProtocol = text(); break;
            case JsonKeys.REQUEST_SCHEME: e.requestScheme = text(); break;
            case JsonKeys.REQUEST_CONTENT_SIZE: e.requestContentSize = readNumber() ? toLong() : 0; break;
            case JsonKeys.REQUEST_COUNT: e.requestCount = readNumber() ? toLong() : 0; break;
            case JsonKeys.ROUTER_NAME: e.routerName = cachedText(c.router); break;
            case JsonKeys.SERVICE_NAME: e.serviceName = cachedText(c.service); break;
            case JsonKeys.SERVICE_URL: e.serviceUrl = cachedText(c.serviceUrl); break; // v2's object: fallback
            case JsonKeys.SERVICE_ADDR: e.serviceAddr = text(); break;
            case JsonKeys.ENTRY_POINT_NAME: e.entryPointName = text(); break;
            case JsonKeys.RETRY_ATTEMPTS: e.retryAttempts = readNumber() ? toInt() : 0; break;
            case JsonKeys.START_UTC:
                startUtc = b[pos] == '"' ? timestamp(stringStart(), stringEnd()) : skipToAbsent();
                break;
            case JsonKeys.START_LOCAL:
                startLocalFrom = -1;
                if (b[pos] == '"') {
                    startLocalFrom = stringStart();
                    startLocalTo = stringEnd();
                } else {
                    skipValue();
                }
                break;
            case JsonKeys.TIME:
                logTimeFrom = -1;
                if (b[pos] == '"') {
                    logTimeFrom = stringStart();
                    logTimeTo = stringEnd();
                } else {
                    skipValue();
                }
                break;
            case JsonKeys.TLS_VERSION: e.tlsVersion = text(); break;
            case JsonKeys.TLS_CIPHER: e.tlsCipher = text(); break;
            case JsonKeys.TLS_CLIENT_SUBJECT: e.tlsClientSubject = text(); break;
            case JsonKeys.GZIP_RATIO: e.gzipRatio = readNumber() ? numberDouble : 0; break;
            case JsonKeys.TRACE_ID: e.traceId = text(); break;
            case JsonKeys.SPAN_ID: e.spanId = text(); break;
            case JsonKeys.REQUEST_ID: readRequestId(); break;
            case HEADER:
                if (!keepHeaders) {
                    skipValue();
                } else {
                    readHeaderValue();
                }
                break;
            default:
                skipValue();
        }
    }

    // ---- keys

    /** Reads the key at pos (an opening quote); returns its id, {@link #HEADER} or {@link JsonKeys#UNKNOWN}. */
    private int readKey() {
        int start = pos + 1;
        int predicted = nextKey[lastKey];
        if (predicted >= 0 && isKeyAt(predicted, start)) {
            pos = start + keySpelling[predicted].length;
            lastKey = predicted;
            return enterKey(predicted);
        }
        int number = learnKey(start);
        nextKey[lastKey] = number;
        lastKey = number;
        return enterKey(number);
    }

    /**
     * Whether key {@code number}'s spelling (closing quote included) is at {@code start}: one or two 8-byte compares
     * for the usual key of up to 16 bytes, instead of a call to a general array compare for each of a line's ~32 keys.
     */
    private boolean isKeyAt(int number, int start) {
        byte[] spelling = keySpelling[number];
        int n = spelling.length;
        if (start + Math.max(n, 8) > end) {
            return start + n <= end && Arrays.equals(b, start, start + n, spelling, 0, n);
        }
        long head = (long) LONGS.get(b, start);
        if (n <= 8) {
            return (head & keyHeadMask[number]) == keyHead[number];
        }
        return head == keyHead[number] && (long) LONGS.get(b, start + n - 8) == keyTail[number]
                && (n <= 16 || Arrays.equals(b, start + 8, start + n - 8, spelling, 8, n - 8));
    }

    private int enterKey(int number) {
        int id = keyId[number];
        if (id == HEADER) {
            headerKey = keyHeaderName[number];
        }
        return id;
    }

    /** Finds the key starting at {@code start} the slow way, remembering it; pos ends past its closing quote. */
    private int learnKey(int start) {
        int close = start;
        while (true) {
            if (close >= end) {
                throw FALLBACK;
            }
            byte c = b[close];
            if (c == '"') {
                break;
            }
            if (c == '\\' || c < 0) {
                throw FALLBACK; // escaped or non-ASCII key: the fallback decodes it
            }
            close++;
        }
        if (close - start > MAX_KEY_LENGTH) {
            throw FALLBACK;
        }
        pos = close + 1;
        String key = new String(b, start, close - start, StandardCharsets.ISO_8859_1);
        Integer known = keyNumbers.get(key);
        if (known != null) {
            return known;
        }
        if (keyCount == MAX_KEYS) {
            throw FALLBACK;
        }
        int number = keyCount++;
        int id = JsonKeys.lookup(key, 0, key.length(), JsonKeys.fingerprint(key, 0, key.length()));
        if (id == JsonKeys.UNKNOWN) {
            id = JsonKeys.unlisted(key, HEADER);
            if (id == HEADER) {
                keyHeaderName[number] = key;
            }
        }
        keyId[number] = id;
        byte[] spelling = Arrays.copyOfRange(b, start, close + 1);
        keySpelling[number] = spelling;
        byte[] padded = Arrays.copyOf(spelling, Math.max(8, spelling.length));
        int n = spelling.length;
        keyHeadMask[number] = n >= 8 ? -1L : (1L << (8 * n)) - 1;
        keyHead[number] = (long) LONGS.get(padded, 0) & keyHeadMask[number];
        keyTail[number] = n >= 8 ? (long) LONGS.get(spelling, n - 8) : 0;
        keyNumbers.put(key, number);
        return number;
    }

    // ---- values

    /** A text field the pipeline does not read: skipped when {@link #essentialOnly}, else copied. */
    private String text() {
        if (essentialOnly) {
            skipValue();
            return null;
        }
        byte c = b[pos];
        if (c == '"') {
            int start = pos + 1;
            int close = plainStringEnd(start);
            pos = close + 1;
            return isNothing(start, close) ? null : new String(b, start, close - start, StandardCharsets.ISO_8859_1);
        }
        if (c == 'n') {
            literal('n', 'u', 'l', 'l');
            return null;
        }
        throw FALLBACK; // numbers or containers as text: rare, the fallback knows what to keep
    }

    /** A repeating text field: "-", "" and null become null, anything else comes from {@code cache}. */
    private String cachedText(ByteValueCache cache) {
        byte c = b[pos];
        if (c == '"') {
            int start = pos + 1;
            int close = plainStringEnd(start);
            pos = close + 1;
            return isNothing(start, close) ? null : cache.get(b, start, close - start);
        }
        if (c == 'n') {
            literal('n', 'u', 'l', 'l');
            return null;
        }
        throw FALLBACK;
    }

    private void readPath() {
        AccessLogEntry e = entry;
        byte c = b[pos];
        if (c == '"') {
            int start = pos + 1;
            int close = plainStringEnd(start);
            pos = close + 1;
            if (isNothing(start, close)) {
                e.requestPath = null;
                e.pathBeforeQuery = null;
            } else {
                // Not cached: paths carry ids and queries, too many distinct ones for a cache to hit often.
                String path = new String(b, start, close - start, StandardCharsets.ISO_8859_1);
                e.requestPath = path;
                int query = indexOf('?', start, close);
                e.pathBeforeQuery = query < 0 ? path
                        : new String(b, start, query - start, StandardCharsets.ISO_8859_1);
            }
        } else if (c == 'n') {
            literal('n', 'u', 'l', 'l');
            e.requestPath = null;
            e.pathBeforeQuery = null;
        } else {
            throw FALLBACK;
        }
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Kept whatever else is: it links one request's lines across proxies. Not cached: every request has its own. */
    private void readRequestId() {
        byte c = b[pos];
        if (c == '"') {
            int start = pos + 1;
            int close = plainStringEnd(start);
            pos = close + 1;
            int length = Math.min(close - start, JsonKeys.MAX_REQUEST_ID);
            entry.requestId = isNothing(start, close) ? null : new String(b, start, length, StandardCharsets.ISO_8859_1);
        } else if (c == 'n') {
            literal('n', 'u', 'l', 'l');
        } else {
            throw FALLBACK;
        }
    }

    /** Header values are kept verbatim ("-" may be a real value); null drops the header. */
    private void readHeaderValue() {
        byte c = b[pos];
        if (c == '"') {
            int start = pos + 1;
            int close = plainStringEnd(start);
            pos = close + 1;
            entry.putHeader(headerKey, close == start ? "" : caches.headerValue.get(b, start, close - start));
        } else if (c == 'n') {
            literal('n', 'u', 'l', 'l');
        } else {
            throw FALLBACK;
        }
    }

    private boolean isNothing(int start, int close) {
        return close == start || (close - start == 1 && b[start] == '-');
    }

    /** For a string value at pos that must be kept: its first byte's index; {@link #stringEnd} must follow. */
    private int stringStart() {
        return pos + 1;
    }

    /** Ends the string value started by {@link #stringStart}: its closing quote's index; pos moves past it. */
    private int stringEnd() {
        int close = plainStringEnd(pos + 1);
        pos = close + 1;
        return close;
    }

    private long skipToAbsent() {
        skipValue();
        return ABSENT;
    }

    /**
     * Epoch millis of an RFC 3339 timestamp in {@code b[from, to)}. Consecutive lines share the minute, so a line whose
     * first 16 bytes match the previous one's only parses seconds, fraction and the {@code Z}; anything else goes to
     * {@link Timestamps#parseRfc3339}, which is also what the memo was computed by.
     */
    private long timestamp(int from, int to) {
        if (minuteMillis != ABSENT && to - from >= 20
                && (long) LONGS.get(b, from) == (long) LONGS.get(minutePrefix, 0)
                && (long) LONGS.get(b, from + 8) == (long) LONGS.get(minutePrefix, 8)) {
            int withinMinute = millisWithinMinute(from, to);
            if (withinMinute >= 0) {
                return minuteMillis + withinMinute;
            }
        }
        long millis = Timestamps.parseRfc3339(new String(b, from, to - from, StandardCharsets.ISO_8859_1), 0,
                to - from);
        if (millis != ABSENT) {
            int withinMinute = millisWithinMinute(from, to);
            if (withinMinute >= 0) {
                System.arraycopy(b, from, minutePrefix, 0, 16);
                minuteMillis = millis - withinMinute;
            }
        }
        return millis;
    }

    /**
     * For {@code yyyy-mm-ddThh:mm:ss[.fraction]Z} (the tail checked the way Timestamps does), the millis past the
     * minute; -1 for any other shape.
     */
    private int millisWithinMinute(int from, int to) {
        byte[] b = this.b;
        int s1 = b[from + 17] - '0';
        int s2 = b[from + 18] - '0';
        if (b[from + 16] != ':' || s1 < 0 || s1 > 5 || s2 < 0 || s2 > 9) {
            return -1;
        }
        int i = from + 19;
        int millis = 0;
        if (b[i] == '.') {
            int fractionStart = ++i;
            int d;
            while (i < to && (d = b[i] - '0') >= 0 && d <= 9) {
                if (i - fractionStart < 3) {
                    millis = millis * 10 + d;
                }
                i++;
            }
            int fractionDigits = i - fractionStart;
            if (fractionDigits == 0) {
                return -1;
            }
            for (int pad = fractionDigits; pad < 3; pad++) {
                millis *= 10;
            }
        }
        if (i != to - 1 || (b[i] != 'Z' && b[i] != 'z')) {
            return -1;
        }
        return (s1 * 10 + s2) * 1000 + millis;
    }

    /**
     * Reads a numeric field into number*; false when it is absent (null, "-" or ""). A string holding an integer counts
     * (Traefik writes ClientPort that way).
     */
    private boolean readNumber() {
        byte c = b[pos];
        if (c == '-' || (c >= '0' && c <= '9')) {
            scanNumber();
            return true;
        }
        if (c == '"') {
            int start = pos + 1;
            int close = plainStringEnd(start);
            pos = close + 1;
            if (isNothing(start, close)) {
                return false;
            }
            integerText(start, close);
            return true;
        }
        if (c == 'n') {
            literal('n', 'u', 'l', 'l');
            return false;
        }
        throw FALLBACK;
    }

    private void integerText(int from, int to) {
        boolean negative = b[from] == '-';
        int i = negative ? from + 1 : from;
        if (i == to || to - i > 18) {
            throw FALLBACK;
        }
        long value = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw FALLBACK;
            }
            value = value * 10 + d;
        }
        numberIsIntegral = true;
        numberLong = negative ? -value : value;
        numberDouble = numberLong;
    }

    /** The JSON number at pos when it is read exactly without Double.parseDouble; else falls back. */
    private void scanNumber() {
        byte[] b = this.b;
        int i = pos;
        boolean negative = false;
        if (b[i] == '-') {
            negative = true;
            i++;
        }
        long digits = 0;
        int digitsStart = i;
        int d;
        while (i < end && (d = b[i] - '0') >= 0 && d <= 9) {
            digits = digits * 10 + d;
            i++;
        }
        int digitCount = i - digitsStart;
        if (digitCount == 0) {
            throw FALLBACK;
        }
        byte c = i < end ? b[i] : 0;
        if (c != '.' && c != 'e' && c != 'E') {
            if (digitCount > 18) {
                throw FALLBACK;
            }
            pos = i;
            numberIsIntegral = true;
            numberLong = negative ? -digits : digits;
            numberDouble = numberLong;
            return;
        }
        int fractionDigits = 0;
        if (c == '.') {
            int fractionStart = ++i;
            while (i < end && (d = b[i] - '0') >= 0 && d <= 9) {
                digits = digits * 10 + d;
                i++;
            }
            fractionDigits = i - fractionStart;
            if (fractionDigits == 0) {
                throw FALLBACK;
            }
            digitCount += fractionDigits;
            c = i < end ? b[i] : 0;
        }
        int exponent = 0;
        if (c == 'e' || c == 'E') {
            i++;
            boolean negativeExponent = false;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                negativeExponent = b[i] == '-';
                i++;
            }
            int exponentStart = i;
            while (i < end && (d = b[i] - '0') >= 0 && d <= 9) {
                if (exponent < 100_000) {
                    exponent = exponent * 10 + d;
                }
                i++;
            }
            if (i == exponentStart) {
                throw FALLBACK;
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        int scale = exponent - fractionDigits;
        if (digitCount > 18 || digits >= (1L << 53) || scale < -22 || scale > 22) {
            throw FALLBACK; // Jackson (Double.parseDouble) decides these
        }
        pos = i;
        double value = scale >= 0 ? digits * POW10[scale] : digits / POW10[-scale];
        numberIsIntegral = false;
        numberDouble = negative ? -value : value;
    }

    private long toLong() {
        if (numberIsIntegral) {
            return numberLong;
        }
        double d = numberDouble;
        if (!(d >= -9.2e18 && d <= 9.2e18)) {
            throw FALLBACK;
        }
        return (long) d;
    }

    private int toInt() {
        long value = toLong();
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw FALLBACK;
        }
        return (int) value;
    }

    private int toStatus() {
        long value = toLong();
        if (value < 0 || value > 999) {
            throw FALLBACK;
        }
        return (int) value;
    }

    // ---- skipping

    /** Skips a string, number or literal; nested values go to the fallback (Traefik 3 writes none). */
    private void skipValue() {
        byte c = b[pos];
        switch (c) {
            case '"': skipString(); break;
            case 't': literal('t', 'r', 'u', 'e'); break;
            case 'f':
                literal('f', 'a', 'l', 's');
                if (pos >= end || b[pos] != 'e') {
                    throw FALLBACK;
                }
                pos++;
                break;
            case 'n': literal('n', 'u', 'l', 'l'); break;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    scanNumber();
                } else {
                    throw FALLBACK;
                }
        }
    }

    private void literal(char c0, char c1, char c2, char c3) {
        int p = pos;
        if (p + 4 > end || b[p] != c0 || b[p + 1] != c1 || b[p + 2] != c2 || b[p + 3] != c3) {
            throw FALLBACK;
        }
        pos = p + 4;
    }

    /** Skips the string at pos, checking that its escapes are valid JSON; any other bytes may be in it. */
    private void skipString() {
        byte[] b = this.b;
        int i = pos + 1;
        while (true) {
            i = quoteOrBackslash(i);
            if (b[i] == '"') {
                pos = i + 1;
                return;
            }
            if (i + 1 >= end) {
                throw FALLBACK;
            }
            switch (b[i + 1]) {
                case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                    i += 2;
                    break;
                case 'u':
                    if (i + 6 > end || !isHex(b[i + 2]) || !isHex(b[i + 3]) || !isHex(b[i + 4]) || !isHex(b[i + 5])) {
                        throw FALLBACK;
                    }
                    i += 6;
                    break;
                default:
                    throw FALLBACK;
            }
        }
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * Index of the first '"' or '\' at or after {@code from} in the line, eight bytes at a time (SWAR, as in
     * LineSplitter: the lowest flagged byte of each test is always a true match, so the lowest of both is too).
     */
    private int quoteOrBackslash(int from) {
        byte[] b = this.b;
        int i = from;
        for (; i + 8 <= end; i += 8) {
            long word = (long) LONGS.get(b, i);
            long q = word ^ QUOTES;
            long s = word ^ BACKSLASHES;
            long found = ((q - ONES) & ~q | (s - ONES) & ~s) & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '"' || c == '\\') {
                return i;
            }
        }
        throw FALLBACK;
    }

    /**
     * Index of the closing quote of a string whose content starts at {@code from}, for values that are kept: a
     * backslash or a non-ASCII byte before it sends the line to the fallback, which decodes them.
     */
    private int plainStringEnd(int from) {
        byte[] b = this.b;
        int i = from;
        for (; i + 8 <= end; i += 8) {
            long word = (long) LONGS.get(b, i);
            long q = word ^ QUOTES;
            long s = word ^ BACKSLASHES;
            long found = ((q - ONES) & ~q | (s - ONES) & ~s | word) & HIGHS;
            if (found != 0) {
                int at = i + (Long.numberOfTrailingZeros(found) >>> 3);
                if (b[at] != '"') {
                    throw FALLBACK;
                }
                return at;
            }
        }
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c < 0) {
                throw FALLBACK;
            }
        }
        throw FALLBACK;
    }
}
