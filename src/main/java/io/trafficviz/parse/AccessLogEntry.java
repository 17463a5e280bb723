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
    public String clientHost;
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

    /** Kept headers by their log key, e.g. {@code request_X-Network-Name}, {@code downstream_Content-Type}. */
    private Map<String, String> headers = Collections.emptyMap();

    public Map<String, String> headers() {
        return headers;
    }

    public void putHeader(String key, String value) {
        if (headers.isEmpty()) {
            headers = new LinkedHashMap<>(4);
        }
        headers.put(key, value);
    }

    /** A kept request header, e.g. {@code requestHeader("X-Network-Name")}. */
    public String requestHeader(String name) {
        return headers.isEmpty() ? null : headers.get("request_" + name);
    }

    /** True when Traefik produced the response itself: no router matched, a redirect, auth, or no healthy server. */
    public boolean answeredByProxy() {
        return serviceName == null || originStatus == 0;
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
