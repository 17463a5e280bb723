package io.trafficviz.alert;

import io.trafficviz.model.Route;

/**
 * One route's running counts, bumped by ingest's thread under the engine's lock (never ingest's) and read by the
 * engine's thread as deltas since its last look. Everything past {@code // engine thread} is the engine's alone.
 */
final class RouteCounters {
    /** Latency buckets: two per power of two of microseconds, up to ~6 days. */
    static final int BUCKETS = 1 + 2 * 40;

    final Route route;
    final String serverName;
    final String proxyName;
    // counted under the engine's lock
    long count;
    long errors;
    long unrouted;
    long outsider;
    final long[] latency = new long[BUCKETS];
    boolean dirty;

    // engine thread: what the last look saw, the rules this route is in, its subject keys
    long seenCount;
    long seenErrors;
    long seenUnrouted;
    long seenOutsider;
    final long[] seenLatency = new long[BUCKETS];
    long snapCount;
    long snapErrors;
    long snapUnrouted;
    long snapOutsider;
    final long[] snapLatency = new long[BUCKETS];
    int[] rules;
    String fromId;
    String toId;
    String edgeKey;
    String proxyKey;

    RouteCounters(Route route, String serverName, String proxyName) {
        this.route = route;
        this.serverName = serverName;
        this.proxyName = proxyName;
    }

    /** The bucket of a duration: allocation-free, a few instructions. */
    static int bucket(long nanos) {
        long micros = nanos / 1000;
        if (micros < 1) {
            return 0;
        }
        int b = Math.min(63 - Long.numberOfLeadingZeros(micros), 39);
        int half = b >= 1 ? (int) ((micros >>> (b - 1)) & 1) : 0;
        return 1 + 2 * b + half;
    }

    /** The upper end of a bucket, in milliseconds. */
    static double upperMillis(int bucket) {
        if (bucket == 0) {
            return 0.001;
        }
        int b = (bucket - 1) / 2;
        int half = (bucket - 1) % 2;
        if (b == 0) {
            return 0.002;
        }
        // [2^b + half * 2^(b-1), 2^b + (half + 1) * 2^(b-1)) microseconds
        return ((3L + half) << (b - 1)) / 1000.0;
    }
}
