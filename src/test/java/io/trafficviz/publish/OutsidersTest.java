package io.trafficviz.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.publish.live.LiveHub;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.trafficviz.publish.LiveServerTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outsider rule end to end (tailed files → /network_info, /access_logs, /metrics): a private proxy hears from its
 * own server's known workloads, its proxies and trusted networks; anyone else is an outsider, on the node, on the
 * event and in the {@code outsiders} section.
 */
class OutsidersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private TrafficvizApp app;
    private String base;

    @BeforeEach
    void start() throws Exception {
        for (String f : List.of("a-pub.log", "a-priv.log", "b-priv.log")) {
            Files.createFile(dir.resolve(f));
        }
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  - name: server-a
                    trustedNetworks: [10.50.0.0/16]
                    proxies:
                      - {name: pub, role: public, network: a-pub-net, accessLog: a-pub.log, addresses: [172.25.0.2]}
                      - {name: priv, role: private, network: a-priv-net, accessLog: a-priv.log}
                  - name: server-b
                    proxies:
                      - {name: priv, role: private, network: b-priv-net, accessLog: b-priv.log}
                names:
                  172.25.0.3: api
                """, dir));
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private static String line(String client, String path, int status) {
        return "{\"ClientHost\":\"" + client + "\",\"DownstreamStatus\":" + status + ",\"OriginStatus\":" + status
                + ",\"Duration\":2000000,\"RequestMethod\":\"GET\",\"RequestPath\":\"" + path + "\","
                + "\"RequestHost\":\"private\",\"ServiceName\":\"db@file\",\"ServiceURL\":\"http://172.25.0.9:80\","
                + "\"StartUTC\":\"2025-07-15T13:14:33.5Z\"}\n";
    }

    private void append(String file, String... lines) throws Exception {
        Files.writeString(dir.resolve(file), String.join("", lines), StandardOpenOption.APPEND);
    }

    @Test
    void outsidersAreFlaggedOnNodesEventsAndCounted() throws Exception {
        LiveServerTest.Messages logs = new LiveServerTest.Messages();
        http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + "/access_logs"), logs).join();
        await(() -> app.hub().clientCount(LiveHub.Channel.ACCESS_LOG) == 1, "access-log client registered");

        append("a-priv.log",
                line("10.50.1.1", "/trusted", 200),          // a trusted network
                line("172.25.0.3", "/named", 200),           // a name on this server
                line("172.25.0.2", "/from-the-proxy", 200),  // server A's public proxy
                line("192.168.99.7", "/secret?id=1", 200),   // nobody: an outsider
                line("192.168.99.7", "/secret?id=2", 403));
        append("a-pub.log", line("192.168.99.7", "/public", 200)); // a public proxy hears from anyone
        append("b-priv.log", line("10.50.1.1", "/b", 502));     // trusted by server A, not by server B
        await(() -> app.ingest().totals().lines() == 7, "lines tailed");

        JsonNode info = get("/network_info");
        JsonNode outsiders = info.path("outsiders");
        assertThat(outsiders.path("count").asLong()).isEqualTo(3);
        Map<String, Long> byProxy = new TreeMap<>();
        outsiders.path("byProxy").forEach(p -> byProxy.put(p.path("id").asText(), p.path("count").asLong()));
        assertThat(byProxy).isEqualTo(Map.of("proxy:server-a/priv", 2L, "proxy:server-b/priv", 1L));
        List<String> recent = new ArrayList<>();
        outsiders.path("recent").forEach(r -> recent.add(r.path("server").asText() + " " + r.path("proxy").asText()
                + " " + r.path("from").asText() + " " + r.path("address").asText() + " " + r.path("path").asText()
                + " " + r.path("status").asInt()));
        assertThat(recent).as("newest first; files are tailed independently, so only per-file order is fixed")
                .containsExactlyInAnyOrder(
                        "server-a priv 192.168.99.7 192.168.99.7 /secret?id=2 403",
                        "server-a priv 192.168.99.7 192.168.99.7 /secret?id=1 200",
                        "server-b priv 10.50.1.1 10.50.1.1 /b 502");
        assertThat(recent.indexOf("server-a priv 192.168.99.7 192.168.99.7 /secret?id=2 403"))
                .isLessThan(recent.indexOf("server-a priv 192.168.99.7 192.168.99.7 /secret?id=1 200"));
        assertThat(outsiders.path("recent").get(0).path("time").asLong()).isEqualTo(1752585273500L);

        Map<String, Boolean> flagged = new TreeMap<>();
        info.path("nodes").forEach(n -> flagged.put(n.path("id").asText(), n.path("outsider").asBoolean(false)));
        assertThat(flagged).containsEntry("unrecognised:server-a/a-priv-net/192.168.99.7", true)
                .containsEntry("unrecognised:server-b/b-priv-net/10.50.1.1", true)
                .containsEntry("unrecognised:server-a/a-priv-net/10.50.1.1", false)
                .containsEntry("service:server-a/api", false)
                .containsEntry("proxy:server-a/pub", false)
                .containsEntry("unrecognised:server-a/a-pub-net/192.168.99.7", false);

        await(() -> entries(logs).size() == 7, "every request on /access_logs");
        List<String> outsiderEvents = new ArrayList<>();
        for (JsonNode e : entries(logs)) {
            assertThat(e.has("outsider")).isTrue();
            if (e.path("outsider").asBoolean()) {
                outsiderEvents.add(e.path("proxyId").asText() + " " + e.path("fromId").asText() + " " + e.path("path").asText());
            }
        }
        assertThat(outsiderEvents).containsExactlyInAnyOrder(
                "proxy:server-a/priv unrecognised:server-a/a-priv-net/192.168.99.7 /secret?id=1",
                "proxy:server-a/priv unrecognised:server-a/a-priv-net/192.168.99.7 /secret?id=2",
                "proxy:server-b/priv unrecognised:server-b/b-priv-net/10.50.1.1 /b");

        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("trafficviz_outsider_requests_total{proxy=\"server-a/priv\"} 2")
                .contains("trafficviz_outsider_requests_total{proxy=\"server-b/priv\"} 1")
                .doesNotContain("trafficviz_outsider_requests_total{proxy=\"server-a/pub\"}");
    }

    @Test
    void noOutsidersYetListsEveryPrivateProxyAtZero() throws Exception {
        JsonNode outsiders = get("/network_info").path("outsiders");
        assertThat(outsiders.path("count").asLong()).isZero();
        assertThat(outsiders.path("recent")).isEmpty();
        List<String> ids = new ArrayList<>();
        outsiders.path("byProxy").forEach(p -> ids.add(p.path("id").asText() + "=" + p.path("count").asLong()));
        assertThat(ids).containsExactly("proxy:server-a/priv=0", "proxy:server-b/priv=0");
    }

    private static List<JsonNode> entries(LiveServerTest.Messages m) {
        List<JsonNode> out = new ArrayList<>();
        for (String s : m.all) {
            try {
                JSON.readTree(s).path("entries").forEach(out::add);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    private JsonNode get(String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
