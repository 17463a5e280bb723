package io.trafficviz.parse;

/**
 * Maps the JSON keys Traefik writes to small int ids.
 *
 * <p>The table is indexed by a cheap fingerprint of the key (length, first, middle and last char) rather than a full
 * String-style hash: a multiply per char costs more than the whole lookup. A probe ends with one {@code regionMatches}.
 * {@link JsonScanner} looks each spelling it meets up once and remembers it; {@link JsonFallback} looks up every
 * member's name.
 */
final class JsonKeys {
    static final int UNKNOWN = 0;
    static final int CLIENT_ADDR = 1;
    static final int CLIENT_HOST = 2;
    static final int CLIENT_PORT = 3;
    static final int CLIENT_USERNAME = 4;
    static final int DOWNSTREAM_STATUS = 5;
    static final int DOWNSTREAM_CONTENT_SIZE = 6;
    static final int ORIGIN_STATUS = 7;
    static final int ORIGIN_CONTENT_SIZE = 8;
    static final int DURATION = 9;
    static final int ORIGIN_DURATION = 10;
    static final int OVERHEAD = 11;
    static final int REQUEST_ADDR = 12;
    static final int REQUEST_HOST = 13;
    static final int REQUEST_PORT = 14;
    static final int REQUEST_METHOD = 15;
    static final int REQUEST_PATH = 16;
    static final int REQUEST_PROTOCOL = 17;
    static final int REQUEST_SCHEME = 18;
    static final int REQUEST_CONTENT_SIZE = 19;
    static final int REQUEST_COUNT = 20;
    static final int ROUTER_NAME = 21;
    static final int SERVICE_NAME = 22;
    static final int SERVICE_URL = 23;
    static final int SERVICE_ADDR = 24;
    static final int ENTRY_POINT_NAME = 25;
    static final int RETRY_ATTEMPTS = 26;
    static final int START_UTC = 27;
    static final int START_LOCAL = 28;
    static final int TIME = 29;
    static final int TLS_VERSION = 30;
    static final int TLS_CIPHER = 31;
    static final int TLS_CLIENT_SUBJECT = 32;
    static final int GZIP_RATIO = 33;
    static final int TRACE_ID = 34;
    static final int SPAN_ID = 35;
    /** The kept {@code X-Request-Id} header, in any case: read whatever else is kept (one request across proxies). */
    static final int REQUEST_ID = 36;
    /** logrus' own keys: known, deliberately ignored (so they skip the header-prefix checks). */
    static final int IGNORED = 37;
    /** How Traefik names the kept header: {@code request_} and the header's name as configured. */
    static final String REQUEST_ID_KEY = "request_X-Request-Id";
    /** A request id is kept this long at most (an id, not a payload: ids of real systems are ≤ 64). */
    static final int MAX_REQUEST_ID = 128;

    private static final String[] NAMES = new String[IGNORED + 1];

    private static final int TABLE_SIZE = 256; // power of two, > 6x the key count so probes stay short
    private static final String[] TABLE_KEYS = new String[TABLE_SIZE];
    private static final int[] TABLE_IDS = new int[TABLE_SIZE];

    static {
        add("ClientAddr", CLIENT_ADDR);
        add("ClientHost", CLIENT_HOST);
        add("ClientPort", CLIENT_PORT);
        add("ClientUsername", CLIENT_USERNAME);
        add("DownstreamStatus", DOWNSTREAM_STATUS);
        add("DownstreamContentSize", DOWNSTREAM_CONTENT_SIZE);
        add("OriginStatus", ORIGIN_STATUS);
        add("OriginContentSize", ORIGIN_CONTENT_SIZE);
        add("Duration", DURATION);
        add("OriginDuration", ORIGIN_DURATION);
        add("Overhead", OVERHEAD);
        add("RequestAddr", REQUEST_ADDR);
        add("RequestHost", REQUEST_HOST);
        add("RequestPort", REQUEST_PORT);
        add("RequestMethod", REQUEST_METHOD);
        add("RequestPath", REQUEST_PATH);
        add("RequestProtocol", REQUEST_PROTOCOL);
        add("RequestScheme", REQUEST_SCHEME);
        add("RequestContentSize", REQUEST_CONTENT_SIZE);
        add("RequestCount", REQUEST_COUNT);
        add("RouterName", ROUTER_NAME);
        add("ServiceName", SERVICE_NAME);
        add("ServiceURL", SERVICE_URL);
        add("ServiceAddr", SERVICE_ADDR);
        add("entryPointName", ENTRY_POINT_NAME);
        add("RetryAttempts", RETRY_ATTEMPTS);
        add("StartUTC", START_UTC);
        add("StartLocal", START_LOCAL);
        add("time", TIME);
        add("TLSVersion", TLS_VERSION);
        add("TLSCipher", TLS_CIPHER);
        add("TLSClientSubject", TLS_CLIENT_SUBJECT);
        add("GzipRatio", GZIP_RATIO);
        add("trace_id", TRACE_ID);
        add("TraceId", TRACE_ID); // deprecated spelling, still written by 3.x alongside trace_id
        add("span_id", SPAN_ID);
        add("SpanId", SPAN_ID);
        add("level", IGNORED);
        add("msg", IGNORED);
    }

    private JsonKeys() {
    }

    private static void add(String key, int id) {
        int slot = fingerprint(key, 0, key.length()) & (TABLE_SIZE - 1);
        while (TABLE_KEYS[slot] != null) {
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        TABLE_KEYS[slot] = key;
        TABLE_IDS[slot] = id;
        if (NAMES[id] == null) {
            NAMES[id] = key;
        }
    }

    /** Distinguishes all of Traefik's keys well enough for short probes. */
    static int fingerprint(String src, int start, int length) {
        if (length == 0) {
            return 0;
        }
        int h = length * 0x9E3779B1
                ^ src.charAt(start) * 0x85EBCA6B
                ^ src.charAt(start + (length >> 1)) * 0xC2B2AE35
                ^ src.charAt(start + length - 1) * 0x27D4EB2F;
        return h ^ (h >>> 15);
    }

    /** The id of the key held in {@code src[start, start+length)}, or {@link #UNKNOWN}. */
    static int lookup(String src, int start, int length, int fingerprint) {
        int slot = find(src, start, length, fingerprint);
        return slot < 0 ? UNKNOWN : TABLE_IDS[slot];
    }

    /** The slot of the key held in {@code src[start, start+length)}, or -1. */
    private static int find(String src, int start, int length, int fingerprint) {
        int slot = fingerprint & (TABLE_SIZE - 1);
        String key;
        while ((key = TABLE_KEYS[slot]) != null) {
            if (key.length() == length && src.regionMatches(start, key, 0, length)) {
                return slot;
            }
            slot = (slot + 1) & (TABLE_SIZE - 1);
        }
        return -1;
    }

    /** The key as Traefik spells it, for error messages. */
    static String name(int id) {
        return NAMES[id];
    }

    /**
     * The id of a key {@link #lookup} did not know: {@link #REQUEST_ID} for {@code request_X-Request-Id} in any case
     * (Traefik writes the header's name as the configuration spells it), else {@code header} for a kept header's key,
     * else {@link #UNKNOWN}. Called once per spelling, not per line.
     */
    static int unlisted(String key, int header) {
        if (key.equalsIgnoreCase(REQUEST_ID_KEY)) {
            return REQUEST_ID;
        }
        return isHeaderKey(key, 0, key.length()) ? header : UNKNOWN;
    }

    /** True for keys Traefik uses for kept headers: {@code request_*}, {@code downstream_*}, {@code origin_*}. */
    static boolean isHeaderKey(String src, int start, int length) {
        return (length > 8 && src.startsWith("request_", start))
                || (length > 11 && src.startsWith("downstream_", start))
                || (length > 7 && src.startsWith("origin_", start));
    }
}
