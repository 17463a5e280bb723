package io.trafficviz.app;

import io.trafficviz.config.TrafficvizConfig;

import java.util.Optional;

/**
 * Whether the JVM's max heap can hold the graph at the ceiling its configured limits allow: nothing else in trafficviz
 * grows with the traffic, so a heap too small for that ceiling ends in an OutOfMemoryError only once the network
 * has grown, perhaps weeks after start. Said once, at startup.
 *
 * <p>The figures are measured, not derived: {@code src/bench/java/io/trafficviz/benchmarks/GraphCeiling.java}
 * ({@code bench/run ceiling}) fills the app's graph to {@code Limits.DEFAULTS}' ceiling through the pipeline's API,
 * with every edge holding its own 100 paths of 40–55 characters (none shared with another edge), latencies up to 60 s
 * and 10 minutes of log time, and prints the live heap (used heap after full GCs) of each stage. On OpenJDK 17,
 * 2026-11-28: the app without a graph 7.2 MB (web server idle), 541–548 bytes per node, 10,838–10,884 bytes
 * per edge without paths, 147–148 bytes per path, 1,045 MB in all for 5,000 nodes and 40,800 edges. Re-run it when
 * the graph's memory layout changes.
 */
public final class HeapCheck {
    /** The app without its graph: 7.2 MB measured, web server idle; rounded up for connections and their buffers. */
    static final long BASE_BYTES = 32L << 20;
    /** A node: its object, id, label, one address, its map entry. */
    static final long BYTES_PER_NODE = 550;
    /**
     * An edge without paths: statistics, a latency histogram grown to 60 s (8.7 KB; one grown to the 1-hour clamp would
     * take 3 KB more), the 300-second rate ring (1.2 KB), and its share of the route table (up to two routes per edge).
     */
    static final long BYTES_PER_EDGE = 10_900;
    /** A path an edge counts, not shared with another edge: the text, the pool's slot, the edge's slot. */
    static final long BYTES_PER_PATH = 148;
    /**
     * Live heap × this is the heap needed: room for the young generation. Measured with GraphCeiling survive: at 2.0×
     * the filled app took 343,000 lines/s with 3% of the time in GC pauses; at 1.34× 48,600 lines/s, 14% (thrashing).
     */
    static final double HEADROOM = 2.0;
    /**
     * A suggested -Xmx is padded by this much so that it passes the check also where only {@code maxMemory()} can be
     * read, which Serial GC reports ~4% below -Xmx (see {@link #configuredMaxHeapBytes}).
     */
    private static final double REPORTED_FRACTION = 0.96;

    private HeapCheck() {
    }

    /**
     * Live heap the graph and the app can hold at the limits' ceiling: every node, {@code maxEdges} edges in each view
     * plus the overflow edges between the servers' overflow nodes (one per pair of servers and view at most), each
     * with {@code maxPathsPerEdge} paths.
     */
    public static long estimatedLiveBytes(TrafficvizConfig.Limits limits, int servers) {
        long overflowEdges = 2L * Math.min((long) servers * servers, limits.maxEdges());
        long edges = 2L * limits.maxEdges() + overflowEdges;
        // In double, then saturated: absurd limits (2^31 edges of 2^31 paths) must still warn, not overflow a long.
        double bytes = BASE_BYTES + (limits.maxNodes() + (double) servers) * BYTES_PER_NODE
                + edges * (BYTES_PER_EDGE + (double) limits.maxPathsPerEdge() * BYTES_PER_PATH);
        return bytes >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : (long) bytes;
    }

    /** The max heap needed at the ceiling: live heap with room for the young generation. */
    public static long requiredHeapBytes(TrafficvizConfig.Limits limits, int servers) {
        return (long) (estimatedLiveBytes(limits, servers) * HEADROOM);
    }

    /** The -Xmx to suggest, in MiB: the required heap, padded for collectors that report less, to 64 MiB. */
    static long suggestedXmxMib(TrafficvizConfig.Limits limits, int servers) {
        double mib = requiredHeapBytes(limits, servers) / REPORTED_FRACTION / (1 << 20);
        return (long) Math.ceil(mib / 64) * 64;
    }

    /**
     * The heap the JVM was given ({@code -Xmx}, or its default): HotSpot's MaxHeapSize. {@code maxMemory()} reports less,
     * by a different amount per collector (Serial ~4%, Parallel ~11%), so with it the check would name an -Xmx that
     * is already the one in use; it stands in only where HotSpot's option cannot be read.
     */
    static long configuredMaxHeapBytes() {
        try {
            return Long.parseLong(java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxHeapSize").getValue());
        } catch (RuntimeException | LinkageError notHotSpot) {
            return Runtime.getRuntime().maxMemory();
        }
    }

    /** The share of the heap the graph may plan for: the rest is for pushes being read (see PushOptions). */
    static final double GRAPH_SHARE = 15.0 / 16;
    /** Below these the graph is no use; a heap that cannot hold even them gets them anyway, and the warning. */
    static final int MIN_EDGES = 200;
    static final int MIN_PATHS = 10;

    /**
     * The limits lowered to what {@code maxHeapBytes} can hold, so that a small heap folds the graph into "other"
     * sooner instead of running out of memory once the network has grown: {@code maxEdges} first (down to
     * {@value #MIN_EDGES}), then {@code maxPathsPerEdge} (down to {@value #MIN_PATHS}). Limits that fit are returned as
     * they are.
     */
    public static TrafficvizConfig.Limits fitted(TrafficvizConfig.Limits limits, int servers, long maxHeapBytes) {
        long budget = (long) (maxHeapBytes * GRAPH_SHARE);
        if (requiredHeapBytes(limits, servers) <= budget) {
            return limits;
        }
        int paths = limits.maxPathsPerEdge();
        int edges = largestEdgesThatFit(limits, paths, servers, budget);
        while (edges < MIN_EDGES && paths > MIN_PATHS) {
            paths = Math.max(MIN_PATHS, paths / 2);
            edges = largestEdgesThatFit(limits, paths, servers, budget);
        }
        return new TrafficvizConfig.Limits(limits.maxNodes(), Math.max(Math.min(MIN_EDGES, limits.maxEdges()), edges),
                limits.maxUnknownPerGroup(), paths);
    }

    private static int largestEdgesThatFit(TrafficvizConfig.Limits limits, int paths, int servers, long budget) {
        int low = 0;
        int high = limits.maxEdges();
        while (low < high) {
            int mid = (int) (((long) low + high + 1) / 2);
            TrafficvizConfig.Limits trial = new TrafficvizConfig.Limits(limits.maxNodes(), mid,
                    limits.maxUnknownPerGroup(), paths);
            if (requiredHeapBytes(trial, servers) <= budget) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** What to log when {@link #fitted} lowered the limits, or empty when it did not. */
    public static Optional<String> lowered(TrafficvizConfig.Limits configured, TrafficvizConfig.Limits fitted,
                                           int servers, long maxHeapBytes) {
        if (configured.equals(fitted)) {
            return Optional.empty();
        }
        return Optional.of(String.format("max heap %d MiB cannot hold the graph at its limits' ceiling: limits "
                        + "lowered to maxEdges %d (configured %d) and maxPathsPerEdge %d (configured %d), so the graph "
                        + "folds into \"other\" sooner instead of running out of memory. For the configured limits "
                        + "start java with -Xmx%dm (see docs/performance.md, \"Heap at the limits' ceiling\")",
                maxHeapBytes >> 20, fitted.maxEdges(), configured.maxEdges(), fitted.maxPathsPerEdge(),
                configured.maxPathsPerEdge(), (long) Math.ceil(suggestedXmxMib(configured, servers) / GRAPH_SHARE / 64)
                        * 64));
    }

    /** The warning to log when {@code maxHeapBytes} is below what the limits can need, or empty when it fits. */
    public static Optional<String> warning(TrafficvizConfig.Limits limits, int servers, long maxHeapBytes) {
        long required = requiredHeapBytes(limits, servers);
        if (maxHeapBytes >= required) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                "max heap %d MiB is below the %d MiB the graph can need at its limits' ceiling "
                        + "(limits.maxNodes %d, limits.maxEdges %d per view, limits.maxPathsPerEdge %d, %d server%s: "
                        + "~%d MiB live, x%.0f for the young generation); once the network grows that far trafficviz "
                        + "will fail with OutOfMemoryError. Start java with -Xmx%dm, or lower limits.maxEdges / "
                        + "limits.maxPathsPerEdge (see docs/performance.md, \"Heap at the limits' ceiling\")",
                maxHeapBytes >> 20, required >> 20, limits.maxNodes(), limits.maxEdges(), limits.maxPathsPerEdge(),
                servers, servers == 1 ? "" : "s", estimatedLiveBytes(limits, servers) >> 20, HEADROOM,
                suggestedXmxMib(limits, servers)));
    }
}
