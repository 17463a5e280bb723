package io.trafficviz.telemetry;

import java.util.List;

/**
 * Who calls each proxy, and how much of it matched no router: what the page's noise switch hides (requests Traefik
 * answered itself with a 404 because no router matched, and callers that only ever sent such requests), and the
 * external callers' node split by client prefix. Counted since start; bounded (see {@code ingest.CallerTally}).
 *
 * @param callers   per caller node and the proxy it called
 * @param prefixes  per external node, proxy and client prefix (IPv4 /24, IPv6 /48: the page groups them further)
 * @param untracked requests of callers or prefixes past the tally's caps (counted in the graph, not here)
 */
public record CallerTraffic(List<Caller> callers, List<Prefix> prefixes, long untracked) {
    public record Caller(String callerId, String proxyId, long requests, long unrouted) {
    }

    /** {@code prefix} as {@code 203.0.113.0/24} or {@code 2001:db8:1::/48}. */
    public record Prefix(String externalId, String proxyId, String prefix, long requests, long unrouted, long errors) {
    }
}
