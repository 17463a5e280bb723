package io.trafficviz.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static io.trafficviz.web.BrowserSession.await;
import static io.trafficviz.web.BrowserSession.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The graph page in a real (headless) Chromium against a real server fed by the concept simulation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphPageBrowserIT {
    private static final String PUBLIC_PROXY = "proxy:server-a/public-proxy";
    private static final String PRIVATE_PROXY = "proxy:server-a/private-proxy";
    private static final String NON_COMMUNICATING = "service:server-a/private-non-communicating-service";
    /** The simulation sends a stray request to the private proxy from 172.25.0.99 now and then. */
    private static final String OUTSIDER = "unrecognised:server-a/private-server-proxy-network/172.25.0.99";

    @TempDir
    static Path dir;
    private LiveDemo demo;
    private BrowserSession browser;

    @BeforeAll
    void start() {
        assumeTrue(BrowserSession.available(), "Chromium and chromedriver are not installed");
        demo = new LiveDemo(dir);
        browser = new BrowserSession();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @BeforeEach
    void freshPage() {
        browser.open(demo.url("/"));
        browser.js("localStorage.clear()");
        browser.open(demo.url("/"));
        awaitGraph();
    }

    @Test
    void drawsServersProxiesAndWhoCallsWhomAndAnimatesEveryRequest() {
        Map<String, Map<String, Object>> nodes = nodesById();
        assertThat(nodes.get(PUBLIC_PROXY).get("kind")).isEqualTo("proxy");
        assertThat(nodes.get(NON_COMMUNICATING).get("kind")).isEqualTo("service");
        assertThat(nodes.values()).anyMatch(n -> "external".equals(n.get("kind")));
        for (Map<String, Object> node : nodes.values()) {
            assertThat(node.get("server")).isEqualTo("server-a");
            // Every node is on screen after the automatic fit.
            assertThat(((Number) node.get("x")).doubleValue()).isBetween(0.0, (double) BrowserSession.WIDTH);
            assertThat(((Number) node.get("y")).doubleValue()).isBetween(0.0, (double) BrowserSession.HEIGHT);
        }
        List<Map<String, Object>> edges = browser.list("edges");
        assertThat(edges).anyMatch(e -> e.get("source").toString().startsWith("external:")
                && e.get("target").equals(PUBLIC_PROXY));
        assertThat(edges).anyMatch(e -> e.get("source").equals(PRIVATE_PROXY)
                && e.get("target").equals(NON_COMMUNICATING));

        // Successful and failed requests both get comets; the counter accounts for every event received.
        await(() -> started("ok") > 0 && started("error") > 0, "ok and error flashes");
        Map<String, Object> flashes = flashes();
        assertThat(number(flashes.get("received"))).isGreaterThanOrEqualTo(number(flashes.get("shown")));
        String counter = browser.driver.findElement(By.id("counter")).getText();
        assertThat(counter).matches("showing [0-9.k]+ of [0-9.k]+ requests");
        assertThat(number(browser.snapshot().get("fps"))).isPositive();
        // Both kinds of ring the page draws where requests end are explained.
        assertThat(browser.driver.findElement(By.id("legend")).getText())
                .contains("a failed request ended here", "answered by the proxy itself");
        browser.screenshot("graph-page");
    }

    @Test
    void anUnknownCallerOfThePrivateProxyIsShownAsAnOutsider() {
        await(() -> Boolean.TRUE.equals(nodesById().getOrDefault(OUTSIDER, Map.of()).get("outsider")),
                "the outsider flagged on screen");
        assertThat(nodesById().get(PUBLIC_PROXY).get("outsider")).isEqualTo(false);
        assertThat(browser.list("edges")).anyMatch(e -> e.get("source").equals(OUTSIDER)
                && e.get("target").equals(PRIVATE_PROXY));
        browser.screenshot("graph-outsider");
    }

    @Test
    void clickingANodeOpensItsStatisticsAndALiveTailWhoseRowsHighlightTheirEdges() {
        awaitLayoutSettled();
        Map<String, Object> proxy = nodesById().get(PRIVATE_PROXY);
        clickCanvasAt(((Number) proxy.get("x")).doubleValue(), ((Number) proxy.get("y")).doubleValue());
        await(() -> PRIVATE_PROXY.equals(browser.snapshot().get("selected")), "private proxy selected");
        WebElement panel = browser.driver.findElement(By.id("panel"));
        assertThat(panel.isDisplayed()).isTrue();
        assertThat(panel.findElement(By.className("panel-title")).getText()).isEqualTo("private-proxy");
        assertThat(panel.findElement(By.className("stats")).getText()).contains("Requests in").contains("server-a");

        await(() -> !panel.findElements(By.className("tail-row")).isEmpty(), "requests in the tail");
        // Like a user: the pointer enters the list (which then stops re-rendering), then rests on a row.
        new Actions(browser.driver).moveToElement(panel.findElement(By.className("tail"))).perform();
        BrowserSession.sleep(400);
        WebElement row = panel.findElements(By.className("tail-row")).get(0);
        new Actions(browser.driver).moveToElement(row).perform();
        await(() -> !((List<?>) browser.snapshot().get("highlighted")).isEmpty(), "hovered request highlights edges");
        @SuppressWarnings("unchecked")
        List<String> highlighted = (List<String>) browser.snapshot().get("highlighted");
        assertThat(highlighted).anyMatch(id -> id.contains(PRIVATE_PROXY));
        browser.screenshot("graph-panel");

        panel.findElement(By.className("icon-button")).click();
        await(() -> browser.snapshot().get("selected") == null, "panel closed");
        assertThat(panel.isDisplayed()).isFalse();
    }

    @Test
    void clickingAnEdgeShowsItsLatencyAndStatusBreakdown() {
        awaitLayoutSettled();
        Map<String, Map<String, Object>> nodes = nodesById();
        Map<String, Object> from = nodes.get(PRIVATE_PROXY);
        Map<String, Object> to = nodes.get(NON_COMMUNICATING);
        // A point on the edge, away from both end nodes.
        double x = lerp(from.get("x"), to.get("x"), 0.5);
        double y = lerp(from.get("y"), to.get("y"), 0.5);
        clickCanvasAt(x, y);
        await(() -> (PRIVATE_PROXY + "->" + NON_COMMUNICATING).equals(browser.snapshot().get("selected")),
                "edge selected");
        String stats = browser.driver.findElement(By.cssSelector("#panel .stats")).getText();
        assertThat(stats).contains("Latency p95").contains("4xx").contains("Rate now");
    }

    @Test
    void aDraggedNodeStaysWhereItWasDropped() {
        awaitLayoutSettled();
        Map<String, Object> node = nodesById().get(NON_COMMUNICATING);
        WebElement canvas = browser.driver.findElement(By.id("graph"));
        int offsetX = (int) Math.round(((Number) node.get("x")).doubleValue() - canvas.getRect().getWidth() / 2.0);
        int offsetY = (int) Math.round(((Number) node.get("y")).doubleValue() - canvas.getRect().getHeight() / 2.0);
        new Actions(browser.driver).moveToElement(canvas, offsetX, offsetY).clickAndHold()
                .moveByOffset(20, 20).moveByOffset(30, 30).moveByOffset(10, 10).release().perform();
        BrowserSession.sleep(1500);
        Map<String, Object> moved = nodesById().get(NON_COMMUNICATING);
        double dx = ((Number) moved.get("x")).doubleValue() - ((Number) node.get("x")).doubleValue();
        double dy = ((Number) moved.get("y")).doubleValue() - ((Number) node.get("y")).doubleValue();
        assertThat(dx).isBetween(45.0, 75.0);
        assertThat(dy).isBetween(45.0, 75.0);
    }

    @Test
    void networkFilterShowsOnlyThatNetwork() {
        new Select(browser.driver.findElement(By.id("filter-network"))).selectByVisibleText("private-server-proxy-network");
        await(() -> browser.list("nodes").stream().allMatch(n -> "private-server-proxy-network".equals(n.get("network"))),
                "only private-network nodes");
        assertThat(nodesById()).containsKey(PRIVATE_PROXY).doesNotContainKey(PUBLIC_PROXY);
        new Select(browser.driver.findElement(By.id("filter-network"))).selectByIndex(0);
        await(() -> nodesById().containsKey(PUBLIC_PROXY), "all networks again");
    }

    @Test
    void statusFilterHidesSuccessfulRequests() {
        for (String status : List.of("2xx", "3xx")) {
            WebElement chip = browser.driver.findElement(By.cssSelector(".chip[data-status='" + status + "']"));
            chip.click();
            // If this ever flakes again: was the click taken (the chip says so), or did an ok request get through?
            assertThat(chip.getAttribute("aria-pressed")).as("%s chip after the click", status).isEqualTo("false");
        }
        long filteredBefore = number(flashes().get("filtered"));
        await(() -> number(flashes().get("filtered")) > filteredBefore + 10,
                () -> "ok requests filtered out (filtered was " + filteredBefore + "); counters now " + flashes()
                        + ", status line: " + browser.driver.findElement(By.id("counter")).getText()
                        + ", connection: " + browser.driver.findElement(By.id("connection")).getText());
        long okBefore = started("ok");
        BrowserSession.sleep(1000);
        assertThat(started("ok")).as("ok flashes started while 2xx and 3xx are hidden; counters %s", flashes())
                .isEqualTo(okBefore);
    }

    @Test
    void pauseFreezesTheAnimationButKeepsCounting() {
        browser.driver.findElement(By.id("pause")).click();
        BrowserSession.sleep(300);
        long shown = number(flashes().get("shown"));
        long received = number(flashes().get("received"));
        BrowserSession.sleep(1500);
        assertThat(number(flashes().get("shown"))).isEqualTo(shown);
        assertThat(number(flashes().get("received"))).isGreaterThan(received);
        assertThat(browser.driver.findElement(By.id("paused-badge")).isDisplayed()).isTrue();
        browser.driver.findElement(By.id("pause")).click();
        await(() -> number(flashes().get("shown")) > shown, "animation resumed");
    }

    @Test
    void searchHighlightsAndCentresTheMatch() {
        WebElement search = browser.driver.findElement(By.id("search"));
        search.sendKeys("non-communicating", Keys.ENTER);
        await(() -> List.of(NON_COMMUNICATING).equals(browser.snapshot().get("searchMatches")), "one match");
        assertThat(browser.driver.findElement(By.id("search-count")).getText()).isEqualTo("1 match");
        await(() -> NON_COMMUNICATING.equals(browser.snapshot().get("selected")), "single match selected");
        // Centred in the part of the canvas the side panel leaves free.
        await(() -> {
            Map<String, Object> node = nodesById().get(NON_COMMUNICATING);
            @SuppressWarnings("unchecked")
            Map<String, Object> canvas = (Map<String, Object>) browser.snapshot().get("canvas");
            double width = ((Number) canvas.get("width")).doubleValue();
            double x = ((Number) node.get("x")).doubleValue();
            return x > 100 && x < width - 400;
        }, "match in view beside the panel");
    }

    @Test
    void positionsAndThemeSurviveAReload() {
        awaitLayoutSettled();
        browser.driver.findElement(By.id("theme")).click();
        assertThat(browser.js("return document.documentElement.dataset.theme")).isEqualTo("light");
        // A node the simulation adds late reheats the layout; positions are saved when it cools again. Reload only
        // once the picture has been still (and saved) for a while, or the page rightly restores an older one.
        Map<String, Map<String, Object>> before = awaitStillPicture();

        browser.open(demo.url("/"));
        awaitGraph();
        assertThat(browser.js("return document.documentElement.dataset.theme")).isEqualTo("light");
        Map<String, Map<String, Object>> after = nodesById();
        for (Map.Entry<String, Map<String, Object>> entry : before.entrySet()) {
            Map<String, Object> now = after.get(entry.getKey());
            assertThat(now).as(entry.getKey()).isNotNull();
            double dx = ((Number) now.get("worldX")).doubleValue() - ((Number) entry.getValue().get("worldX")).doubleValue();
            double dy = ((Number) now.get("worldY")).doubleValue() - ((Number) entry.getValue().get("worldY")).doubleValue();
            assertThat(Math.hypot(dx, dy)).as("%s moved", entry.getKey()).isLessThan(25.0);
        }
        browser.screenshot("graph-light");
        browser.driver.findElement(By.id("theme")).click();
    }

    @Test
    void logTextIsShownAsTextNeverAsMarkup() {
        browser.open(demo.url("/?offline"));
        String hostile = "<img src=x onerror=\"window.__pwned=1\">";
        browser.js("""
                window.trafficviz.injectGraph({generatedAt: 1, view: 'hops', servers: [],
                  nodes: [{id: 'proxy:evil/p', ix: 0, kind: 'proxy', label: 'p', server: 'evil', network: 'n'},
                          {id: 'unrecognised:evil/n/x', ix: 1, kind: 'unrecognised', label: arguments[0],
                           server: 'evil', network: 'n'}],
                  edges: [{id: 'e', source: 'unrecognised:evil/n/x', target: 'proxy:evil/p', requests: 1, errors: 1,
                           status: {'4xx': 1}, ratePerSec: 1, p95Ms: 3}]});
                // As /ws/graph sends it: [seq, time, from ix, proxy ix, to ix, status, µs, flags (error, answered by
                // proxy, outsider, hops end at proxy), method, host, path], text by index into strings.
                window.trafficviz.injectBatch({nodes: [], edges: [], dropped: 0,
                  strings: ['GET', arguments[0], '/' + arguments[0]],
                  events: [[1, Date.now(), 1, 0, 0, 404, 1000, 1 | 2 | 4 | 8, 0, 1, 2]],
                  // and 5 successful requests the server folded into a count: [from, proxy, to, flags, count]
                  folded: [[1, 0, 0, 2 | 8, 5]]});
                window.trafficviz.select('unrecognised:evil/n/x');
                """, hostile);
        WebElement panel = browser.driver.findElement(By.id("panel"));
        await(() -> !panel.findElements(By.className("tail-row")).isEmpty(), "hostile request in the tail");
        assertThat(panel.findElement(By.className("panel-title")).getText()).isEqualTo(hostile);
        assertThat(panel.findElement(By.className("tail-row")).getText()).contains(hostile);
        assertThat(browser.driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(browser.js("return window.__pwned === undefined")).isEqualTo(true);
        Map<String, Object> flashes = flashes();
        assertThat(number(flashes.get("received"))).isEqualTo(6);
        assertThat(number(flashes.get("aggregated"))).isEqualTo(5);
        assertThat(number(((Map<?, ?>) flashes.get("started")).get("error"))).isEqualTo(1);
    }

    /**
     * Thousands of requests in flight take the cheap drawing paths (comet heads as pixel squares, folded streams,
     * their rate band cached in the map layer): every failed request must still get its own, visible comet, and the
     * cached band must come and go with the folded traffic.
     */
    @Test
    void aCrowdOfRequestsIsDrawnCheaplyWithEveryErrorVisibleAndTheRateBandCached() {
        browser.open(demo.url("/?offline"));
        browser.js("""
                const edge = (source, target) => ({id: source + '->' + target, source, target, requests: 100,
                  errors: 20, status: {'2xx': 80, '5xx': 20}, ratePerSec: 4000, p95Ms: 3});
                const graph = {generatedAt: 1, view: 'hops', servers: [],
                  nodes: [{id: 'external:s/n', kind: 'external', label: 'callers', server: 's', network: 'n'},
                          {id: 'proxy:s/p', kind: 'proxy', label: 'p', server: 's', network: 'n'},
                          {id: 'service:s/a', kind: 'service', label: 'a', server: 's', network: 'n'}],
                  edges: [edge('external:s/n', 'proxy:s/p'), edge('proxy:s/p', 'service:s/a')]};
                window.__crowdGraph = graph;
                window.trafficviz.injectGraph(graph);
                """);
        // Settled first, so nothing but the folded traffic can be what redraws the map with the bands.
        awaitLayoutCooled();
        browser.js("""
                let seq = 0;
                window.__crowdErrors = 0;
                window.__crowdTimer = setInterval(() => {
                  const events = [];
                  for (let i = 0; i < 400; i++) {
                    const status = i % 5 === 0 ? 502 : 200;
                    if (status >= 400) window.__crowdErrors++;
                    events.push({seq: ++seq, time: Date.now(), server: 's', network: 'n', proxy: 'p', from: 'callers',
                      to: 'a', fromId: 'external:s/n', proxyId: 'proxy:s/p', toId: 'service:s/a',
                      hops: ['external:s/n', 'proxy:s/p', 'service:s/a'], method: 'GET', host: 'h', path: '/x',
                      status, durationMs: 1, outcome: status >= 400 ? 'error' : 'ok', answeredBy: 'service',
                      outsider: false});
                  }
                  window.trafficviz.injectBatch({nodes: [], edges: [], dropped: 0, events});
                }, 50);
                """);
        await(() -> number(flashes().get("inFlight")) > 600, "a crowd of comets in flight");
        await(() -> number(browser.snapshot().get("mapBands")) == 2, "both busy edges' rate bands in the map layer");
        // Errors are never folded: every one received got its own comet ...
        @SuppressWarnings("unchecked")
        List<Object> errors = (List<Object>) browser.js(
                "return [window.trafficviz.snapshot().flashes.started.error, window.__crowdErrors];");
        assertThat(number(errors.get(0))).isEqualTo(number(errors.get(1))).isPositive();
        assertThat(number(flashes().get("aggregated"))).isPositive();
        // ... and their heads are on the canvas, in the error colour, over the OK ones.
        Object errorPixels = browser.js("""
                const canvas = document.getElementById('graph');
                const probe = document.createElement('canvas').getContext('2d');
                probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--error').trim();
                probe.fillRect(0, 0, 1, 1);
                const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
                const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let count = 0;
                for (let i = 0; i < pixels.length; i += 4) {
                  if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) count++;
                }
                return count;
                """);
        assertThat(number(errorPixels)).isGreaterThan(100);
        browser.screenshot("graph-crowd");

        // The folded traffic stops and the graph is replaced: the cached band must go with it.
        browser.js("clearInterval(window.__crowdTimer); window.trafficviz.injectGraph(window.__crowdGraph);");
        await(() -> number(browser.snapshot().get("mapBands")) == 0, "rate bands gone from the map layer");
    }

    // ------------------------------------------------------------------ helpers

    private void awaitGraph() {
        await(() -> nodesById().keySet().containsAll(List.of(PUBLIC_PROXY, PRIVATE_PROXY, NON_COMMUNICATING))
                && browser.list("edges").size() >= 4, "graph drawn");
    }

    /**
     * Waits until the picture holds still: every node the simulation makes is drawn and the layout has cooled. A node
     * arriving later rightly nudges the others (CI once saw 28 px across a reload, when the stray outsider first
     * called during the test), which would move what a test is about to click or compare.
     */
    private void awaitLayoutSettled() {
        await(() -> nodesById().containsKey(OUTSIDER), "every node of the simulation drawn");
        awaitLayoutCooled();
    }

    private void awaitLayoutCooled() {
        await(() -> Boolean.FALSE.equals(browser.snapshot().get("layoutRunning")), "layout settled");
        BrowserSession.sleep(300); // the final fit-to-view
    }

    /** Positions once the layout is cool and the node set has not changed for a second. */
    private Map<String, Map<String, Object>> awaitStillPicture() {
        AtomicReference<Map<String, Map<String, Object>>> last = new AtomicReference<>();
        await(() -> {
            awaitLayoutCooled();
            Map<String, Map<String, Object>> first = nodesById();
            BrowserSession.sleep(1000);
            Map<String, Map<String, Object>> second = nodesById();
            last.set(second);
            return first.keySet().equals(second.keySet())
                    && Boolean.FALSE.equals(browser.snapshot().get("layoutRunning"));
        }, "a still picture before the reload");
        return last.get();
    }

    private Map<String, Map<String, Object>> nodesById() {
        return browser.list("nodes").stream()
                .collect(Collectors.toMap(n -> (String) n.get("id"), n -> n, (a, b) -> a, HashMap::new));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> flashes() {
        return (Map<String, Object>) browser.snapshot().get("flashes");
    }

    private long started(String outcome) {
        return number(((Map<?, ?>) flashes().get("started")).get(outcome));
    }

    /** Clicks at canvas coordinates (CSS pixels from its top-left corner, as snapshot() reports them). */
    private void clickCanvasAt(double x, double y) {
        WebElement canvas = browser.driver.findElement(By.id("graph"));
        int offsetX = (int) Math.round(x - canvas.getRect().getWidth() / 2.0);
        int offsetY = (int) Math.round(y - canvas.getRect().getHeight() / 2.0);
        new Actions(browser.driver).moveToElement(canvas, offsetX, offsetY).click().perform();
    }

    private static double lerp(Object a, Object b, double t) {
        double from = ((Number) a).doubleValue();
        return from + (((Number) b).doubleValue() - from) * t;
    }
}
