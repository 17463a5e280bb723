package io.trafficviz.app;

import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.config.TrafficvizConfig.Limits;
import io.trafficviz.dev.sim.ConceptSimulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class HeapCheckTest {

    /** The demo runs with the JVM's default heap (a quarter of the machine): on a 1 GB one it must not warn. */
    @Test
    void theDemosOwnLimitsFitTheDefaultHeapOfASmallMachine(@TempDir Path dir) {
        TrafficvizConfig demo = ConfigLoader.parse(
                new ConceptSimulation(dir, 42).trafficvizConfig("127.0.0.1:0"), dir);
        assertThat(HeapCheck.warning(demo.limits(), demo.servers().size(), 256L << 20)).isEmpty();
        assertThat(HeapCheck.warning(Limits.DEFAULTS, demo.servers().size(), 256L << 20)).isPresent();
    }
    private static final long MIB = 1 << 20;

    @Test
    void theEstimateAtTheDefaultCeilingIsWhatGraphCeilingMeasured() {
        // GraphCeiling, default limits, 20 servers: 1,045 MB live (app without web server 5.7 MB + graph 1,039 MB).
        long measured = 1_045_000_000L;
        assertThat(HeapCheck.estimatedLiveBytes(Limits.DEFAULTS, 20))
                .isBetween(measured, measured + HeapCheck.BASE_BYTES + 20_000_000L);
    }

    @Test
    void theEstimateGrowsWithEachLimit() {
        Limits base = new Limits(1000, 2000, 50, 40);
        long at = HeapCheck.estimatedLiveBytes(base, 2);
        // 2 × 2,000 edges + 2 × 4 overflow edges, each with 40 more paths.
        assertThat(HeapCheck.estimatedLiveBytes(new Limits(1000, 2000, 50, 80), 2) - at)
                .isEqualTo(4008L * 40 * HeapCheck.BYTES_PER_PATH);
        assertThat(HeapCheck.estimatedLiveBytes(new Limits(1000, 3000, 50, 40), 2) - at)
                .isEqualTo(2000L * (HeapCheck.BYTES_PER_EDGE + 40 * HeapCheck.BYTES_PER_PATH));
        assertThat(HeapCheck.estimatedLiveBytes(new Limits(2000, 2000, 50, 40), 2) - at)
                .isEqualTo(1000L * HeapCheck.BYTES_PER_NODE);
        // Overflow edges: one per ordered pair of servers and view, no more than the cap.
        assertThat(HeapCheck.estimatedLiveBytes(base, 3) - at).isEqualTo(
                HeapCheck.BYTES_PER_NODE + 2L * (9 - 4) * (HeapCheck.BYTES_PER_EDGE + 40 * HeapCheck.BYTES_PER_PATH));
        assertThat(HeapCheck.estimatedLiveBytes(base, 1000) - HeapCheck.estimatedLiveBytes(base, 999))
                .isEqualTo(HeapCheck.BYTES_PER_NODE);
        assertThat(HeapCheck.requiredHeapBytes(base, 2)).isEqualTo((long) (2.0 * at));
    }

    @Test
    void theOldShippedHeapIsTooSmallForTheDefaultLimitsAndTheWarningSaysWhatToDo() {
        String warning = HeapCheck.warning(Limits.DEFAULTS, 1, 200 * MIB).orElseThrow();
        long xmx = HeapCheck.suggestedXmxMib(Limits.DEFAULTS, 1);
        assertThat(warning)
                .startsWith("max heap 200 MiB is below the ")
                .contains("limits.maxNodes 5000", "limits.maxEdges 20000 per view", "limits.maxPathsPerEdge 100",
                        "limits.maxPathsPerEdge 100, 1 server: ~", "OutOfMemoryError", "-Xmx" + xmx + "m", "lower limits.maxEdges");
        assertThat(xmx).isBetween(2048L, 2304L);
    }

    @Test
    void absurdLimitsStillWarnInsteadOfOverflowing() {
        Limits absurd = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, 50, Integer.MAX_VALUE);
        assertThat(HeapCheck.estimatedLiveBytes(absurd, 1000)).isPositive();
        assertThat(HeapCheck.warning(absurd, 1000, 64L << 30)).isPresent();
    }

    @Test
    void theHeapCheckedIsTheOneTheJvmWasGivenNotTheLessItReports() {
        assertThat(HeapCheck.configuredMaxHeapBytes()).isGreaterThanOrEqualTo(Runtime.getRuntime().maxMemory());
    }

    @Test
    void noWarningWhenTheHeapFitsTheCeiling() {
        assertThat(HeapCheck.warning(Limits.DEFAULTS, 1, 8192 * MIB)).isEmpty();
        long required = HeapCheck.requiredHeapBytes(Limits.DEFAULTS, 1);
        assertThat(HeapCheck.warning(Limits.DEFAULTS, 1, required)).isEmpty();
        assertThat(HeapCheck.warning(Limits.DEFAULTS, 1, required - 1)).isPresent();
        // Lower limits fit the heap the README's benchmark row ran with.
        assertThat(HeapCheck.warning(new Limits(2000, 2000, 50, 50), 1, 256 * MIB)).isEmpty();
    }

    @Test
    void theSuggestedXmxPassesTheCheckEvenWhereTheCollectorReportsASurvivorSpaceLess() {
        for (Limits limits : List.of(Limits.DEFAULTS, new Limits(300, 777, 5, 13), new Limits(20000, 50000, 50, 200))) {
            for (int servers : new int[]{1, 7, 40}) {
                long xmx = HeapCheck.suggestedXmxMib(limits, servers) * MIB;
                // Serial GC with the default ratios reports -Xmx less one survivor space: 1/30 of it.
                assertThat(HeapCheck.warning(limits, servers, xmx - xmx / 30)).as("%s, %d servers", limits, servers)
                        .isEmpty();
            }
        }
    }

    /** The Dockerfile's heap must hold the default ceiling, for the examples' configs and up to 40 servers. */
    @Test
    void theShippedDockerHeapFitsTheDefaultCeiling() throws IOException {
        Matcher m = Pattern.compile("\"-Xmx(\\d+)m\"").matcher(Files.readString(Path.of("examples/docker/Dockerfile")));
        assertThat(m.find()).as("the Dockerfile sets -Xmx").isTrue();
        long xmx = Long.parseLong(m.group(1)) * MIB;
        long reported = xmx - xmx / 30;
        for (String example : List.of("examples/single-server/trafficviz.yml", "examples/two-servers/trafficviz.yml",
                "examples/trafficviz.yml")) {
            // The Docker examples take the admin's password hash from the environment (auth.users).
            TrafficvizConfig cfg = ConfigLoader.parse(Files.readString(Path.of(example)).replace(
                    "${TRAFFICVIZ_ADMIN_HASH}", "\"$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\""),
                    Path.of(example).toAbsolutePath().getParent());
            assertThat(HeapCheck.warning(cfg.limits(), cfg.servers().size(), reported)).as(example).isEmpty();
        }
        assertThat(HeapCheck.warning(Limits.DEFAULTS, 40, reported)).isEmpty();
        // What the Dockerfile's comment promises for smaller limits.
        assertThat(HeapCheck.warning(new Limits(5000, 5000, 50, 50), 1, 640 * MIB - 640 * MIB / 30)).isEmpty();
    }

    @Test
    void aSmallHeapLowersTheLimitsToWhatItCanHoldAndALargeOneKeepsThem() {
        long heap256 = 256L << 20;
        Limits fitted = HeapCheck.fitted(Limits.DEFAULTS, 1, heap256);
        assertThat(fitted.maxEdges()).isLessThan(Limits.DEFAULTS.maxEdges()).isGreaterThanOrEqualTo(HeapCheck.MIN_EDGES);
        assertThat(fitted.maxNodes()).isEqualTo(Limits.DEFAULTS.maxNodes());
        assertThat(HeapCheck.requiredHeapBytes(fitted, 1)).isLessThanOrEqualTo((long) (heap256 * HeapCheck.GRAPH_SHARE));
        assertThat(HeapCheck.warning(fitted, 1, heap256)).isEmpty();
        assertThat(HeapCheck.lowered(Limits.DEFAULTS, fitted, 1, heap256)).get().asString()
                .contains("max heap 256 MiB", "maxEdges " + fitted.maxEdges() + " (configured 20000)", "-Xmx");
        // A heap too small even for a few hundred edges gives up paths first.
        Limits tiny = HeapCheck.fitted(Limits.DEFAULTS, 1, 80L << 20);
        assertThat(tiny.maxPathsPerEdge()).isLessThan(Limits.DEFAULTS.maxPathsPerEdge());
        long big = HeapCheck.requiredHeapBytes(Limits.DEFAULTS, 1) * 2;
        assertThat(HeapCheck.fitted(Limits.DEFAULTS, 1, big)).isEqualTo(Limits.DEFAULTS);
        assertThat(HeapCheck.lowered(Limits.DEFAULTS, Limits.DEFAULTS, 1, big)).isEmpty();
    }

    /** The real command, in a JVM of its own with a small heap: one WARN line with the default limits, none with small ones. */
    @Test
    void replayLowersTheLimitsAtStartupOnlyWhenTheHeapIsTooSmallForThem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("access.log"), "");
        String servers = "servers:\n  - name: s\n    proxies:\n"
                + "      - {name: p, role: private, network: n, accessLog: access.log, format: json}\n";
        Files.writeString(dir.resolve("defaults.yml"), servers);
        Files.writeString(dir.resolve("small.yml"),
                "limits: {maxNodes: 500, maxEdges: 500, maxPathsPerEdge: 20}\n" + servers);

        String defaults = replay(dir.resolve("defaults.yml"), "-Xmx128m");
        assertThat(defaults.lines().filter(l -> l.contains("max heap")))
                .singleElement().asString()
                .contains("WARN", "max heap 128 MiB cannot hold", "limits lowered to maxEdges", "(configured 20000)",
                        "(configured 100)", "-Xmx");
        assertThat(replay(dir.resolve("small.yml"), "-Xmx128m")).doesNotContain("max heap").contains("\"lines\":0");
    }

    private static String replay(Path config, String xmx) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), xmx,
                "-cp", System.getProperty("java.class.path"), "io.trafficviz.Main",
                "replay", "--config", config.toString(), "--speed", "max", "--exit-when-done", "--no-web")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
