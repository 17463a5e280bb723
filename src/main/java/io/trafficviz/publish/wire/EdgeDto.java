package io.trafficviz.publish.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.PathCount;

import java.util.ArrayList;
import java.util.List;

/**
 * An edge object (docs/protocol.md, {@code /network_info}'s {@code edges}); figures rounded to 3 decimals. The graph
 * stream sends the same statistics as rows instead ({@link EdgeRows}).
 */
@JsonPropertyOrder({"id", "source", "target", "requests", "errors", "status", "ratePerSec", "rate1m", "rate5m",
        "p50Ms", "p95Ms", "p99Ms", "bytes", "lastSeen", "topPaths"})
public record EdgeDto(String id, String source, String target, long requests, long errors, StatusClasses status,
                      double ratePerSec, double rate1m, double rate5m, double p50Ms, double p95Ms, double p99Ms,
                      long bytes, long lastSeen, List<TopPath> topPaths) {

    @JsonPropertyOrder({"1xx", "2xx", "3xx", "4xx", "5xx"})
    public record StatusClasses(@JsonProperty("1xx") long informational, @JsonProperty("2xx") long successes,
                                @JsonProperty("3xx") long redirects, @JsonProperty("4xx") long clientErrors,
                                @JsonProperty("5xx") long serverErrors) {
    }

    @JsonPropertyOrder({"path", "requests"})
    public record TopPath(String path, long requests) {
    }

    public static EdgeDto of(EdgeView e) {
        List<TopPath> paths = new ArrayList<>(e.topPaths().size());
        for (PathCount p : e.topPaths()) {
            paths.add(new TopPath(p.path(), p.requests()));
        }
        return new EdgeDto(e.id(), e.source(), e.target(), e.requests(), e.errors(),
                new StatusClasses(e.status1xx(), e.status2xx(), e.status3xx(), e.status4xx(), e.status5xx()),
                round(e.ratePerSec()), round(e.rate1m()), round(e.rate5m()), round(e.p50Ms()), round(e.p95Ms()),
                round(e.p99Ms()), e.bytes(), e.lastSeen(), paths);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
