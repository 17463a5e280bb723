package io.trafficviz.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.trafficviz.publish.LiveServerTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /network_info} is one snapshot: read while lines keep arriving, its ingest totals count exactly the lines
 * its edges hold (a client that waits for "all lines ingested" then sees every one of them in the graph). And it lists
 * the same network the same way whatever order its parts were seen in.
 */
class NetworkInfoSnapshotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private TrafficvizApp app;
    private String base;

    @BeforeEach
    void start() throws Exception {
        Files.createFile(dir.resolve("pub.log"));
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  - name: server-a
                    proxies:
                      - {name: pub, role: public, network: pub-net, accessLog: pub.log}
                """, dir));
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private static String line(int i) {
        return "{\"ClientHost\":\"203.0.113." + (i % 200 + 1) + "\",\"DownstreamStatus\":200,\"OriginStatus\":200,"
                + "\"Duration\":2000000,\"RequestMethod\":\"GET\",\"RequestPath\":\"/p" + i + "\","
                + "\"RequestHost\":\"www\",\"ServiceName\":\"web@file\",\"ServiceURL\":\"http://172.25.0.9:80\","
                + "\"StartUTC\":\"2025-07-15T13:14:33.5Z\"}\n";
    }

    @Test
    void ingestTotalsCountTheLinesTheEdgesHold() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try {
                for (int chunk = 0; chunk < 400 && writing.get(); chunk++) {
                    StringBuilder lines = new StringBuilder();
                    for (int i = 0; i < 50; i++) {
                        lines.append(line(chunk * 50 + i));
                    }
                    Files.writeString(dir.resolve("pub.log"), lines, StandardOpenOption.APPEND);
                    Thread.sleep(2);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            await(() -> lines(get()) > 0, "the first lines");
            int compared = 0;
            for (int i = 0; i < 60 && writer.isAlive(); i++) {
                JsonNode doc = get();
                long intoProxy = 0;
                for (JsonNode e : doc.path("edges")) {
                    if (e.path("target").asText().equals("proxy:server-a/pub")) {
                        intoProxy += e.path("requests").asLong();
                    }
                }
                // Every line is one request from an outsider to the proxy.
                assertThat(intoProxy).as("requests into the proxy vs lines ingested, read %d", i).isEqualTo(lines(doc));
                compared++;
            }
            assertThat(compared).as("snapshots taken while lines arrived").isPositive();
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    @Test
    void nodesAndEdgesAreListedByIdNotInTheOrderTheyWereSeen() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (String caller : java.util.List.of("10.9.0.3", "10.9.0.1", "10.9.0.2")) {
            lines.append(line(0).replace("203.0.113.1", caller));
        }
        Files.writeString(dir.resolve("pub.log"), lines, StandardOpenOption.APPEND);
        await(() -> lines(get()) == 3, "the three lines");
        JsonNode doc = get();
        java.util.List<String> nodeIds = new java.util.ArrayList<>();
        doc.path("nodes").forEach(n -> nodeIds.add(n.path("id").asText()));
        // Seen in this order: the proxy (configured), the first caller, the service it called, the other callers.
        assertThat(nodeIds).containsExactly("proxy:server-a/pub", "service:server-a/web",
                "unrecognised:server-a/pub-net/10.9.0.1", "unrecognised:server-a/pub-net/10.9.0.2",
                "unrecognised:server-a/pub-net/10.9.0.3");
        java.util.List<String> edgeIds = new java.util.ArrayList<>();
        doc.path("edges").forEach(e -> edgeIds.add(e.path("id").asText()));
        assertThat(edgeIds).hasSize(4).isSorted();
    }

    private static long lines(JsonNode doc) {
        return doc.path("ingest").path("lines").asLong();
    }

    private JsonNode get() {
        try {
            return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/network_info")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
