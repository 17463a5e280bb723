package io.trafficviz.ingest;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.GraphDelta;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.NodeView;
import io.trafficviz.source.LineBatch;
import io.trafficviz.telemetry.IngestStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ingest side's read door: values out, taken under ingest's lock. */
class IngestViewTest {
    @TempDir
    Path dir;
    private TrafficvizApp app;
    private Ingest view;
    private String log;

    @BeforeEach
    void start() throws Exception {
        Files.createFile(dir.resolve("priv.log"));
        app = TrafficvizApp.create(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  - name: a
                    proxies:
                      - {name: priv, role: private, network: n, accessLog: priv.log}
                """, dir), true);
        app.hub().close(); // its flusher would drain the changes too
        view = app.ingest();
        log = app.logFiles().keySet().iterator().next();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private void line(String client, int status, String time) {
        view.accept(LineBatch.of(log, List.of("{\"ClientHost\":\"" + client + "\",\"DownstreamStatus\":" + status
                + ",\"OriginStatus\":" + status + ",\"RouterName\":\"r@file\",\"Duration\":2000000,"
                + "\"RequestMethod\":\"GET\",\"RequestPath\":\"/p\",\"RequestHost\":\"h\","
                + "\"ServiceName\":\"db@file\",\"ServiceURL\":\"http://172.25.0.9:80\",\"StartUTC\":\"" + time + "\"}")));
    }

    @Test
    void snapshotListsByIdWithTotalsAndTopPathsAndTheClockFollowsTheLines() {
        line("10.0.0.2", 200, "2025-07-15T13:14:33.5Z");
        line("10.0.0.1", 503, "2025-07-15T13:14:34Z");
        assertThat(view.rateClock()).isEqualTo(1_752_585_274_000L);
        NetworkSnapshot s = view.snapshot(false, view.rateClock());
        assertThat(s.generatedAt()).isEqualTo(1_752_585_274_000L);
        assertThat(s.nodes()).extracting(NodeView::id).isSorted().contains("proxy:a/priv", "service:a/db");
        assertThat(s.edges()).extracting(EdgeView::id).isSorted().hasSize(3);
        assertThat(s.edges()).allSatisfy(e -> assertThat(e.topPaths()).isNotEmpty());
        assertThat(s.totals().lines()).isEqualTo(2);
        assertThat(s.totals().sources()).singleElement().satisfies(src -> assertThat(src.lines()).isEqualTo(2));
        assertThat(s.outsiders().count()).isEqualTo(2);
        assertThat(view.snapshot(true, 0).logical()).isTrue();

        IngestStats stats = view.stats();
        assertThat(stats.nodes()).isEqualTo(s.nodes().size());
        assertThat(stats.hopEdges()).isEqualTo(3);
        assertThat(stats.totals().lines()).isEqualTo(2);
    }

    @Test
    void nodesKeepsTheOrderAskedAndLeavesOutIdsTheGraphDoesNotKnow() {
        line("10.0.0.1", 200, "2025-07-15T13:14:33.5Z");
        assertThat(view.nodes(List.of("service:a/db", "nope", "proxy:a/priv")))
                .extracting(NodeView::id).containsExactly("service:a/db", "proxy:a/priv");
    }

    @Test
    void deltasAreDrainedOnceAndDiscardedChangesAreGone() {
        line("10.0.0.1", 200, "2025-07-15T13:14:33.5Z");
        GraphDelta first = view.drainDelta(view.rateClock(), false);
        assertThat(first.edges()).hasSize(2);
        assertThat(first.nodes()).isNotEmpty();
        assertThat(view.drainDelta(view.rateClock(), false)).isEqualTo(GraphDelta.EMPTY);
        line("10.0.0.9", 200, "2025-07-15T13:14:33.6Z");
        view.discardChanges();
        assertThat(view.drainDelta(view.rateClock(), false).nodes()).isEmpty();
    }

    @Test
    void aListenerThatFailsOnALineStopsNeitherThatLineNorTheRestOfItsBatch() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        view.setListener(new EventListener() {
            @Override
            public boolean wantsEvents() {
                return true;
            }

            @Override
            public void onRequest(LiveRequest request) {
                if (calls.incrementAndGet() == 2) {
                    throw new IllegalStateException("boom");
                }
            }
        });
        String json = "{\"ClientHost\":\"10.0.0.%d\",\"DownstreamStatus\":200,\"OriginStatus\":200,"
                + "\"RouterName\":\"r@file\",\"Duration\":2000000,\"RequestMethod\":\"GET\",\"RequestPath\":\"/p\","
                + "\"RequestHost\":\"h\",\"ServiceName\":\"db@file\",\"ServiceURL\":\"http://172.25.0.9:80\","
                + "\"StartUTC\":\"2025-07-15T13:14:33.5Z\"}";
        int rejected = view.accept(LineBatch.of(log, List.of(json.formatted(1), json.formatted(2), json.formatted(3))));

        assertThat(rejected).isZero();
        assertThat(calls.get()).isEqualTo(3);
        assertThat(view.totals().lines()).isEqualTo(3);
        assertThat(view.totals().malformed()).isZero();
        // Every line recorded once: none lost to the failure, none counted twice.
        assertThat(view.snapshot(false, 0).edges().stream().mapToLong(e -> e.requests()).max()).hasValue(3);
    }
}
