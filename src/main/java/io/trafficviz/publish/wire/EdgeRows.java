package io.trafficviz.publish.wire;

import io.trafficviz.graph.EdgeView;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Edge statistics as the graph stream sends them (docs/protocol.md, "Edge rows"): {@code [source ix, target ix,
 * requests, errors, 1xx, 2xx, 3xx, 4xx, 5xx, ratePerSec, rate1m, rate5m, p50Ms, p95Ms, p99Ms, bytes, lastSeen]},
 * numbers rounded to 3 decimals, a figure that is not finite as {@code null}.
 */
public final class EdgeRows {
    private EdgeRows() {
    }

    /** {@code [row,...]} for {@code edges}, nodes by their stream index {@code ix}. */
    public static byte[] write(List<EdgeView> edges, ToIntFunction<String> ix) {
        if (edges.isEmpty()) {
            return Messages.EMPTY_ARRAY;
        }
        JsonBytes out = new JsonBytes(edges.size() * 112 + 2);
        out.raw('[');
        for (int i = 0; i < edges.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            row(out, edges.get(i), ix);
        }
        return out.raw(']').toArray();
    }

    /** One row. Rows of numbers, not chains of calls: see {@link JsonBytes#numbers}. */
    static void row(JsonBytes out, EdgeView e, ToIntFunction<String> ix) {
        long[] counts = {ix.applyAsInt(e.source()), ix.applyAsInt(e.target()), e.requests(), e.errors(),
                e.status1xx(), e.status2xx(), e.status3xx(), e.status4xx(), e.status5xx()};
        double[] figures = {e.ratePerSec(), e.rate1m(), e.rate5m(), e.p50Ms(), e.p95Ms(), e.p99Ms()};
        long[] tail = {e.bytes(), e.lastSeen()};
        out.raw('[').numbers(counts, counts.length).raw(',').decimals(figures, figures.length)
                .raw(',').numbers(tail, tail.length).raw(']');
    }
}
