package io.trafficviz.model;

/**
 * One resolved request, as the live views show it. Built only while someone is watching.
 *
 * @param toId      equals {@code proxyId} when the proxy answered itself
 * @param requestId the request's {@code X-Request-Id} as its line kept it, or null: the same id on the lines of
 *                  several proxies is one request crossing them
 */
public record RequestEvent(long seq, long time, String server, String network, String proxy, String from, String to,
                           String fromId, String proxyId, String toId, String method, String host, String path,
                           int status, double durationMs, boolean error, boolean answeredByProxy, boolean outsider,
                           String requestId) {
    /** An event without a request id (stored rows: the history store keeps none). */
    public RequestEvent(long seq, long time, String server, String network, String proxy, String from, String to,
                        String fromId, String proxyId, String toId, String method, String host, String path,
                        int status, double durationMs, boolean error, boolean answeredByProxy, boolean outsider) {
        this(seq, time, server, network, proxy, from, to, fromId, proxyId, toId, method, host, path, status, durationMs,
                error, answeredByProxy, outsider, null);
    }
}
