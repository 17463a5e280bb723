package io.trafficviz.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.history.GapsAccess;
import io.trafficviz.publish.auth.Passwords;
import io.trafficviz.publish.auth.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.trafficviz.web.BrowserSession.await;
import static io.trafficviz.web.BrowserSession.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The time bar in Chromium against a serve that keeps history, fed the recorded lines of the concept (July 2025):
 * a drag on the strip shows that window's graph (its counts equal {@code /network_info?from&to}), play sends each of
 * the window's requests along its edges, live traffic meanwhile stays out of the window and is there after "back to
 * live", and a link with from/to opens the same window.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryTimeBarBrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private TrafficvizApp app;
    private String base;
    private List<String> lines;
    private BrowserSession browser;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(BrowserSession.available(), "Chromium and chromedriver are not installed");
        app = TrafficvizApp.start(ConfigLoader.parse(config(dir, true), dir));
        base = "http://127.0.0.1:" + app.port();
        lines = Files.readAllLines(Path.of(getClass().getResource(
                "/fixtures/traefik-3.4/public-proxy-access.json.log").toURI()));
        push(base, lines);
        assertThat(app.history().awaitWritten(10_000)).isTrue();
        browser = new BrowserSession();
    }

    /** A serve of the concept's public proxy; with a state directory under {@code dir} it keeps history. */
    static String config(Path dir, boolean history) {
        return """
                listen: 127.0.0.1:0
                %s
                history: {retention: 36500d}   # the recorded lines are from 2025
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: public-server-proxy-network}
                """.formatted(history ? "stateDir: " + dir.resolve("state") : "");
    }

    static void push(String base, List<String> lines) throws Exception {
        HttpResponse<String> pushed = HTTP.send(HttpRequest.newBuilder(URI.create(base
                        + "/ingest?server=server-a&proxy=public-proxy"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
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

    @BeforeEach
    void freshPage() {
        browser.open(base + "/");
        awaitTimeline();
    }

    private void awaitTimeline() {
        await(() -> number(timeline().get("requests")) > 0, () -> "the strip's timeline: " + history());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> history() {
        return (Map<String, Object>) browser.js("return window.trafficviz.history()");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> timeline() {
        return (Map<String, Object>) history().get("timeline");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Long> counts(String key) {
        Map<String, Long> out = new HashMap<>();
        ((Map<String, Object>) history().get(key)).forEach((edge, n) -> out.put(edge, number(n)));
        return out;
    }

    private static Map<String, Long> edgeRequests(JsonNode doc) {
        Map<String, Long> out = new HashMap<>();
        for (JsonNode e : doc.path("edges")) {
            out.put(e.path("source").asText() + "->" + e.path("target").asText(), e.path("requests").asLong());
        }
        return out;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> chosenWindow() {
        return (Map<String, Object>) history().get("window");
    }

    /** Drags across the strip from 30 % to 65 % of its width, as a user would. */
    private void dragAcrossTheStrip() {
        WebElement strip = browser.driver.findElement(By.id("timebar-canvas"));
        int width = strip.getSize().getWidth();
        new Actions(browser.driver)
                .moveToElement(strip, (int) (-width * 0.2), 0)
                .clickAndHold()
                .moveByOffset((int) (width * 0.35), 0)
                .release()
                .perform();
    }

    @Test
    void aDragShowsTheWindowsCounts_playSendsItsRequestsAlongTheirEdges_andBackToLiveCatchesUp() throws Exception {
        assertThat(timeline().get("hidden")).isEqualTo(false);
        assertThat(number(timeline().get("requests"))).as("the strip counts every kept request").isEqualTo(lines.size());

        dragAcrossTheStrip();
        await(() -> chosenWindow() != null && "window".equals(browser.js(
                "return document.getElementById('history-state').dataset.mode")), () -> "a window: " + history());
        long from = number(chosenWindow().get("from"));
        long to = number(chosenWindow().get("to"));
        assertThat(String.valueOf(history().get("state"))).startsWith("viewing ");
        JsonNode window = get("/network_info?from=" + from + "&to=" + to);
        Map<String, Long> expected = edgeRequests(window);
        long intoProxy = expected.entrySet().stream().filter(e -> e.getKey().endsWith("->proxy:server-a/public-proxy"))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(intoProxy).as("the window holds some, not all, of the requests").isBetween(1L, lines.size() - 1L);
        await(() -> counts("edgeRequests").equals(expected), () -> "the window's counts " + counts("edgeRequests")
                + " vs " + expected);
        assertThat(history().get("connected")).as("the live stream is closed while a window is shown").isEqualTo(false);
        String url = browser.driver.getCurrentUrl();
        assertThat(url).contains("from=").contains("to=");

        // Live traffic while the window is shown: not applied to it.
        push(base, lines);
        assertThat(app.history().awaitWritten(10_000)).isTrue();
        BrowserSession.sleep(500);
        assertThat(counts("edgeRequests")).isEqualTo(expected);

        // Play at 1000×: each request of the window travels its hops once, as the store holds it now (the push
        // above repeated the recorded lines, so their times fall in the window again).
        Map<String, Long> storedNow = edgeRequests(get("/network_info?from=" + from + "&to=" + to));
        browser.js("window.trafficviz.play(1000)");
        await(() -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) history().get("playback");
            return p != null && Boolean.TRUE.equals(p.get("finished"));
        }, () -> "playback to the end: " + history());
        assertThat(counts("playedEdges")).as("requests played per edge = the window's counts").isEqualTo(storedNow);
        assertThat(number(((Map<?, ?>) browser.snapshot().get("flashes")).get("shown"))).isPositive();
        browser.screenshot("history-window-played");

        // A link with the window opens it.
        browser.open(url);
        await(() -> counts("edgeRequests").equals(storedNow), () -> "the linked window: " + history());

        browser.driver.findElement(By.id("back-to-live")).click();
        Map<String, Long> live = edgeRequests(get("/network_info"));
        await(() -> counts("edgeRequests").equals(live), () -> "live again: " + counts("edgeRequests") + " vs " + live);
        assertThat(history().get("mode")).isEqualTo("live");
        assertThat(history().get("connected")).isEqualTo(true);
        assertThat(browser.driver.getCurrentUrl()).doesNotContain("from=");
        long liveIntoProxy = live.entrySet().stream().filter(e -> e.getKey().endsWith("->proxy:server-a/public-proxy"))
                .mapToLong(Map.Entry::getValue).sum();
        assertThat(liveIntoProxy).as("what arrived while the window was shown is counted").isEqualTo(2L * lines.size());
    }

    @Test
    void aGapInTheStoreIsDrawnOnTheStrip() throws Exception {
        JsonNode timeline = get("/history/timeline");
        long from = timeline.path("retained").path("from").asLong();
        long to = timeline.path("retained").path("to").asLong();
        long gapFrom = from + (to - from) * 80 / 100;
        long gapTo = from + (to - from) * 85 / 100;
        GapsAccess.dropped(app.history().gaps(), gapFrom, gapTo, 42, "the history queue was full");
        browser.open(base + "/");
        await(() -> number(timeline().get("gaps")) == 1, () -> "the gap: " + history());
        // At the top of the strip only a gap paints (bars grow from the bottom and are lower than the busiest one).
        String alphaAt = """
                const c = document.getElementById('timebar-canvas'); const s = window.trafficviz.history().timeline;
                const x = (arguments[0] - s.view.from) / (s.view.to - s.view.from) * c.clientWidth;
                const dpr = c.width / c.clientWidth;
                return c.getContext('2d').getImageData(Math.round(x * dpr), Math.round(2 * dpr), 1, 1).data[3];
                """;
        await(() -> number(browser.js(alphaAt, (gapFrom + gapTo) / 2)) > 0, () -> "the gap painted: " + history());
        assertThat(number(browser.js(alphaAt, from + (to - from) * 5 / 100))).as("no gap there").isZero();
    }

    @Test
    void zoomingAsksTheServerForTheVisibleRangeOnly() {
        Map<String, Object> before = timeline();
        long span = number(((Map<?, ?>) before.get("view")).get("to")) - number(((Map<?, ?>) before.get("view")).get("from"));
        browser.driver.findElement(By.id("timebar-zoom-in")).click();
        browser.driver.findElement(By.id("timebar-zoom-in")).click();
        await(() -> number(timeline().get("step")) < number(before.get("step")), () -> "a finer timeline: " + timeline());
        Map<?, ?> view = (Map<?, ?>) timeline().get("view");
        assertThat(number(view.get("to")) - number(view.get("from"))).isBetween(span / 4 - 1, span / 4 + 1);
        assertThat(number(timeline().get("requests"))).as("only what is in view").isLessThan(number(before.get("requests")));
        // The wheel zooms too, down to seconds and no further.
        for (int i = 0; i < 40; i++) {
            browser.js("document.getElementById('timebar-canvas').dispatchEvent(new WheelEvent('wheel',"
                    + " {deltaY: -100, clientX: 300, clientY: 800, bubbles: true, cancelable: true}))");
        }
        await(() -> {
            Map<?, ?> v = (Map<?, ?>) timeline().get("view");
            return number(v.get("to")) - number(v.get("from")) == 10_000 && number(timeline().get("step")) == 1000;
        }, () -> "ten seconds in view, a bucket a second: " + timeline());
    }

    @Test
    void stepFiresOneRequestAtATime() throws Exception {
        JsonNode first = get("/history/requests?order=asc&limit=1").path("rows").get(0);
        long from = first.path("time").asLong();
        browser.js("window.trafficviz.showWindow(arguments[0], arguments[1])", from, from + 600_000);
        await(() -> "window".equals(browser.js("return document.getElementById('history-state').dataset.mode")),
                () -> "a window: " + history());
        browser.js("return window.trafficviz.step()");
        await(() -> history().get("playback") != null
                && number(((Map<?, ?>) history().get("playback")).get("fired")) == 1, () -> "one step: " + history());
        browser.js("return window.trafficviz.step()");
        await(() -> number(((Map<?, ?>) history().get("playback")).get("fired")) >= 2, () -> "two steps: " + history());
        assertThat(((Map<?, ?>) history().get("playback")).get("playing")).isEqualTo(false);
        browser.js("window.trafficviz.backToLive()");
    }

    @Test
    void aViewerWhoMayNotReadTheRawLogSeesTheWindowButIsToldWhyItCannotPlay() throws Exception {
        String token = "admin-token-123456";
        TrafficvizApp guarded = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                stateDir: %s
                history: {retention: 36500d}
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: public-server-proxy-network}
                auth:
                  tokens: [{name: ops, hash: "%s", role: admin}]
                  users: [{name: ada, passwordHash: "%s", role: viewer}]
                  viewer: {accessLog: false}
                """.formatted(dir.resolve("state-guarded"), Tokens.configHash(token), Passwords.hash("correct horse")),
                dir));
        try {
            String guardedBase = "http://127.0.0.1:" + guarded.port() + "/";
            HttpResponse<String> pushed = HTTP.send(HttpRequest.newBuilder(URI.create(guardedBase
                            + "ingest?server=server-a&proxy=public-proxy")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
            assertThat(guarded.history().awaitWritten(10_000)).isTrue();
            browser.driver.get(guardedBase + "login");
            browser.driver.findElement(By.id("login-user")).sendKeys("ada");
            browser.driver.findElement(By.id("login-password")).sendKeys("correct horse");
            browser.driver.findElement(By.id("login-password")).submit();
            await(() -> browser.driver.getCurrentUrl().equals(guardedBase), "signed in");
            browser.open(guardedBase);
            await(() -> number(timeline().get("requests")) == lines.size(), () -> "the viewer's strip: " + history());
            JsonNode first = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(guardedBase
                            + "history/requests?order=asc&limit=1")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("rows").get(0);
            long from = first.path("time").asLong();
            browser.js("window.trafficviz.showWindow(arguments[0], arguments[1])", from, from + 600_000);
            await(() -> "window".equals(browser.js("return document.getElementById('history-state').dataset.mode"))
                    && !counts("edgeRequests").isEmpty(), () -> "the viewer's window: " + history());
            browser.driver.findElement(By.id("history-play")).click();
            await(() -> String.valueOf(history().get("state")).contains("cannot play: 403"),
                    () -> "the 403 said: " + history());
            assertThat(String.valueOf(history().get("state"))).contains("may not read the access log");
        } finally {
            browser.driver.manage().deleteAllCookies();
            guarded.close();
        }
    }

    @Test
    void withoutHistoryTheStripIsHidden() throws Exception {
        TrafficvizApp plain = TrafficvizApp.start(ConfigLoader.parse(config(dir, false), dir));
        try {
            browser.open("http://127.0.0.1:" + plain.port() + "/");
            await(() -> Boolean.TRUE.equals(((Map<?, ?>) history().get("timeline")).get("checked"))
                    && Boolean.FALSE.equals(((Map<?, ?>) history().get("timeline")).get("available"))
                    && Boolean.TRUE.equals(browser.js("return document.getElementById('timebar').hidden")),
                    () -> "no strip: " + history());
            BrowserSession.sleep(300);
            assertThat(browser.js("return document.getElementById('timebar').hidden")).isEqualTo(true);
        } finally {
            plain.close();
        }
    }
}
