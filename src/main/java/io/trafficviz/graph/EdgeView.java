package io.trafficviz.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An edge's statistics at one moment, as the live stream's edge rows and {@code /network_info}'s edge objects carry
 * them (docs/protocol.md). Figures are as computed, not rounded: rounding is the wire format's business. Taken under
 * the ingest lock (rates and percentiles are computed then); a value, safe to read anywhere after.
 *
 * @param id         {@code <source id>-><target id>}
 * @param ratePerSec requests per second over the last 10 s; {@code rate1m} and {@code rate5m} over 60 and 300 s
 * @param lastSeen   when the edge last counted a request (epoch ms; 0 never)
 * @param topPaths   the busiest paths, busiest first; empty when not asked for (the live stream's rows leave them out)
 */
public record EdgeView(String id, String source, String target, long requests, long errors, long status1xx,
                       long status2xx, long status3xx, long status4xx, long status5xx, double ratePerSec,
                       double rate1m, double rate5m, double p50Ms, double p95Ms, double p99Ms, long bytes,
                       long lastSeen, List<PathCount> topPaths) {
    public EdgeView {
        topPaths = List.copyOf(topPaths);
    }

    /**
     * Under the lock of the graph {@code e} belongs to: three rate windows and three percentile scans, plus the
     * {@code topPaths} busiest paths when that is above 0.
     */
    public static EdgeView of(Edge e, long nowMillis, int topPaths) {
        EdgeStats s = e.stats();
        return new EdgeView(e.id(), e.source().id(), e.target().id(), s.requests(), s.errors(), s.statusClass(1),
                s.statusClass(2), s.statusClass(3), s.statusClass(4), s.statusClass(5),
                s.ratePerSecond(nowMillis, 10), s.ratePerSecond(nowMillis, 60), s.ratePerSecond(nowMillis, 300),
                s.percentileMillis(50), s.percentileMillis(95), s.percentileMillis(99), s.bytes(),
                s.lastSeenMillis(), topPaths > 0 ? paths(s, topPaths) : List.of());
    }

    private static List<PathCount> paths(EdgeStats s, int n) {
        List<PathCount> out = new ArrayList<>(n);
        for (Map.Entry<String, Long> p : s.topPaths(n)) {
            out.add(new PathCount(p.getKey(), p.getValue()));
        }
        return out;
    }

    /** Requests answered with status class {@code hundreds} (1 to 5). */
    public long statusClass(int hundreds) {
        return switch (hundreds) {
            case 1 -> status1xx;
            case 2 -> status2xx;
            case 3 -> status3xx;
            case 4 -> status4xx;
            case 5 -> status5xx;
            default -> throw new IndexOutOfBoundsException("status class " + hundreds);
        };
    }
}
