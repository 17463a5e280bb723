package io.trafficviz.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.trafficviz.web.BrowserSession.await;
import static io.trafficviz.web.BrowserSession.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The access-log page in a real (headless) Chromium against a real server fed by the concept simulation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogPageBrowserIT {
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
    void everyRequestBecomesARowColouredByOutcome() {
        browser.open(demo.url("/access_logs"));
        await(() -> browser.list("rows").size() >= 30, "rows streaming in");
        await(() -> !browser.driver.findElements(By.cssSelector("#rows tr.error")).isEmpty(), "a failed request");
        // Frozen, so the DOM and the snapshot describe the same rows.
        browser.driver.findElement(By.id("pause")).click();
        BrowserSession.sleep(300);
        Map<String, Object> row = browser.list("rows").get(0);
        for (String field : List.of("time", "server", "network", "from", "to", "proxy", "method", "host", "path", "status")) {
            assertThat(row).as(field).containsKey(field);
        }
        assertThat(row.get("server")).isEqualTo("server-a");
        assertThat(number(browser.snapshot().get("received"))).isGreaterThanOrEqualTo(browser.list("rows").size());

        List<WebElement> rows = browser.driver.findElements(By.cssSelector("#rows tr"));
        assertThat(rows).hasSize(browser.list("rows").size());
        WebElement first = rows.get(0);
        assertThat(first.getAttribute("class")).matches("(ok|error)( by-proxy)?");
        assertThat(first.findElement(By.className("path")).getText()).isEqualTo(row.get("path"));
        browser.screenshot("access-logs");
        browser.driver.findElement(By.id("pause")).click();
    }

    @Test
    void filtersByStatusClassAndText() {
        browser.open(demo.url("/access_logs"));
        for (String status : List.of("2xx", "3xx")) {
            browser.driver.findElement(By.cssSelector(".chip[data-status='" + status + "']")).click();
        }
        await(() -> browser.list("rows").size() >= 3, "failed requests listed");
        assertThat(browser.list("rows")).allMatch(r -> number(r.get("status")) >= 400);

        browser.driver.findElement(By.id("text-filter")).sendKeys("non-communicating");
        await(() -> browser.list("rows").stream()
                .allMatch(r -> r.get("to").toString().contains("non-communicating")
                        || r.get("path").toString().contains("non-communicating")), "text filter applied");
        assertThat(browser.list("rows")).isNotEmpty();
    }

    @Test
    void pauseFreezesTheTable() {
        browser.open(demo.url("/access_logs"));
        await(() -> browser.list("rows").size() >= 10, "rows");
        browser.driver.findElement(By.id("pause")).click();
        BrowserSession.sleep(300);
        int frozen = browser.list("rows").size();
        long received = number(browser.snapshot().get("received"));
        BrowserSession.sleep(1200);
        assertThat(browser.list("rows")).hasSize(frozen);
        assertThat(number(browser.snapshot().get("received"))).isGreaterThan(received);
        browser.driver.findElement(By.id("pause")).click();
        await(() -> browser.list("rows").size() > frozen, "rows flow again");
    }

    @Test
    void keepsAtMostAThousandRowsNewestLastAndRendersMarkupAsText() {
        browser.open(demo.url("/access_logs?offline"));
        String hostile = "<img src=x onerror=\"window.__pwned=1\">";
        browser.js("""
                const entries = [];
                for (let i = 0; i < 1500; i++) {
                  entries.push({seq: i, time: Date.now(), server: 's', network: 'n', proxy: 'p', from: 'a', to: 'b',
                    method: 'GET', host: 'h', path: '/' + i + arguments[0], status: i % 5 ? 200 : 502,
                    durationMs: 1, outcome: i % 5 ? 'ok' : 'error', answeredBy: 'service'});
                }
                window.trafficviz.injectEntries({entries, dropped: 7});
                """, hostile);
        await(() -> browser.list("rows").size() == 1000, "bounded table");
        List<Map<String, Object>> rows = browser.list("rows");
        assertThat(rows.get(999).get("path")).isEqualTo("/1499" + hostile);
        assertThat(rows.get(0).get("path")).isEqualTo("/500" + hostile);
        assertThat(browser.driver.findElements(By.cssSelector("#rows tr"))).hasSize(1000);
        assertThat(browser.driver.findElements(By.tagName("img"))).isEmpty();
        assertThat(browser.js("return window.__pwned === undefined")).isEqualTo(true);
        assertThat(number(browser.snapshot().get("received"))).isEqualTo(1500);
        assertThat(browser.driver.findElement(By.id("counter")).getText()).contains("7 dropped");
    }
}
