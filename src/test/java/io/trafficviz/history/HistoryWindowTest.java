package io.trafficviz.history;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.HistoryConfig;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.dev.generate.LogGenerator;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.NodeView;
import io.trafficviz.source.replay.Replayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A window of the store, as a graph, counts exactly what a fresh replay of that window's lines counts: lines are
 * replayed with history on, then windows (some cutting through a second) are compared edge by edge, with every
 * counter, percentile, rate and top path, against a new app fed only with the lines that started inside them.
 */
class HistoryWindowTest {
    private static final long START = LogGenerator.DEFAULT_START_MILLIS;
    private static final int LINES = 12_000;
    private static final int PER_SECOND = 150; // 80 s of traffic
    private static final long SEED = 7;
    private static final int MAX_PATHS = 12;

    @TempDir
    static Path dir;
    private static TrafficvizApp app;

    private static LogGenerator generator() {
        return new LogGenerator(2, 10, 30, SEED);
    }

    @BeforeAll
    static void replayWithHistory() throws Exception {
        Path out = dir.resolve("all");
        LogGenerator.Written written = generator().writeFiles(LogGenerator.Format.JSON, LINES, out, START, PER_SECOND);
        // Few paths per edge: most edges of a window fill their table, count the rest under (other), and list paths of
        // equal counts among their top five (which the store chooses for a window, the graph for a replay).
        Files.writeString(written.config(), limits(MAX_PATHS), java.nio.file.StandardOpenOption.APPEND);
        TrafficvizConfig cfg = ConfigLoader.load(written.config())
                .withHistory(new HistoryConfig(true, dir.resolve("history.duckdb"),
                        HistoryConfig.DEFAULT_RETENTION_MILLIS * 1000, HistoryConfig.DEFAULT_MAX_BYTES));
        app = TrafficvizApp.create(cfg, true);
        app.startHistory(true, false);
        app.startDiscovery();
        assertThat(app.awaitFirstDiscovery(Duration.ofSeconds(10))).isTrue();
        new Replayer(app.ingest(), app.logFiles(), Double.POSITIVE_INFINITY).run();
        assertThat(app.history().awaitWritten(60_000)).isTrue();
        assertThat(app.history().stored()).isEqualTo(LINES);
    }

    @AfterAll
    static void close() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void windowsCuttingThroughSeconds_countWhatAReplayOfTheirLinesCounts() throws Exception {
        long[][] windows = {
                {START + 10_250, START + 37_730},  // starts and ends inside a second
                {START + 5_000, START + 6_000},    // one whole second
                {START + 59_999, START + 60_001},  // two milliseconds across a second's edge
                {START, START + 80_000},            // everything
        };
        for (long[] w : windows) {
            for (boolean logical : new boolean[] {false, true}) {
                NetworkSnapshot fromStore = app.historyQueries().window(w[0], w[1], logical);
                NetworkSnapshot replayed = replayOnly(w[0], w[1], logical);
                assertThat(fromStore.totals().lines()).as("lines in %s", List.of(w[0], w[1]))
                        .isEqualTo(replayed.totals().lines());
                assertThat(fromStore.totals().lines()).isPositive();
                assertThat(byId(fromStore.edges())).as("edges of %s..%s logical=%s", w[0], w[1], logical)
                        .isEqualTo(byId(replayed.edges()));
                assertThat(placed(fromStore, fromStore.edges())).isEqualTo(placed(replayed, fromStore.edges()));
                assertThat(fromStore.outsiders().count()).isEqualTo(replayed.outsiders().count());
            }
        }
    }

    /**
     * Past the caps an edge is no longer a function of the stored route (overflow nodes stand in by arrival order), so
     * the store cannot sum its paths: such a window is counted request by request. (A replay with the same caps is no
     * reference here: the live resolver declares nodes on its cache misses, in an order the store does not keep, so
     * other nodes fold.)
     */
    @Test
    void aWindowPastTheNodeCap_isCountedRequestByRequest() throws Exception {
        HistoryQueries capped = app.historyQueries().withLimits(12, 20_000, MAX_PATHS);
        for (boolean logical : new boolean[] {false, true}) {
            NetworkSnapshot window = capped.window(START + 10_250, START + 37_730, logical);
            NetworkSnapshot oneByOne = capped.countedOneByOne(START + 10_250, START + 37_730, logical);
            assertThat(window.overflowedNodes()).isPositive();
            assertThat(byId(window.edges())).isEqualTo(byId(oneByOne.edges()));
            assertThat(window.edges()).anySatisfy(e -> assertThat(e.source()).startsWith("overflow:"));
        }
    }

    @Test
    void anEmptyWindow_isAnEmptyGraphWithTheProxies() throws Exception {
        NetworkSnapshot empty = app.historyQueries().window(START - 10_000, START - 1, false);
        assertThat(empty.totals().lines()).isZero();
        assertThat(empty.edges()).isEmpty();
        assertThat(empty.nodes()).isNotEmpty().allSatisfy(n -> assertThat(n.id()).startsWith("proxy:"));
    }

    private static Map<String, EdgeView> byId(List<EdgeView> edges) {
        Map<String, EdgeView> m = new HashMap<>();
        edges.forEach(e -> m.put(e.id(), e));
        return m;
    }

    /** The nodes the edges touch, without the addresses (the store keeps none; the live graph shows them). */
    private static Set<String> placed(NetworkSnapshot s, List<EdgeView> edges) {
        Set<String> ids = new TreeSet<>();
        edges.forEach(e -> {
            ids.add(e.source());
            ids.add(e.target());
        });
        Set<String> out = new TreeSet<>();
        for (NodeView n : s.nodes()) {
            if (ids.contains(n.id())) {
                out.add(n.id() + " " + n.kind() + " " + n.label() + " " + n.network() + " " + n.outsider());
            }
        }
        return out;
    }

    private static String limits(int paths) {
        return "limits:\n  maxPathsPerEdge: " + paths + "\n";
    }

    /** A fresh app fed with the lines that started in {@code [from, to)}, in the order they were written. */
    private static NetworkSnapshot replayOnly(long from, long to, boolean logical) throws Exception {
        Path only = dir.resolve("only-" + from + "-" + to + (logical ? "-logical" : ""));
        Files.createDirectories(only);
        Path all = dir.resolve("all");
        try (Stream<Path> files = Files.list(all)) {
            for (Path f : files.toList()) {
                if (Files.isDirectory(f)) {
                    copyTree(f, only.resolve(f.getFileName().toString()));
                } else if (!f.getFileName().toString().endsWith(".log")) {
                    Files.copy(f, only.resolve(f.getFileName().toString()));
                }
            }
        }
        LogGenerator g = generator();
        Map<Integer, BufferedWriter> writers = new HashMap<>();
        List<BufferedWriter> open = new ArrayList<>();
        try {
            for (LogGenerator.Proxy p : g.proxies()) {
                BufferedWriter w = Files.newBufferedWriter(only.resolve(p.logFileName()));
                writers.put(p.index(), w);
                open.add(w);
            }
            for (long i = 0; i < LINES; i++) {
                long t = START + i * 1000 / PER_SECOND;
                LogGenerator.Generated gen = g.next(t);
                if (t >= from && t < to) {
                    BufferedWriter w = writers.get(gen.proxy().index());
                    w.write(gen.line(LogGenerator.Format.JSON));
                    w.write('\n');
                }
            }
        } finally {
            for (BufferedWriter w : open) {
                w.close();
            }
        }
        TrafficvizConfig cfg = ConfigLoader.load(only.resolve("trafficviz.yml"));
        try (TrafficvizApp fresh = TrafficvizApp.create(cfg, true)) {
            fresh.startDiscovery();
            assertThat(fresh.awaitFirstDiscovery(Duration.ofSeconds(10))).isTrue();
            new Replayer(fresh.ingest(), fresh.logFiles(), Double.POSITIVE_INFINITY).run();
            return fresh.ingest().snapshot(logical, to);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".log")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
