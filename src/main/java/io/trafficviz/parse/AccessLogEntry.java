package io.trafficviz.parse;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Traefik access-log line, whatever format it was written in.
 *
 * <p>A plain mutable carrier: parsers fill it field by field on the hot path, so it has no builder. Absent text fields
 * are {@code null} (Traefik's {@code "-"} is normalised to null); absent numbers are 0 (which is also what Traefik writes
 * for {@code OriginStatus} when it answered the request itself).
 */
public final class AccessLogEntry {
    public enum Format { JSON, COMMON, GENERIC_CLF }

    public Format format;

    public String clientAddr;
    /**
     * As Traefik logged it: the connection's IP, or the raw {@code X-Forwarded-For} header when the request carried one
     * (so possibly a list like {@code "203.0.113.7, 10.0.0.2"}, and client-controlled).
     */
    public String clientHost;
    /** The first entry of {@link #clientHost}'s list, trimmed; the same String as clientHost when it is not a list. */
    public String firstClientHost;
    public int clientPort;
    public String clientUsername;

    public int downstreamStatus;
    public long downstreamContentSize;
    public int originStatus;
    public long originContentSize;

    /** Nanoseconds, as Traefik writes them in JSON; CLF's {@code Nms} is converted. */
    public long durationNanos;
    public long originDurationNanos;
    public long overheadNanos;

    public String requestAddr;
    public String requestHost;
    public String requestPort;
    public String requestMethod;
    public String requestPath;
    /** requestPath without its query, when the parser had it at hand (from a cache); see {@link #pathWithoutQuery}. */
    String pathBeforeQuery;
    public String requestProtocol;
    public String requestScheme;
    public long requestContentSize;
    public long requestCount;

    public String routerName;
    public String serviceName;
    public String serviceUrl;
    public String serviceAddr;
    public String entryPointName;
    public int retryAttempts;

    /** Request start, epoch milliseconds (StartUTC; CLF's time field), or 0 if unknown. */
    public long startMillis;

    public String tlsVersion;
    public String tlsCipher;
    public String tlsClientSubject;

    /** OriginContentSize / DownstreamContentSize when compression changed the size (JSON {@code GzipRatio}), else 0. */
    public double gzipRatio;
    /** OpenTelemetry ids ({@code trace_id}/{@code span_id}, or the deprecated {@code TraceId}/{@code SpanId}). */
    public String traceId;
    public String spanId;
    /**
     * The kept {@code X-Request-Id} header ({@code request_X-Request-Id}), cut at 128 characters; read even when no
     * other header is kept: it links the lines one request left on each proxy it crossed. Null when absent.
     */
    public String requestId;

    /** Kept headers by their log key, e.g. {@code request_X-Network-Name}, {@code downstream_Content-Type}. */
    private static final Map<String, String> EMPTY_HEADERS = Collections.emptyMap();

    private Map<String, String> headers = EMPTY_HEADERS;

    /** The kept headers; live and reused by {@link #reset()}, so copy it if you keep it beyond the next parse. */
    public Map<String, String> headers() {
        return headers;
    }

    public void putHeader(String key, String value) {
        // Identity check, not isEmpty(): after reset() the cleared map is reused instead of allocating a new one.
        if (headers == EMPTY_HEADERS) {
            headers = new LinkedHashMap<>(4);
        }
        headers.put(key, value);
    }

    /** Back to the freshly-constructed state, so a parser can refill this instance without allocating a new one. */
    public void reset() {
        format = null;
        clientAddr = null;
        clientHost = null;
        firstClientHost = null;
        clientPort = 0;
        clientUsername = null;
        downstreamStatus = 0;
        downstreamContentSize = 0;
        originStatus = 0;
        originContentSize = 0;
        durationNanos = 0;
        originDurationNanos = 0;
        overheadNanos = 0;
        requestAddr = null;
        requestHost = null;
        requestPort = null;
        requestMethod = null;
        requestPath = null;
        pathBeforeQuery = null;
        requestProtocol = null;
        requestScheme = null;
        requestContentSize = 0;
        requestCount = 0;
        routerName = null;
        serviceName = null;
        serviceUrl = null;
        serviceAddr = null;
        entryPointName = null;
        retryAttempts = 0;
        startMillis = 0;
        tlsVersion = null;
        tlsCipher = null;
        tlsClientSubject = null;
        gzipRatio = 0;
        traceId = null;
        spanId = null;
        requestId = null;
        if (headers != EMPTY_HEADERS) {
            headers.clear();
        }
    }

    /** The address the request came from: the first of an X-Forwarded-For style list, whoever filled this entry. */
    public String callerAddress() {
        return firstClientHost != null ? firstClientHost : ForwardedFor.first(clientHost);
    }

    /** The request path without its query string (the graph counts paths, and queries would make them unbounded). */
    public String pathWithoutQuery() {
        if (pathBeforeQuery != null) {
            return pathBeforeQuery;
        }
        String path = requestPath;
        if (path == null) {
            return null;
        }
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** A kept request header, e.g. {@code requestHeader("X-Network-Name")}. */
    public String requestHeader(String name) {
        return headers.isEmpty() ? null : headers.get("request_" + name);
    }

    /**
     * True when Traefik produced the response itself: no router matched, a redirect, auth, or no healthy server.
     * CLF lines carry no ServiceName, only ServiceURL, so either one counts as "a backend was picked".
     */
    public boolean answeredByProxy() {
        return originStatus == 0 || (serviceName == null && serviceUrl == null);
    }

    /** The status the caller saw. */
    public int status() {
        return downstreamStatus;
    }

    public boolean isError() {
        return downstreamStatus < 200 || downstreamStatus > 399;
    }

    public double durationMillis() {
        return durationNanos / 1_000_000.0;
    }

    @Override
    public String toString() {
        return format + " " + clientHost + " " + requestMethod + " " + requestHost + requestPath + " -> "
                + serviceName + " " + downstreamStatus;
    }
}
