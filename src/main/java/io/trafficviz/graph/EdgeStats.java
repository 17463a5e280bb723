package io.trafficviz.graph;

import java.util.List;
import java.util.Map;

/**
 * Statistics of one edge. Not thread-safe: owned by the graph, read under its lock.
 *
 * <p>Laid out for the ingest path, which updates three of these per line on thousands of edges, i.e. mostly out of
 * cache: the counters and the newest second of the rate are fields of this object, the latency counts and the rate's
 * ring are bare arrays referenced from here (the ring written only when a new second starts), so that a request
 * touches little more than this object and one latency bucket.
 */
public final class EdgeStats {
    static final String OTHER_PATHS = "(other)";

    /*
     * One counter per status class (index = status / 100; 0 for anything out of range) and nothing else per request:
     * requests and errors are sums of them, so a line updates one counter here instead of three.
     */
    private long unknownClass;
    private long informational;
    private long successes;
    private long redirects;
    private long clientErrors;
    private long serverErrors;
    private long bytes;
    private long lastSeenMillis;
    /** The newest second a request was counted in (Long.MIN_VALUE: none yet), and its count; see {@link RollingRate}. */
    private long rateSecond = Long.MIN_VALUE;
    private int rateCount;
    private int[] rateRing;
    // Allocated in this order, the path table (read on every request) lands next to this object, the array after it.
    private final PathCounts paths;
    private int[] latencyMicros;
    /**
     * The edge is listed in the graph's changed edges since the last drain (a flag check is cheaper than a set insert
     * per line); kept here rather than on {@link Edge}, which the ingest path then never has to read.
     */
    boolean dirty;

    /** Path texts shared with {@code pool} (the graph's, for all its edges). */
    EdgeStats(PathPool pool) {
        paths = new PathCounts(pool);
        latencyMicros = LatencyHistogram.empty();
    }

    /** An edge on its own, with its own path pool (tests). */
    EdgeStats() {
        this(new PathPool());
    }

    /** The status class counted for {@code status}: its hundreds digit, 0 when outside 100..599. */
    static int statusClassOf(int status) {
        return status >= 100 && status < 600 ? status / 100 : 0;
    }

    /** One request, everything derived here (tests; the graph derives what a line's edges share once). */
    void record(int status, long durationNanos, long byteCount, String path, long nowMillis, int maxPaths) {
        record(statusClassOf(status), durationNanos / 1000, byteCount, nowMillis, Math.floorDiv(nowMillis, 1000));
        if (path != null) {
            paths.add(path, maxPaths);
        }
    }

    /** Counts one request. Paths are counted separately ({@link #countPath}). */
    void record(int statusClass, long micros, long byteCount, long nowMillis, long second) {
        count(statusClass, byteCount, nowMillis, second);
        recordLatency(micros);
    }

    /** The counters and the rate of one request: this object's fields (the ring too when a new second starts). */
    void count(int statusClass, long byteCount, long nowMillis, long second) {
        switch (statusClass) {
            case 2 -> successes++;
            case 3 -> redirects++;
            case 4 -> clientErrors++;
            case 5 -> serverErrors++;
            case 1 -> informational++;
            default -> unknownClass++;
        }
        if (byteCount > 0) {
            bytes += byteCount;
        }
        if (second == rateSecond) {
            rateCount++;
        } else {
            countInOtherSecond(second);
        }
        if (nowMillis > lastSeenMillis) {
            lastSeenMillis = nowMillis;
        }
    }

    /**
     * The counters of one request without its rate: a past window's request too old for the rates evaluated at the
     * window's end (they look back 300 s), which would only advance the rate's ring to no effect.
     */
    void countWithoutRate(int statusClass, long byteCount, long nowMillis) {
        switch (statusClass) {
            case 2 -> successes++;
            case 3 -> redirects++;
            case 4 -> clientErrors++;
            case 5 -> serverErrors++;
            case 1 -> informational++;
            default -> unknownClass++;
        }
        if (byteCount > 0) {
            bytes += byteCount;
        }
        if (nowMillis > lastSeenMillis) {
            lastSeenMillis = nowMillis;
        }
    }

    /** {@code count} requests of {@code path} at once, as that many {@link #countPath} calls. */
    void countPath(String path, long count, int maxPaths) {
        paths.add(path, count, maxPaths);
    }

    /** {@code count} requests whose paths came after the path table was full, at once. */
    void countOtherPaths(long count) {
        paths.addOther(count);
    }

    /** The latency of one request (with {@link #count}, which counts it in the total the percentiles are taken of). */
    void recordLatency(long micros) {
        latencyMicros = LatencyHistogram.record(latencyMicros, micros);
    }

    private void countInOtherSecond(long second) {
        if (rateSecond == Long.MIN_VALUE) {
            rateSecond = second;
            rateCount = 1;
        } else if (second < rateSecond) {
            rateRing = RollingRate.countLate(rateRing, rateSecond, second);
        } else {
            rateRing = RollingRate.advance(rateRing, rateSecond, rateCount, second);
            rateSecond = second;
            rateCount = 1;
        }
    }

    /** See {@link PathCounts#add(String, int, int)}: returns the text held, for the line's next edge. */
    String countPath(String path, int hash, int maxPaths) {
        return paths.add(path, hash, maxPaths);
    }

    public long requests() {
        return unknownClass + informational + successes + redirects + clientErrors + serverErrors;
    }

    /** Requests not answered with 2xx or 3xx (status 0, 1xx, 4xx, 5xx, out of range). */
    public long errors() {
        return unknownClass + informational + clientErrors + serverErrors;
    }

    /** Count for a status class, e.g. {@code statusClass(4)} for 4xx. */
    public long statusClass(int hundreds) {
        return switch (hundreds) {
            case 0 -> unknownClass;
            case 1 -> informational;
            case 2 -> successes;
            case 3 -> redirects;
            case 4 -> clientErrors;
            case 5 -> serverErrors;
            default -> throw new IndexOutOfBoundsException("status class " + hundreds);
        };
    }

    public long bytes() {
        return bytes;
    }

    public double percentileMillis(double percentile) {
        return LatencyHistogram.valueAtPercentile(latencyMicros, requests(), percentile) / 1000.0;
    }

    public double ratePerSecond(long nowMillis, int windowSeconds) {
        return RollingRate.perSecond(rateRing, rateSecond, rateCount, nowMillis, windowSeconds);
    }

    /** Requests whose duration was at or below each of {@code boundsMicros} (ascending). */
    public long[] latencyAtOrBelow(long[] boundsMicros) {
        return LatencyHistogram.atOrBelow(latencyMicros, boundsMicros);
    }

    /** The durations' sum in seconds, each taken as the middle of its histogram bucket (within 1 % above 2 ms). */
    public double latencySumSeconds() {
        return LatencyHistogram.sumMicros(latencyMicros) / 1e6;
    }

    public long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** Distinct paths seen (capped; the overflow counts under "(other)"), as a copy. */
    public Map<String, long[]> paths() {
        return paths.toMap();
    }

    /** The {@code n} busiest paths, busiest first, without copying them all. */
    public List<Map.Entry<String, Long>> topPaths(int n) {
        return paths.top(n);
    }
}
