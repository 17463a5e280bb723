package io.trafficviz.telemetry;

import java.util.List;

/**
 * Each proxy's configuration held against its traffic: its routers and services as its API (or file provider) last
 * reported them, with the requests each carried and when it last did; those that carried none are idle. Also the Host
 * headers and paths of the requests no router matched, the busiest first. Counted live since start, or over a window of
 * the history store; bounded (see {@code ingest.RouterTally}).
 *
 * @param proxies one per configured proxy, in config order
 */
public record RouterTraffic(List<Proxy> proxies) {
    /** How many unmatched Host headers and paths a proxy lists; the rest are summed in {@code other}. */
    public static final int TOP = 20;
    /** Unmatched paths are kept this long at most (then cut and marked with …): enough to tell probes apart. */
    public static final int MAX_PATH = 256;

    /**
     * @param proxyId        the proxy's node id
     * @param inventoryAt    when its inventory was read (epoch ms); null when none has been (no API, or not yet)
     * @param routers        its routers: the inventory's, then names seen only in its log ({@code declared} false)
     * @param services       its services, likewise
     * @param unrouted       requests no router matched (Traefik's own 404)
     * @param unmatchedHosts their Host headers, busiest first, at most {@link #TOP} of them
     * @param unmatchedPaths their paths without query, likewise
     */
    public record Proxy(String proxyId, Long inventoryAt, List<Counted> routers, List<Counted> services, long unrouted,
                        Top unmatchedHosts, Top unmatchedPaths) {
    }

    /**
     * A router or service.
     *
     * @param name     qualified, as Traefik names it ({@code api@file})
     * @param service  a router's service (qualified); a service's type; null when unknown
     * @param rule     a router's rule; null for a service or when unknown
     * @param declared whether the proxy's inventory lists it (false: only its log named it)
     * @param requests the requests it carried; null when the counts cannot tell (a router in a stored window)
     * @param lastSeen when it last carried one (epoch ms); null for never or unknown
     * @param idle     it carried none, as far as anything tells: a router none of whose lines named it since start is
     *                 not idle when its service carried requests restored from the store (which keeps no router name)
     */
    public record Counted(String name, String service, String rule, boolean declared, Long requests, Long lastSeen,
                          boolean idle) {
        /** Idle exactly when it carried none. */
        public Counted(String name, String service, String rule, boolean declared, Long requests, Long lastSeen) {
            this(name, service, rule, declared, requests, lastSeen, requests != null && requests == 0);
        }
    }

    /** The busiest texts with their counts, and how many requests went to the rest ({@code other}). */
    public record Top(List<Count> top, long other) {
    }

    public record Count(String text, long requests) {
    }
}
