package io.trafficviz.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;

import static io.trafficviz.web.BrowserSession.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A path, host or name holding U+202E (RIGHT-TO-LEFT OVERRIDE) or another invisible character must not steer what the
 * operator reads: in Chromium, on both pages, it shows as a visible escape and the text after it stays left to right
 * ("/files/\u202Egpj.exe" displayed as "/files/exe.jpg" before).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvisibleCharactersBrowserIT {
    private static final String SPOOFED_PATH = "/files/\u202Egpj.exe";
    /**
     * Whether the first character of "gpj.exe" in {@code arguments[0]} is drawn left of its last: false when a bidi
     * override reversed the run.
     */
    private static final String READS_LEFT_TO_RIGHT = """
            const walker = document.createTreeWalker(arguments[0], NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode()) && !node.data.includes('gpj.exe')) {}
            if (!node) return 'no text node holds gpj.exe';
            const at = node.data.indexOf('gpj.exe');
            const left = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                                  return r.getBoundingClientRect().left; };
            return left(at) < left(at + 6);
            """;

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

    @Test
    void accessLogShowsBidiControlsAsEscapesAndThePathReadsLeftToRight() {
        browser.open(demo.url("/access_logs?offline"));
        browser.js("""
                window.trafficviz.injectEntries({dropped: 0, entries: [{seq: 1, time: Date.now(), server: 's',
                  network: 'n', proxy: 'p', from: 'a', to: 'b', method: 'GET', host: 'pay\\u200Bpal.example',
                  path: arguments[0], status: 200, durationMs: 1, outcome: 'ok', answeredBy: 'service'}]});
                """, SPOOFED_PATH);
        await(() -> browser.list("rows").size() == 1, "the row");
        WebElement path = browser.driver.findElement(By.cssSelector("#rows tr td.path"));
        assertThat(path.getText()).isEqualTo("/files/\\u202Egpj.exe");
        assertThat(path.findElement(By.className("invisible-char")).getText()).isEqualTo("\\u202E");
        assertThat(path.getAttribute("title")).isEqualTo("/files/\\u202Egpj.exe");
        assertThat((String) browser.js("return arguments[0].textContent", path)).doesNotContain("\u202E");
        assertThat(browser.js(READS_LEFT_TO_RIGHT, path)).isEqualTo(true);
        WebElement host = browser.driver.findElement(By.cssSelector("#rows tr td.host"));
        assertThat(host.getText()).isEqualTo("pay\\u200Bpal.example");
        browser.screenshot("access-logs-bidi");
    }

    @Test
    void graphPanelShowsBidiControlsInNamesAndPathsAsEscapes() {
        browser.open(demo.url("/?offline"));
        browser.js("""
                window.trafficviz.injectGraph({generatedAt: 1, view: 'hops', servers: [],
                  nodes: [{id: 'proxy:s/p', ix: 0, kind: 'proxy', label: 'p', server: 's', network: 'n'},
                          {id: 'unrecognised:s/n/x', ix: 1, kind: 'unrecognised', label: 'svc\\u202Egpj.exe',
                           server: 's', network: 'n'}],
                  edges: [{id: 'e', source: 'unrecognised:s/n/x', target: 'proxy:s/p', requests: 1, errors: 0,
                           status: {'2xx': 1}, ratePerSec: 1, p95Ms: 3}]});
                window.trafficviz.injectBatch({nodes: [], edges: [], dropped: 0, strings: ['GET', 'h', arguments[0]],
                  events: [[1, Date.now(), 1, 0, 0, 200, 1000, 0, 0, 1, 2]], folded: []});
                window.trafficviz.select('unrecognised:s/n/x');
                """, SPOOFED_PATH);
        WebElement panel = browser.driver.findElement(By.id("panel"));
        await(() -> !panel.findElements(By.className("tail-row")).isEmpty(), "the request in the panel's tail");
        WebElement title = panel.findElement(By.className("panel-title"));
        assertThat(title.getText()).isEqualTo("svc\\u202Egpj.exe");
        assertThat(browser.js(READS_LEFT_TO_RIGHT, title)).isEqualTo(true);
        WebElement request = panel.findElement(By.cssSelector(".tail-row .request"));
        assertThat(request.getText()).contains("/files/\\u202Egpj.exe");
        assertThat(browser.js(READS_LEFT_TO_RIGHT, request)).isEqualTo(true);
        assertThat((String) browser.js("return arguments[0].textContent", panel)).doesNotContain("\u202E");
        browser.screenshot("graph-bidi");
    }
}
