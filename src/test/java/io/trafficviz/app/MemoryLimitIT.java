package io.trafficviz.app;

import io.trafficviz.dev.sim.ConceptSimulation;
import io.trafficviz.source.push.HostileBodies;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * serve inside a real 256 MiB memory limit (a cgroup, as {@code docker run -m 256m} gives one) with the recommended
 * options ({@link SmallContainer}) survives issue 14's hostile pushes and answers every one: the JVM sizes its heap
 * from the limit, trafficviz fits its graph to that heap, and nothing is OOM-killed. Creating the cgroup needs root:
 * elsewhere this is skipped, saying why. {@code bench/run hostile} is the long version with the figures. With history
 * on (serve's default) DuckDB's native memory comes on top of the JVM's and must fit too; each run prints its RSS after
 * start and after the pushes, so the two runs give the store's cost (docs/performance.md).
 */
class MemoryLimitIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "history {0}")
    @ValueSource(booleans = {true, false})
    void serveInA256MibCgroupAnswersHostilePushesAndStaysAlive(boolean history) throws Exception {
        try (MemoryCgroup group = MemoryCgroup.create("trafficviz-it-" + ProcessHandle.current().pid(),
                SmallContainer.LIMIT_BYTES);
             ConceptSimulation sim = new ConceptSimulation(dir, 3)) {
            assumeTrue(group.enforced(), "no memory limit to run in: " + group.unavailable());
            Path config = dir.resolve("trafficviz.yml");
            Files.writeString(config, sim.trafficvizConfig("127.0.0.1:0") + "history:\n  enabled: " + history
                    + "\n  path: " + dir.resolve("history.duckdb") + "\n");
            try (ServeProcess serve = ServeProcess.start(config, SmallContainer.JVM_OPTIONS, group.launcher(),
                    SmallContainer.ENVIRONMENT)) {
                // The JVM read the limit (40% of it is the heap) and the graph's limits were fitted to that heap.
                assertThat(serve.output()).contains("max heap 104 MiB cannot hold the graph");
                if (history) {
                    assertThat(serve.output()).contains("Every request is kept in");
                } else {
                    assertThat(serve.output()).doesNotContain("Every request is kept in");
                }
                long startedRssKb = statusKb(serve.pid(), "VmRSS");
                String push = serve.base() + "/ingest?server=" + ConceptSimulation.SERVER + "&proxy=public-proxy";
                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
                for (int round = 0; round < 2; round++) {
                    answers.add(send(push, "text/plain", HostileBodies.tinyLines()));
                    answers.add(send(push, "application/json", HostileBodies.arrayOfEmptyObjects()));
                    answers.add(send(serve.base() + "/v1/logs", "application/x-protobuf",
                            HostileBodies.otlpOfEmptyRecords("public-proxy")));
                }
                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> r = answer.get();
                    assertThat(r.statusCode()).as(r.body()).isIn(200, 413, 503);
                    if (r.statusCode() == 503) {
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    }
                }
                assertThat(serve.process().isAlive()).isTrue();
                System.out.printf("memory limit IT, history %s: VmRSS %d MiB after start, %d MiB after the pushes,"
                        + " VmHWM %d MiB, cgroup peak %d MiB%n", history ? "on" : "off", startedRssKb >> 10,
                        statusKb(serve.pid(), "VmRSS") >> 10, statusKb(serve.pid(), "VmHWM") >> 10,
                        group.peakBytes() >> 20);
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(serve.base() + "/health"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
                assertThat(group.oomKills()).isZero();
                assertThat(group.peakBytes()).isLessThanOrEqualTo(SmallContainer.LIMIT_BYTES);
                assertThat(serve.output()).doesNotContain("OutOfMemoryError");
            }
        }
    }

    private static long statusKb(long pid, String field) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static CompletableFuture<HttpResponse<String>> send(String url, String type, byte[] body) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
                .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
