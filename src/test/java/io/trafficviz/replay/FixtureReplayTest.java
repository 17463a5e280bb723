package io.trafficviz.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.graph.Edge;
import io.trafficviz.graph.NodeKind;
import io.trafficviz.pipeline.Pipeline;
import io.trafficviz.telemetry.IngestTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        new Replayer(app.pipeline(), app.logFiles(), Double.POSITIVE_INFINITY).run();

        IngestTotals totals = app.pipeline().totals();
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
        Map<String, Map<Integer, Long>> actual = app.pipeline().readGraph(g -> g.hopEdges().stream()
                .filter(e -> e.target().kind() == NodeKind.SERVICE)
                .collect(Collectors.toMap(Edge::id, e -> statusCounts(e), (a, b) -> a, TreeMap::new)));
        assertThat(actual).isEqualTo(expected);
        // Requests into each proxy equal the lines it wrote.
        long publicLines = lines.stream().filter(l -> l.contains("\"public-server-proxy-network\"")).count();
        long intoPublic = app.pipeline().readGraph(g -> g.hopEdges().stream()
                .filter(e -> e.target().id().equals("proxy:server-a/public-proxy"))
                .mapToLong(e -> e.stats().requests()).sum());
        assertThat(intoPublic).isEqualTo(publicLines);
        app.close();
    }

    @Test
    void theNamedCallerIsOneNodeAsBackendAndAsCaller(@TempDir Path dir) throws Exception {
        Path log = fixture("combined-access.json.log");
        TrafficvizApp app = TrafficvizApp.create(ConfigLoader.parse(config(log), dir), true);
        new Replayer(app.pipeline(), app.logFiles(), Double.POSITIVE_INFINITY).run();
        List<String> edges = app.pipeline().readGraph(g -> g.hopEdges().stream().map(Edge::id).toList());
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
        new Replayer(app.pipeline(), app.logFiles(), Double.POSITIVE_INFINITY).run();
        IngestTotals totals = app.pipeline().totals();
        assertThat(totals.malformed()).isEqualTo(garbage.size());
        assertThat(totals.lines()).isEqualTo(357 + garbage.size());
        assertThat(totals.sources().get(0).recentMalformed()).hasSize(garbage.size());
        app.close();
    }

    @Test
    void replayingBytesBuildsTheSameGraphAsFeedingLineStrings(@TempDir Path dir) throws Exception {
        Path log = fixture("combined-access.json.log");
        TrafficvizApp fromBytes = TrafficvizApp.create(ConfigLoader.parse(config(log), dir), true);
        new Replayer(fromBytes.pipeline(), fromBytes.logFiles(), Double.POSITIVE_INFINITY).run();
        TrafficvizApp fromStrings = TrafficvizApp.create(ConfigLoader.parse(config(log), dir), true);
        String origin = fromStrings.logFiles().keySet().iterator().next();
        assertThat(fromStrings.pipeline().acceptAll(origin, Files.readAllLines(log))).isZero();

        assertThat(graphSummary(fromBytes.pipeline())).isNotEmpty().isEqualTo(graphSummary(fromStrings.pipeline()));
        fromBytes.close();
        fromStrings.close();
    }

    /** Every edge with its counters, latencies and paths, as text. */
    private static Map<String, String> graphSummary(Pipeline pipeline) {
        return pipeline.readGraph(g -> {
            Map<String, String> summary = new TreeMap<>();
            for (Edge e : g.hopEdges()) {
                summary.put("hop " + e.id(), describe(e));
            }
            for (Edge e : g.logicalEdges()) {
                summary.put("logical " + e.id(), describe(e));
            }
            return summary;
        });
    }

    private static String describe(Edge e) {
        return e.stats().requests() + " " + e.stats().errors() + " " + e.stats().bytes() + " " + statusCounts(e)
                + " p50=" + e.stats().percentileMillis(50) + " p99=" + e.stats().percentileMillis(99)
                + " last=" + e.stats().lastSeenMillis() + " paths=" + e.stats().topPaths(1000);
    }

    private static Map<Integer, Long> statusCounts(Edge e) {
        Map<Integer, Long> m = new TreeMap<>();
        for (int c = 1; c <= 5; c++) {
            if (e.stats().statusClass(c) > 0) {
                m.put(c, e.stats().statusClass(c));
            }
        }
        return m;
    }
}
