package io.trafficviz.publish.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /history/requests?order=asc}, for the time bar's playback: a window's requests oldest first, page by page,
 * every one once; and the access log's newest-first pages unchanged.
 */
class HistoryOldestFirstTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    TrafficvizApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private HttpResponse<String> get(String base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<Long> walk(String base, String query) throws Exception {
        List<Long> seqs = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> r = get(base, "/history/requests?limit=40&" + query
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(r.body());
            for (JsonNode row : page.path("rows")) {
                seqs.add(row.path("seq").asLong());
            }
            cursor = page.path("next").isNull() ? null : page.path("next").asText();
        } while (cursor != null);
        return seqs;
    }

    @Test
    void oldestFirstPagesGoForwardThroughEveryRequestOnce_newestFirstStaysTheDefault() throws Exception {
        String yaml = """
                listen: 127.0.0.1:0
                stateDir: %s
                history: {retention: 36500d}
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: public-server-proxy-network}
                """.formatted(dir.resolve("state"));
        app = TrafficvizApp.start(ConfigLoader.parse(yaml, dir));
        String base = "http://127.0.0.1:" + app.port();
        List<String> lines = Files.readAllLines(Path.of(getClass().getResource(
                "/fixtures/traefik-3.4/public-proxy-access.json.log").toURI()));
        HTTP.send(HttpRequest.newBuilder(URI.create(base + "/ingest?server=server-a&proxy=public-proxy"))
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(app.history().awaitWritten(10_000)).isTrue();

        List<Long> ascending = walk(base, "order=asc");
        assertThat(ascending).hasSize(lines.size()).isSorted().doesNotHaveDuplicates();
        List<Long> descending = walk(base, "");
        assertThat(descending).hasSize(lines.size());
        assertThat(descending.get(0)).isEqualTo(ascending.get(ascending.size() - 1));
        assertThat(walk(base, "order=desc")).isEqualTo(descending);

        HttpResponse<String> bad = get(base, "/history/requests?order=sideways");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("order: must be asc");
    }
}
