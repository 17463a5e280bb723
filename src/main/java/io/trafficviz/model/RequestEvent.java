package io.trafficviz.model;

/**
 * One resolved request, as the live views show it. Built only while someone is watching.
 *
 * @param toId equals {@code proxyId} when the proxy answered itself
 */
public record RequestEvent(long seq, long time, String server, String network, String proxy, String from, String to,
                           String fromId, String proxyId, String toId, String method, String host, String path,
                           int status, double durationMs, boolean error, boolean answeredByProxy, boolean outsider) {
}
