package io.trafficviz.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.publish.auth.Tokens;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's HTTP side on a running trafficviz, fed by {@code POST /ingest} with the concept's recorded lines: a
 * window of {@code /network_info}, the timeline and the access log's pages, their 400s naming the parameter, and the
 * viewer role kept out of the raw log here as on {@code /access_logs}.
 */
class HistoryHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN = "admin-token-123456";
    private static final String VIEWER = "viewer-token-123456";

    @TempDir
    Path dir;
    TrafficvizApp app;
    String base;
    List<String> lines;

    @BeforeEach
    void start() throws Exception {
        String yaml = """
                listen: 127.0.0.1:0
                stateDir: %s
                history: {retention: 36500d}   # the recorded lines are from 2025
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: public-server-proxy-network}
                auth:
                  tokens:
                    - {name: ops, hash: "%s", role: admin}
                    - {name: wall, hash: "%s", role: viewer}
                  viewer: {accessLog: false}
                """.formatted(dir.resolve("state"), Tokens.configHash(ADMIN), Tokens.configHash(VIEWER));
        app = TrafficvizApp.start(ConfigLoader.parse(yaml, dir));
        base = "http://127.0.0.1:" + app.port();
        lines = Files.readAllLines(Path.of(getClass().getResource(
                "/fixtures/traefik-3.4/public-proxy-access.json.log").toURI()));
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

    private HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String path, String token) throws Exception {
        HttpResponse<String> r = get(path, token);
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void aWindowOfEverything_countsEveryPushedLine_andTheLiveDocumentSaysWhatIsKept() throws Exception {
        JsonNode window = ok("/network_info?from=0&to=2100-01-01T00:00:00Z", ADMIN);
        assertThat(window.path("ingest").path("lines").asLong()).isEqualTo(lines.size());
        assertThat(window.path("history").path("window").path("from").asLong()).isZero();
        long intoProxy = 0;
        for (JsonNode e : window.path("edges")) {
            if (e.path("target").asText().equals("proxy:server-a/public-proxy")) {
                intoProxy += e.path("requests").asLong();
            }
        }
        assertThat(intoProxy).isEqualTo(lines.size());
        assertThat(ok("/network_info?view=logical&from=0&to=4102444800000", ADMIN).path("view").asText())
                .isEqualTo("logical");
        JsonNode live = ok("/network_info", ADMIN);
        assertThat(live.path("history").path("stored").asLong()).isEqualTo(lines.size());
        assertThat(live.path("history").path("dropped").asLong()).isZero();
        assertThat(live.path("nodes").size()).isEqualTo(window.path("nodes").size());
    }

    @Test
    void badTimes_are400sNamingTheParameter() throws Exception {
        HttpResponse<String> r = get("/network_info?from=yesterday&to=0", ADMIN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).startsWith("from: not a time");
        r = get("/network_info?from=2000&to=1000", ADMIN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).startsWith("to: must be after from");
        r = get("/network_info?from=1000", ADMIN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).startsWith("to: required");
        r = get("/history/timeline?step=-5", ADMIN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("step: must be a positive number");
        r = get("/history/requests?status=6xx", ADMIN);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("status: must be 1xx to 5xx");
    }

    @Test
    void theTimeline_countsEveryRequestAndError() throws Exception {
        JsonNode t = ok("/history/timeline", ADMIN);
        long requests = 0;
        long errors = 0;
        for (JsonNode b : t.path("buckets")) {
            requests += b.get(1).asLong();
            errors += b.get(2).asLong();
        }
        assertThat(requests).isEqualTo(lines.size());
        long expectedErrors = 0;
        for (String l : lines) {
            int status = JSON.readTree(l).path("DownstreamStatus").asInt();
            if (status < 200 || status > 399) {
                expectedErrors++;
            }
        }
        assertThat(errors).isEqualTo(expectedErrors);
        assertThat(t.path("step").asLong()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void theAccessLog_pagesNewestFirst_throughEveryRow_andFilters() throws Exception {
        Set<Long> seen = new HashSet<>();
        String cursor = "";
        long previous = Long.MAX_VALUE;
        int pages = 0;
        while (true) {
            JsonNode page = ok("/history/requests?limit=100" + cursor, ADMIN);
            for (JsonNode row : page.path("rows")) {
                long seq = row.path("seq").asLong();
                assertThat(seq).isLessThan(previous);
                previous = seq;
                seen.add(seq);
            }
            pages++;
            if (page.path("next").isNull()) {
                break;
            }
            cursor = "&cursor=" + page.path("next").asLong();
        }
        assertThat(seen).hasSize(lines.size());
        assertThat(pages).isEqualTo((lines.size() + 99) / 100);
        long fourHundreds = lines.stream().filter(l -> l.contains("\"DownstreamStatus\":4")).count();
        JsonNode filtered = ok("/history/requests?limit=1000&status=4xx", ADMIN);
        assertThat(filtered.path("rows").size()).isEqualTo((int) fourHundreds);
        filtered.path("rows").forEach(r -> assertThat(r.path("status").asInt()).isBetween(400, 499));
        JsonNode byPath = ok("/history/requests?limit=1000&path=query_param", ADMIN);
        byPath.path("rows").forEach(r -> assertThat(r.path("path").asText()).contains("query_param"));
        assertThat(byPath.path("rows").size()).isEqualTo((int) lines.stream()
                .filter(l -> l.contains("query_param")).count());
    }

    @Test
    void aViewerDeniedTheAccessLog_isDeniedItsHistory_andSeesWindowsMasked() throws Exception {
        HttpResponse<String> denied = get("/history/requests", VIEWER);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(get("/history/requests", "wrong-token-000000").statusCode()).isEqualTo(401);
        JsonNode window = ok("/network_info?from=0&to=4102444800000", VIEWER);
        assertThat(window.path("ingest").path("lines").asLong()).isEqualTo(lines.size());
        assertThat(window.toString()).doesNotContain("query_param=123");
    }
}
