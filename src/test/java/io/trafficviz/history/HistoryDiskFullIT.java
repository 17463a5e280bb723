package io.trafficviz.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The store on a 2 MiB tmpfs that fills up while requests are pushed: live counting goes on, every request the store
 * could not keep is a recorded gap ({@code /network_info}, {@code /metrics}), and {@code /health} says degraded. Needs
 * root to mount the tmpfs; skipped, saying so, otherwise.
 */
class HistoryDiskFullIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    Path mount;
    TrafficvizApp app;

    @AfterEach
    void unmount() throws Exception {
        if (app != null) {
            app.close();
        }
        if (mount != null) {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private boolean mountTmpfs(Path at) throws Exception {
        Files.createDirectories(at);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok) {
            System.out.println("HistoryDiskFullIT skipped: cannot mount a tmpfs (needs root): " + out.trim());
        }
        return ok;
    }

    @Test
    void aFullDisk_stopsHistoryNotCounting_andTheGapIsShown() throws Exception {
        Path small = dir.resolve("small");
        assumeTrue(mountTmpfs(small), "mounting a 2 MiB tmpfs needs root");
        mount = small;
        String yaml = """
                listen: 127.0.0.1:0
                stateDir: %s
                history: {path: %s, retention: 36500d}
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: public-net}
                """.formatted(dir.resolve("state"), small.resolve("history.duckdb"));
        app = TrafficvizApp.start(ConfigLoader.parse(yaml, dir));
        String base = "http://127.0.0.1:" + app.port();
        SplittableRandom random = new SplittableRandom(3);
        long pushed = 0;
        for (int round = 0; round < 16; round++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 4000; i++) {
                // Paths that do not compress: the store grows by about their size.
                body.append(String.format(Locale.ROOT, "{\"ClientHost\":\"10.0.%d.%d\",\"RequestMethod\":\"GET\","
                        + "\"RequestPath\":\"/r/%016x%016x%016x%016x\",\"DownstreamStatus\":200,"
                        + "\"ServiceName\":\"svc@file\",\"OriginStatus\":200}\n", random.nextInt(4), random.nextInt(250),
                        random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()));
                pushed++;
            }
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base
                            + "/ingest?server=server-a&proxy=public-proxy"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            app.history().awaitWritten(30_000);
        }
        JsonNode info = get(base + "/network_info");
        assertThat(info.path("ingest").path("lines").asLong()).as("live counting went on").isEqualTo(pushed);
        JsonNode history = info.path("history");
        long stored = history.path("stored").asLong();
        long dropped = history.path("dropped").asLong();
        System.out.printf(Locale.ROOT, "disk full: %d pushed, %d stored, %d dropped, failure: %s%n", pushed, stored,
                dropped, history.path("failure").asText());
        assertThat(dropped).as("the store filled up").isPositive();
        assertThat(stored + dropped).isEqualTo(pushed);
        // What the store says it kept is what it holds: a failed batch that was partly committed all the same is
        // counted as kept for that part, not as a gap (and not both).
        long held = 0;
        for (JsonNode bucket : get(base + "/history/timeline?from=0&to=" + (System.currentTimeMillis() + 60_000)
                + "&step=86400000").path("buckets")) {
            held += bucket.get(1).asLong();
        }
        assertThat(held).as("requests the store holds").isEqualTo(stored);
        assertThat(history.path("failure").asText()).isNotEmpty();
        assertThat(history.path("gaps").get(history.path("gaps").size() - 1).path("reason").asText())
                .isEqualTo(HistoryWriter.STORE_FAILED);
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode doc = JSON.readTree(health.body());
        assertThat(doc.path("status").asText()).isEqualTo("degraded");
        assertThat(doc.path("history").asText()).contains("cannot write").contains("history.duckdb");
        // alive though: a liveness probe must not restart a process that counts on while its disk is full
        HttpResponse<String> live = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("health").asText()).isEqualTo("degraded");
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("trafficviz_history_dropped_total " + dropped + "\n")
                .contains("trafficviz_history_write_failing 1\n");
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
