package io.trafficviz.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.trafficviz.web.BrowserSession.await;
import static io.trafficviz.web.BrowserSession.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The access-log page of a serve that keeps history, restarted after the recorded lines went in: it opens with the
 * newest stored rows (not an empty table), loads older pages to the first request, searches the store with the
 * results said as such, and goes back to live with the rows that arrived meanwhile. Stored text is shown as text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogHistoryBrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String MARKUP_PATH = "/<img src=x onerror=\"document.title='pwned'\">";

    @TempDir
    static Path dir;
    private TrafficvizApp app;
    private String base;
    private List<String> lines;
    private BrowserSession browser;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(BrowserSession.available(), "Chromium and chromedriver are not installed");
        lines = new ArrayList<>(Files.readAllLines(Path.of(getClass().getResource(
                "/fixtures/traefik-3.4/public-proxy-access.json.log").toURI())));
        // The oldest request has markup for a path: it comes back from the store as text.
        JsonNode oldest = JSON.readTree(lines.get(0));
        ((com.fasterxml.jackson.databind.node.ObjectNode) oldest).put("RequestPath", MARKUP_PATH);
        lines.set(0, JSON.writeValueAsString(oldest));
        TrafficvizApp first = TrafficvizApp.start(ConfigLoader.parse(HistoryTimeBarBrowserIT.config(dir, true), dir));
        HistoryTimeBarBrowserIT.push("http://127.0.0.1:" + first.port(), lines);
        assertThat(first.history().awaitWritten(10_000)).isTrue();
        first.close();
        // serve again on the same store: the page must find the rows there, not in memory.
        app = TrafficvizApp.start(ConfigLoader.parse(HistoryTimeBarBrowserIT.config(dir, true), dir));
        base = "http://127.0.0.1:" + app.port();
        browser = new BrowserSession();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> store() {
        return (Map<String, Object>) browser.snapshot().get("store");
    }

    private List<Map<String, Object>> rows() {
        return browser.list("rows");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static boolean isError(Object status) {
        long s = number(status);
        return s < 200 || s > 399;
    }

    @Test
    void opensWithStoredRows_loadsOlderToTheFirst_searchesTheStore_andGoesBackToLive() throws Exception {
        browser.open(base + "/access_logs");
        await(() -> "live".equals(store().get("mode")) && rows().size() == 200, () -> "stored rows: " + store());
        JsonNode newest = get("/history/requests?limit=1").path("rows").get(0);
        Map<String, Object> last = rows().get(rows().size() - 1);
        assertThat(number(last.get("time"))).as("newest last, as live rows").isEqualTo(newest.path("time").asLong());
        assertThat(last.get("path")).isEqualTo(newest.path("path").asText());
        assertThat(store().get("olderButton")).isEqualTo(true);
        assertThat(browser.driver.findElement(By.cssSelector("#rows tr:last-child td.time")).getText())
                .as("a row from another day says which").startsWith("2025-07-15 ");
        assertThat(browser.driver.findElements(By.cssSelector("#filter-server option")))
                .as("the stored rows' server is a filter choice before any live row").anyMatch(o -> o.getText().equals("server-a"));

        browser.driver.findElement(By.id("load-older")).click();
        await(() -> rows().size() == lines.size(), () -> "every stored row: " + rows().size());
        assertThat(rows().get(0).get("path")).as("the oldest request, at the top").isEqualTo(MARKUP_PATH);
        assertThat(browser.driver.findElements(By.cssSelector("#rows img"))).as("markup shown as text").isEmpty();
        assertThat(browser.driver.findElement(By.cssSelector("#rows tr:first-child td.path")).getText())
                .isEqualTo(MARKUP_PATH);
        await(() -> Boolean.FALSE.equals(store().get("olderButton")), () -> "no older page: " + store());
        browser.screenshot("access-logs-history");

        // A search of the store: errors only.
        long errors = 0;
        for (String line : lines) {
            int status = JSON.readTree(line).path("DownstreamStatus").asInt();
            if (status < 200 || status > 399) {
                errors++;
            }
        }
        assertThat(errors).isPositive();
        new Select(browser.driver.findElement(By.id("search-status"))).selectByValue("error");
        browser.driver.findElement(By.id("search-submit")).click();
        long expectedErrors = errors;
        await(() -> "search".equals(store().get("mode")) && rows().size() == expectedErrors,
                () -> "the errors: " + store() + ", " + rows().size() + " rows");
        assertThat(rows()).allMatch(r -> isError(r.get("status")));
        assertThat(String.valueOf(store().get("status"))).startsWith("Search results from the store (status error)");
        browser.screenshot("access-logs-history-search");

        // Live rows arriving meanwhile are not mixed into the results; back to live shows them.
        HistoryTimeBarBrowserIT.push(base, lines.subList(1, 11));
        BrowserSession.sleep(800);
        assertThat(rows()).hasSize((int) expectedErrors);
        assertThat(number(browser.snapshot().get("received"))).isEqualTo(10);
        browser.driver.findElement(By.id("search-clear")).click();
        await(() -> "live".equals(store().get("mode")) && rows().size() == lines.size() + 10,
                () -> "live again: " + store() + ", " + rows().size() + " rows");
        assertThat(store().get("status")).isEqualTo("");
    }
}
