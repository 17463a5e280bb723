package io.trafficviz.web;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static io.trafficviz.web.BrowserSession.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 18 item 3: a real serve judges a real rule on a tailed log; in Chromium its badge appears on the hops of the
 * edge it names (not on the caller's other edges), the chip counts it, the list selects its edge, and when the rule
 * resolves the badge goes. The service's name carries markup, which the list shows as text.
 */
class AlertBadgesBrowserIT {
    private static final String PROXY = "proxy:server-a/priv";
    private static final String API = "service:server-a/api<b>x</b>";
    private static final String WEB = "service:server-a/web";

    @TempDir
    Path dir;

    @Test
    void aFiringRuleBadgesItsEdgeAndTheBadgeGoesWhenItResolves() throws Exception {
        assumeTrue(BrowserSession.available(), "Chromium and chromedriver are not installed");
        Path log = Files.createFile(dir.resolve("priv.log"));
        try (TrafficvizApp app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  - name: server-a
                    proxies:
                      - {name: priv, role: private, network: priv-net, accessLog: priv.log}
                alerts:
                  rules:
                    - {name: new-edge-to-api, kind: newEdge, severity: critical, window: 12s, minInterval: 1s,
                       scope: {edge: "* -> service:server-a/api*"}}
                """, dir));
             BrowserSession browser = new BrowserSession()) {
            append(log, "web", 3);
            browser.open("http://127.0.0.1:" + app.port() + "/");
            await(() -> edgeIds(browser).contains(PROXY + "->" + WEB), "the caller's edge to web drawn");
            WebElement chip = browser.driver.findElement(By.id("alerts-chip"));
            await(() -> chip.isDisplayed() && chip.getText().equals("0 alerts"), () -> "the chip: " + chip.getText());
            assertThat(badges(browser, "edges")).isEmpty();

            append(log, "api<b>x</b>", 3);
            String toApi = PROXY + "->" + API;
            await(() -> badges(browser, "edges").containsKey(toApi), () -> "a badge on " + toApi + ": " + badges(browser, "edges"));
            String caller = browser.list("edges").stream().filter(e -> PROXY.equals(e.get("target")))
                    .map(e -> (String) e.get("source")).findFirst().orElseThrow();
            // Both hops of the logical edge caller -> api, and not the proxy's hop to web.
            assertThat(badges(browser, "edges")).containsOnly(Map.entry(caller + "->" + PROXY, "critical"),
                    Map.entry(toApi, "critical"));
            assertThat(chip.getText()).isEqualTo("1 alert");
            browser.screenshot("alert-badge");

            chip.click();
            WebElement list = browser.driver.findElement(By.id("alerts-list"));
            await(list::isDisplayed, "the list opened");
            WebElement row = list.findElement(By.className("alert-row"));
            assertThat(row.getText()).contains("new-edge-to-api", caller + "->" + API);
            assertThat(list.findElements(By.tagName("b"))).as("markup from the log shown as text").isEmpty();
            row.click();
            await(() -> toApi.equals(browser.snapshot().get("selected")), "the alert's edge selected");

            // No request for the rule's 12 s window (longer than a poll, so the page sees it fire): it resolves, and within a poll the badge goes.
            await(() -> badges(browser, "edges").isEmpty() && chip.getText().equals("0 alerts"),
                    () -> "the badge gone: " + badges(browser, "edges"));
            assertThat(list.isDisplayed()).isFalse();
        }
    }

    private static void append(Path log, String service, int n) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append("{\"ClientHost\":\"172.25.0.9\",\"DownstreamStatus\":200,\"OriginStatus\":200,")
                    .append("\"Duration\":2345678,\"RequestMethod\":\"GET\",\"RequestPath\":\"/p\",")
                    .append("\"RequestHost\":\"h\",\"ServiceName\":\"").append(service)
                    .append("@file\",\"ServiceURL\":\"http://172.25.0.50:80\",\"RouterName\":\"r@file\"}\n");
        }
        Files.writeString(log, lines, StandardOpenOption.APPEND);
    }

    private static List<String> edgeIds(BrowserSession browser) {
        return browser.list("edges").stream().map(e -> (String) e.get("id")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> badges(BrowserSession browser, String kind) {
        return (Map<String, Object>) ((Map<String, Object>) browser.snapshot().get("alerts")).get(kind);
    }
}
