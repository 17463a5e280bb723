package io.trafficviz.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.dev.sim.ConceptSimulation;
import io.trafficviz.publish.live.LiveHub;
import io.trafficviz.publish.wire.GraphStreamDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** serve end to end: lines appended to tailed files show up in /network_info and on both WebSockets. */
class LiveServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private ConceptSimulation sim;
    private TrafficvizApp app;
    private String base;

    @BeforeEach
    void start() {
        sim = new ConceptSimulation(dir, 7);
        app = TrafficvizApp.start(ConfigLoader.parse(sim.trafficvizConfig("127.0.0.1:0"), dir));
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
        sim.close();
    }

    @Test
    void appendedLinesReachNetworkInfoAndBothWebSockets() throws Exception {
        Messages graph = connect("/ws/graph");
        Messages logs = connect("/access_logs");
        await(() -> graph.all.size() >= 1, "hello on /ws/graph");
        JsonNode hello = JSON.readTree(graph.all.get(0));
        assertThat(hello.path("type").asText()).isEqualTo("hello");
        assertThat(hello.path("graph").path("servers").get(0).path("name").asText()).isEqualTo("server-a");
        await(() -> app.hub().clientCount(LiveHub.Channel.ACCESS_LOG) == 1, "access-log client registered");

        int users = 20;
        for (int i = 0; i < users; i++) {
            sim.userRequest(System.currentTimeMillis());
        }
        // Each user request causes 1 public line and 4 or 5 private lines.
        await(() -> app.ingest().totals().lines() >= users * 5L, "lines tailed");
        // Against the count at each look: the tailer may still be delivering the burst's last lines.
        await(() -> events(logs, "entries") == app.ingest().totals().lines(), "every request streamed to /access_logs");
        await(() -> events(graph, "events") == app.ingest().totals().lines(), "every request streamed to /ws/graph");
        long lines = app.ingest().totals().lines();

        JsonNode entry = firstEvent(logs, "entries");
        for (String field : List.of("time", "server", "network", "proxy", "from", "to", "method", "host", "path",
                "status", "durationMs", "outcome", "answeredBy")) {
            assertThat(entry.has(field)).as(field).isTrue();
        }
        JsonNode info = get("/network_info");
        long publicRequests = 0;
        for (JsonNode e : info.path("edges")) {
            if (e.path("target").asText().equals("proxy:server-a/public-proxy")) {
                publicRequests += e.path("requests").asLong();
            }
        }
        assertThat(publicRequests).isEqualTo(users);
        assertThat(info.path("ingest").path("sources").get(0).path("offset").asLong()).isPositive();
        assertThat(info.path("servers").get(0).path("proxies").get(0).path("api").path("status").asText())
                .isEqualTo("file");
        // A graph batch carries edge statistics for the edges that changed.
        boolean sawEdgeDelta = graph.all.stream().anyMatch(m -> m.contains("\"edges\":[["));
        assertThat(sawEdgeDelta).isTrue();

        // With no new traffic, busy edges are still resent about every second so clients see their rates fall.
        int before = graph.all.size();
        await(() -> graph.all.stream().skip(before)
                .anyMatch(m -> m.contains("\"events\":[]") && m.contains("\"edges\":[[")), "rate refresh batch");

        // The graph stream's compact events, decoded, are the access log's entries.
        GraphStreamDecoder decoder = new GraphStreamDecoder();
        List<JsonNode> decoded = new java.util.ArrayList<>();
        for (String m : graph.all) {
            decoder.accept(m).forEach(e -> decoded.add(e.path("seq")));
        }
        List<JsonNode> entrySeqs = new java.util.ArrayList<>();
        for (String m : logs.all) {
            JSON.readTree(m).path("entries").forEach(e -> entrySeqs.add(e.path("seq")));
        }
        assertThat(decoded.stream().map(JsonNode::asLong).sorted().toList())
                .isEqualTo(entrySeqs.stream().map(JsonNode::asLong).sorted().toList());
    }

    @Test
    void garbageIsCountedAndShownAndHealthMetricsAndPagesAnswer() throws Exception {
        Files.writeString(sim.publicLogPath(), "this is not a log line\n", StandardOpenOption.APPEND);
        await(() -> app.ingest().totals().malformed() == 1, "malformed counted");
        JsonNode src = get("/network_info").path("ingest").path("sources").get(0);
        assertThat(src.path("malformed").asLong()).isEqualTo(1);
        assertThat(src.path("lastError").asText()).isNotBlank();
        assertThat(src.path("recentMalformed").get(0).asText()).contains("this is not a log line");

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("trafficviz_ingest_malformed_total 1")
                .contains("trafficviz_discovery_up{proxy=\"server-a/public-proxy\"} 1");
        assertThat(get("/health").path("status").asText()).isEqualTo("ok");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/access_logs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("content-security-policy").orElse("")).contains("script-src 'self'");
        assertThat(get("/network_info?view=logical").path("view").asText()).isEqualTo("logical");
    }

    @Test
    void webSocketsUpgradeWithoutPermessageDeflateOrSessionCookie() throws Exception {
        // Browsers always offer deflate; compressing would cost each message once per client. The upgrade creates an
        // HTTP session nothing uses (see WebServer).
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /ws/graph HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
            List<String> head = new java.util.ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.add(line);
            }
            assertThat(head.get(0)).contains(" 101 ");
            assertThat(head).noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions"))
                    .noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("set-cookie"));
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    static final class Messages implements WebSocket.Listener {
        final List<String> all = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                all.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    private Messages connect(String path) {
        Messages m = new Messages();
        http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + path), m).join();
        return m;
    }

    private static long events(Messages m, String field) {
        long n = 0;
        for (String s : m.all) {
            try {
                n += JSON.readTree(s).path(field).size();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return n;
    }

    private static JsonNode firstEvent(Messages m, String field) throws Exception {
        for (String s : m.all) {
            JsonNode arr = JSON.readTree(s).path(field);
            if (arr.size() > 0) {
                return arr.get(0);
            }
        }
        throw new AssertionError("no event");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
