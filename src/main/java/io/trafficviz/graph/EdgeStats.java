package io.trafficviz.graph;

import org.HdrHistogram.IntCountsHistogram;

import java.util.Map;

/** Statistics of one edge. Not thread-safe: owned by the graph, read under its lock. */
public final class EdgeStats {
    /** Latencies are recorded in microseconds up to one hour; longer ones are clamped rather than lost. */
    private static final long MAX_MICROS = 3_600_000_000L;
    static final String OTHER_PATHS = "(other)";

    private long requests;
    private long errors;
    private final long[] statusClasses = new long[6]; // index = status / 100; 0 for anything out of range
    private long bytes;
    /**
     * Latency in microseconds, 2 significant digits, 10 µs resolution at the bottom (invisible in ms figures), sized
     * for what the edge has seen so far and grown on demand: a fixed 1 µs..1 h histogram is ~13 KB per edge, which
     * with thousands of edges was the largest part of the heap; most edges never see more than seconds (~6 KB).
     */
    private final IntCountsHistogram latencyMicros = newLatencyHistogram();

    private static IntCountsHistogram newLatencyHistogram() {
        IntCountsHistogram h = new IntCountsHistogram(10, 100_000, 2);
        h.setAutoResize(true);
        return h;
    }
    private final RollingRate rate = new RollingRate();
    private final PathCounts paths = new PathCounts();
    private long lastSeenMillis;

    void record(int status, long durationNanos, long byteCount, String path, long nowMillis, int maxPaths) {
        record(status, durationNanos, byteCount, path, nowMillis, maxPaths, null);
    }

    /** As above; a path this edge starts counting is stored as {@code pool}'s copy, shared with other edges. */
    void record(int status, long durationNanos, long byteCount, String path, long nowMillis, int maxPaths,
                PathPool pool) {
        requests++;
        if (status < 200 || status > 399) {
            errors++;
        }
        statusClasses[status >= 100 && status < 600 ? status / 100 : 0]++;
        bytes += Math.max(0, byteCount);
        latencyMicros.recordValue(Math.max(0, Math.min(MAX_MICROS, durationNanos / 1000)));
        rate.record(nowMillis);
        lastSeenMillis = Math.max(lastSeenMillis, nowMillis);
        if (path != null) {
            paths.add(path, maxPaths, pool);
        }
    }

    public long requests() {
        return requests;
    }

    public long errors() {
        return errors;
    }

    /** Count for a status class, e.g. {@code statusClass(4)} for 4xx. */
    public long statusClass(int hundreds) {
        return statusClasses[hundreds];
    }

    public long bytes() {
        return bytes;
    }

    public double percentileMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double ratePerSecond(long nowMillis, int windowSeconds) {
        return rate.perSecond(nowMillis, windowSeconds);
    }

    public long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** Distinct paths seen (capped; the overflow counts under "(other)"), as a copy. */
    public Map<String, long[]> paths() {
        return paths.toMap();
    }

    /** The {@code n} busiest paths, busiest first, without copying them all. */
    public java.util.List<Map.Entry<String, Long>> topPaths(int n) {
        return paths.top(n);
    }
}
