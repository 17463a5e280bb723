package io.trafficviz.source.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.source.LineBatch;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.NodeView;
import io.trafficviz.ingest.Ingest;
import io.trafficviz.model.NodeKind;
import io.trafficviz.telemetry.IngestTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Replays the real Traefik 3.4 logs and compares the graph with counting the file by hand. */
class FixtureReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(FixtureReplayTest.class.getResource("/fixtures/traefik-3.4/" + name).toURI());
    }

    /** The concept's two proxies write one combined file; X-Network-Name tells their lines apart. */
    static String config(Path log) {
        return """
                servers:
                  - name: server-a
                    proxies:
                      - name: public-proxy
                        role: public
                        network: public-server-proxy-network
                        accessLog: %s
                      - name: private-proxy
                        role: private
                        network: private-server-proxy-network
                        accessLog: %s
                names:
                  172.25.0.3: public-communicating-service
                """.formatted(log, log);
    }

    @Test
    void perServiceTotalsAndStatusCountsEqualCountingTheFile(@TempDir Path dir) throws Exception {
        Path log = fixture("combined-access.json.log");
        List<String> lines = Files.readAllLines(log);
        TrafficvizApp app = TrafficvizApp.create(ConfigLoader.parse(config(log), dir), true);
        new Replayer(app.ingest(), app.logFiles(), Double.POSITIVE_INFINITY).run();

        IngestTotals totals = app.ingest().totals();
        assertThat(totals.lines()).isEqualTo(lines.size());
        assertThat(totals.malformed()).isZero();

        // By hand: per (proxy network, service) → status class → count.
        Map<String, Map<Integer, Long>> expected = new TreeMap<>();
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            String proxy = n.path("request_X-Network-Name").asText().startsWith("public") ? "public-proxy" : "private-proxy";
            String service = n.path("ServiceName").asText().replace("@file", "");
            expected.computeIfAbsent("proxy:server-a/" + proxy + "->service:server-a/" + service, k -> new TreeMap<>())
                    .merge(n.path("DownstreamStatus").asInt() / 100, 1L, Long::sum);
        }
        NetworkSnapshot graph = app.ingest().snapshot(false, 0);
        Set<String> services = graph.nodes().stream().filter(n -> n.kind() == NodeKind.SERVICE).map(NodeView::id)
                .collect(Collectors.toSet());
        Map<String, Map<Integer, Long>> actual = graph.edges().stream()
                .filter(e -> services.contains(e.target()))
                .collect(Collectors.toMap(EdgeView::id, e -> statusCounts(e), (a, b) -> a, TreeMap::new));
        assertThat(actual).isEqualTo(expected);
        // Requests into each proxy equal the lines it wrote.
        long publicLines = lines.stream().filter(l -> l.contains("\"public-server-proxy-network\"")).count();
        long intoPublic = graph.edges().stream()
                .filter(e -> e.target().equals("proxy:server-a/public-proxy"))
                .mapToLong(EdgeView::requests).sum();
        assertThat(intoPublic).isEqualTo(publicLines);
        app.close();
    }

    @Test
    void theNamedCallerIsOneNodeAsBackendAndAsCaller(@TempDir Path dir) throws Exception {
        Path log = fixture("combined-access.json.log");
        TrafficvizApp app = TrafficvizApp.create(ConfigLoader.parse(config(log), dir), true);
        new Replayer(app.ingest(), app.logFiles(), Double.POSITIVE_INFINITY).run();
        List<String> edges = app.ingest().snapshot(false, 0).edges().stream().map(EdgeView::id).toList();
        assertThat(edges).contains(
                "proxy:server-a/public-proxy->service:server-a/public-communicating-service",
                "service:server-a/public-communicating-service->proxy:server-a/private-proxy");
        app.close();
    }

    @Test
    void garbageLinesRaiseMalformedByExactlyThatMany(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("access.log");
        Files.copy(fixture("combined-access.json.log"), log);
        List<String> garbage = List.of("", "not a log line", "{\"DownstreamStatus\":", "\u0000\u0001binary",
                "{\"a\":1}", "127.0.0.1 - - [bad");
        Files.write(log, garbage, java.nio.file.StandardOpenOption.APPEND);
        TrafficvizApp app = TrafficvizApp.create(ConfigLoader.parse(config(log), dir), true);
        new Replayer(app.ingest(), app.logFiles(), Double.POSITIVE_INFINITY).run();
        IngestTotals totals = app.ingest().totals();
        assertThat(totals.malformed()).isEqualTo(garbage.size());
        assertThat(totals.lines()).isEqualTo(357 + garbage.size());
        assertThat(totals.sources().get(0).recentMalformed()).hasSize(garbage.size());
        app.close();
    }

    @Test
    void replayingBytesBuildsTheSameGraphAsFeedingLineStrings(@TempDir Path dir) throws Exception {
        Path log = fixture("combined-access.json.log");
        TrafficvizApp fromBytes = TrafficvizApp.create(ConfigLoader.parse(config(log), dir), true);
        new Replayer(fromBytes.ingest(), fromBytes.logFiles(), Double.POSITIVE_INFINITY).run();
        TrafficvizApp fromStrings = TrafficvizApp.create(ConfigLoader.parse(config(log), dir), true);
        String origin = fromStrings.logFiles().keySet().iterator().next();
        assertThat(fromStrings.ingest().accept(LineBatch.of(origin, Files.readAllLines(log)))).isZero();

        assertThat(graphSummary(fromBytes.ingest())).isNotEmpty().isEqualTo(graphSummary(fromStrings.ingest()));
        fromBytes.close();
        fromStrings.close();
    }

    /** Every edge with its counters, latencies and paths, as text. */
    private static Map<String, String> graphSummary(Ingest ingest) {
        Map<String, String> summary = new TreeMap<>();
        for (EdgeView e : ingest.snapshot(false, 0, 1000).edges()) {
            summary.put("hop " + e.id(), describe(e));
        }
        for (EdgeView e : ingest.snapshot(true, 0, 1000).edges()) {
            summary.put("logical " + e.id(), describe(e));
        }
        return summary;
    }

    private static String describe(EdgeView e) {
        return e.requests() + " " + e.errors() + " " + e.bytes() + " " + statusCounts(e)
                + " p50=" + e.p50Ms() + " p99=" + e.p99Ms() + " last=" + e.lastSeen() + " paths=" + e.topPaths();
    }

    private static Map<Integer, Long> statusCounts(EdgeView e) {
        long[] classes = {e.status1xx(), e.status2xx(), e.status3xx(), e.status4xx(), e.status5xx()};
        Map<Integer, Long> m = new TreeMap<>();
        for (int c = 1; c <= 5; c++) {
            if (classes[c - 1] > 0) {
                m.put(c, classes[c - 1]);
            }
        }
        return m;
    }
}
