package io.trafficviz.publish;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.dev.sim.ConceptSimulation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Origin and Host checks over a real socket (issue 14, item 1): hostile pages get 403 before any WebSocket
 * upgrade and before a state-changing request reaches its route; a foreign Host (DNS rebinding) gets 421.
 */
class WebGuardTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    @TempDir
    Path dir;
    private ConceptSimulation sim;
    private TrafficvizApp app;
    private int port;

    @BeforeEach
    void start() {
        sim = new ConceptSimulation(dir, 7);
        String config = sim.trafficvizConfig("127.0.0.1:0") + """
                http:
                  allowedOrigins: [https://trafficviz.example.com]
                  allowedHosts: [trafficviz.example.com]
                """;
        app = TrafficvizApp.start(ConfigLoader.parse(config, dir));
        port = app.port();
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
        sim.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ws/graph", "/access_logs"})
    void hostileOriginsAreRefusedBeforeTheUpgrade(String path) throws IOException {
        for (String origin : List.of("http://evil.example", "null", "https://127.0.0.1.evil.example",
                "http://127.0.0.1:" + (port + 1), "http://localhost:" + port + ".evil.example", "file://")) {
            List<String> head = request(upgrade(path, "127.0.0.1:" + port, origin));
            assertThat(head.get(0)).as(origin).contains(" 403 ");
            assertThat(header(head, "upgrade")).as(origin).isNull();
        }
        String oddlySpelled = upgrade(path, "127.0.0.1:" + port, "http://evil.example")
                .replace("Upgrade: websocket", "Upgrade: WebSocket, foo/1");
        assertThat(request(oddlySpelled).get(0)).contains(" 403 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ws/graph", "/access_logs"})
    void ownPagesConfiguredOriginsAndScriptsWithoutOriginUpgrade(String path) throws IOException {
        assertThat(request(upgrade(path, "127.0.0.1:" + port, "http://127.0.0.1:" + port)).get(0)).contains(" 101 ");
        assertThat(request(upgrade(path, "localhost:" + port, "http://localhost:" + port)).get(0)).contains(" 101 ");
        // TLS ending at a reverse proxy in front: the page is https, the request arrives here over http.
        assertThat(request(upgrade(path, "trafficviz.example.com", "https://trafficviz.example.com")).get(0))
                .contains(" 101 ");
        assertThat(request(upgrade(path, "127.0.0.1:" + port, "https://trafficviz.example.com")).get(0))
                .contains(" 101 ");
        // A script (websocat, a test's HttpClient) sends no Origin; a browser always does.
        assertThat(request(upgrade(path, "127.0.0.1:" + port, null)).get(0)).contains(" 101 ");
    }

    @Test
    void aForeignHostIsRefusedWhateverThePath() throws IOException {
        for (String path : List.of("/", "/network_info", "/access_logs", "/metrics")) {
            List<String> head = request("GET " + path + " HTTP/1.1\r\nHost: rebind.evil.example:" + port
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(head.get(0)).as(path).contains(" 421 ");
        }
        List<String> ws = request(upgrade("/ws/graph", "rebind.evil.example:" + port, "http://rebind.evil.example:"
                + port));
        assertThat(ws.get(0)).contains(" 421 ");
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "LocalHost",
                "app.localhost:" + port, "trafficviz.example.com", "10.1.2.3:8082")) {
            List<String> head = request("GET /network_info HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertThat(head.get(0)).as(host).contains(" 200 ");
        }
    }

    @Test
    void stateChangingRequestsFromForeignPagesAreRefused() throws IOException {
        String body = "x";
        for (String method : List.of("POST /ingest?server=server-a&proxy=public-proxy", "POST /v1/logs",
                "PUT /network_info", "DELETE /network_info", "PATCH /network_info")) {
            List<String> head = request(method + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nOrigin: http://evil.example\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body);
            assertThat(head.get(0)).as(method).contains(" 403 ");
        }
        // A read from a foreign page is left to the browser's same-origin policy (no CORS headers are sent).
        assertThat(request("GET /network_info HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n").get(0)).contains(" 200 ");
    }

    @Test
    void pagesDeclareUtf8() throws IOException {
        for (String path : List.of("/", "/index.html", "/access_logs", "/ gzip", "/ br")) {
            String[] parts = path.split(" ");
            String encoding = parts.length > 1 ? "Accept-Encoding: " + parts[1] + "\r\n" : "";
            List<String> head = request("GET " + parts[0] + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + encoding
                    + "Connection: close\r\n\r\n");
            assertThat(head.get(0)).as(path).contains(" 200 ");
            // Jetty writes "text/html;charset=utf-8"; the issue saw "charset=null" on GET /.
            assertThat(header(head, "content-type").replace(" ", "")).as(path).isEqualToIgnoringCase("text/html;charset=utf-8");
        }
    }

    private static String upgrade(String path, String host, String origin) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + KEY + "\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
    }

    /** Sends raw {@code request} bytes on a new connection and returns the response's status line and headers. */
    private List<String> request(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            List<String> head = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.add(line);
            }
            assertThat(head).as("a response").isNotEmpty();
            return head;
        }
    }

    private static String header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
