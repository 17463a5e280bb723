package io.trafficviz.publish.http;

import io.trafficviz.telemetry.IngestStats;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.LiveStats;
import io.trafficviz.telemetry.OutsiderSnapshot;
import io.trafficviz.telemetry.SourceSnapshot;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /metrics} is rendered from the stages' telemetry records alone. */
class MetricsTest {
    @Test
    void rendersEverySeriesFromTheRecords() {
        IngestTotals totals = new IngestTotals(120, 3, 1, 1_000_000, List.of(
                new SourceSnapshot("/var/log/a \"x\".log", "json", 100, 3, "bad", List.of("bad: x")),
                new SourceSnapshot("push:b/p", "json", 20, 0, null, List.of())));
        Map<String, Long> byProxy = new LinkedHashMap<>();
        byProxy.put("a/priv", 2L);
        byProxy.put("b/priv", 0L);
        IngestStats ingest = new IngestStats(totals, new OutsiderSnapshot(2, byProxy, List.of()), 7, 9);
        LiveStats live = new LiveStats(3, 1, 50, 4096, 12, 1);
        Map<String, Boolean> up = new LinkedHashMap<>();
        up.put("a/pub", true);
        up.put("a/priv", false);

        String text = Metrics.render(ingest, live, up, 1_002_500);

        assertThat(text.lines().filter(l -> !l.startsWith("#"))).containsExactly(
                "trafficviz_ingest_lines_total 120",
                "trafficviz_ingest_malformed_total 3",
                "trafficviz_source_lines_total{source=\"/var/log/a \\\"x\\\".log\"} 100",
                "trafficviz_source_lines_total{source=\"push:b/p\"} 20",
                "trafficviz_source_malformed_total{source=\"/var/log/a \\\"x\\\".log\"} 3",
                "trafficviz_source_malformed_total{source=\"push:b/p\"} 0",
                "trafficviz_ingest_lag_seconds 2.500",
                "trafficviz_live_clients{channel=\"graph\"} 3",
                "trafficviz_live_clients{channel=\"access_log\"} 1",
                "trafficviz_live_dropped_events_total 12",
                "trafficviz_live_sent_bytes_total 4096",
                "trafficviz_live_slow_disconnects_total 1",
                "trafficviz_outsider_requests_total{proxy=\"a/priv\"} 2",
                "trafficviz_outsider_requests_total{proxy=\"b/priv\"} 0",
                "trafficviz_graph_nodes 7",
                "trafficviz_graph_edges 9",
                "trafficviz_discovery_up{proxy=\"a/pub\"} 1",
                "trafficviz_discovery_up{proxy=\"a/priv\"} 0");
        assertThat(text).contains("# TYPE trafficviz_ingest_lines_total counter\n")
                .contains("# TYPE trafficviz_live_clients gauge\n")
                .contains("# HELP trafficviz_graph_edges Hop edges in the graph.\n");
    }

    @Test
    void noLineReadYetIsNoLag() {
        IngestStats ingest = new IngestStats(new IngestTotals(0, 0, 0, 0, List.of()),
                new OutsiderSnapshot(0, Map.of(), List.of()), 0, 0);
        assertThat(Metrics.render(ingest, new LiveStats(0, 0, 0, 0, 0, 0), Map.of(), 5_000))
                .contains("trafficviz_ingest_lag_seconds 0.000\n");
    }

    @Test
    void rotationLossesArePerTailedFile() {
        Map<String, Long> losses = new LinkedHashMap<>();
        losses.put("/var/log/a.log", 2L);
        losses.put("/var/log/b.log", 0L);

        String text = Metrics.renderRotationLosses(losses);

        assertThat(text.lines().filter(l -> !l.startsWith("#"))).containsExactly(
                "trafficviz_source_rotation_losses_total{source=\"/var/log/a.log\"} 2",
                "trafficviz_source_rotation_losses_total{source=\"/var/log/b.log\"} 0");
    }
}
