package io.trafficviz.publish.http;

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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routers section on a running trafficviz fed by {@code POST /ingest} with the concept's recorded lines: in the live
 * {@code /network_info}, alone with {@code ?section=routers}, over a window of the store, and a bad section's 400.
 */
class RoutersSectionHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PROXY = "proxy:server-a/public-proxy";

    @TempDir
    Path dir;
    TrafficvizApp app;
    String base;
    long lineCount;

    @BeforeEach
    void start() throws Exception {
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                stateDir: %s
                history: {retention: 36500d}   # the recorded lines are from 2025
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: public-server-proxy-network}
                """.formatted(dir.resolve("state")), dir));
        base = "http://127.0.0.1:" + app.port();
        List<String> lines = Files.readAllLines(Path.of(getClass().getResource(
                "/fixtures/traefik-3.4/public-proxy-access.json.log").toURI()));
        lineCount = lines.size();
        HttpResponse<String> pushed = HTTP.send(HttpRequest.newBuilder(URI.create(base
                        + "/ingest?server=server-a&proxy=public-proxy"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        assertThat(app.history().awaitWritten(10_000)).isTrue();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode proxy(JsonNode doc) {
        for (JsonNode p : doc.path("routers")) {
            if (p.path("proxy").asText().equals(PROXY)) {
                return p;
            }
        }
        throw new AssertionError("no " + PROXY + " in " + doc.path("routers"));
    }

    private static long sum(JsonNode rows) {
        long n = 0;
        for (JsonNode r : rows) {
            n += r.path("requests").asLong();
        }
        return n;
    }

    @Test
    void theSectionIsInTheLiveDocumentAloneOnRequestAndOverAWindow() throws Exception {
        JsonNode live = proxy(ok("/network_info"));
        assertThat(live.path("counted").asText()).isEqualTo("live");
        assertThat(live.path("inventoryAt").isNull()).as("no API configured").isTrue();
        // Without an inventory every name comes from the log; a line names its router and service, or matched none.
        assertThat(live.path("routers")).allSatisfy(r -> assertThat(r.path("declared").asBoolean()).isFalse());
        assertThat(sum(live.path("routers")) + live.path("unrouted").asLong()).isEqualTo(lineCount);

        JsonNode alone = ok("/network_info?section=routers");
        assertThat(alone.has("nodes")).as("the section alone").isFalse();
        assertThat(proxy(alone).path("routers")).isEqualTo(live.path("routers"));

        JsonNode window = ok("/network_info?section=routers&from=0&to=4102444800000");
        assertThat(window.path("counted").asText()).isEqualTo("window");
        JsonNode counted = proxy(window);
        assertThat(sum(counted.path("services"))).as("every routed request on its service: " + counted)
                .isEqualTo(sum(live.path("services")));
        assertThat(ok("/network_info?from=0&to=4102444800000").has("routers")).as("a plain window stays one query")
                .isFalse();

        HttpResponse<String> bad = get("/network_info?section=nodes");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("section");
    }
}
