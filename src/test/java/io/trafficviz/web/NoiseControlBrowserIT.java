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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.trafficviz.web.BrowserSession.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 19, item 4: the noise switch hides what no router matched and the callers that send nothing else, the chip
 * counts it and brings it back, and the external callers' node splits by client prefix in the panel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoiseControlBrowserIT {
    /** The simulation's unknown insider: it only ever asks the private proxy for /admin, which no router matches. */
    private static final String INSIDE_SCANNER = "unrecognised:server-a/private-server-proxy-network/172.25.0.99";
    private static final String PRIVATE_PROXY = "proxy:server-a/private-proxy";
    private static final String EXTERNAL = "external:server-a/public-server-proxy-network";
    private static final Pattern CHIP = Pattern.compile("hidden: (\\d+) requests? from (\\d+) callers?");

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
    void theSwitchHidesScannersAndUnroutedRequestsAndTheChipShowsThemAgain() throws Exception {
        for (int i = 0; i < 5; i++) {
            demo.scan("198.51.100." + (7 + i));
        }
        browser.open(demo.url("/"));
        await(() -> nodeIds().contains(INSIDE_SCANNER) && nodeIds().contains(EXTERNAL), "the scanner drawn");
        assertThat(edgeIds()).contains(INSIDE_SCANNER + "->" + PRIVATE_PROXY);

        WebElement noise = browser.driver.findElement(By.id("noise"));
        WebElement chip = browser.driver.findElement(By.id("noise-chip"));
        assertThat(chip.isDisplayed()).isFalse();
        noise.click();
        await(() -> !nodeIds().contains(INSIDE_SCANNER), "the scanner hidden");
        assertThat(noise.getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(edgeIds()).doesNotContain(INSIDE_SCANNER + "->" + PRIVATE_PROXY);
        // Real users stay: the external node also carries routed requests.
        assertThat(nodeIds()).contains(EXTERNAL, PRIVATE_PROXY);
        await(chip::isDisplayed, "the chip shown");
        Matcher counts = CHIP.matcher(chip.getText());
        assertThat(counts.matches()).as(chip.getText()).isTrue();
        // The five external probes and at least one from the insider; callers: the scanners' /24 and the insider.
        assertThat(Long.parseLong(counts.group(1))).isGreaterThanOrEqualTo(6);
        assertThat(Long.parseLong(counts.group(2))).isGreaterThanOrEqualTo(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> hooks = (Map<String, Object>) browser.js("return window.trafficviz.noise()");
        assertThat(hooks.get("hideNoise")).isEqualTo(true);
        assertThat((String) browser.js("return window.trafficviz.link()")).contains("noise=hide");
        browser.screenshot("noise-hidden");

        chip.click();
        await(() -> nodeIds().contains(INSIDE_SCANNER), "the scanner shown again");
        assertThat(chip.isDisplayed()).isFalse();
        assertThat(noise.getAttribute("aria-pressed")).isEqualTo("false");

        // A link with the switch on opens with it on.
        browser.open(demo.url("/?noise=hide"));
        await(() -> nodeIds().contains(EXTERNAL) && !nodeIds().contains(INSIDE_SCANNER)
                && browser.driver.findElement(By.id("noise-chip")).isDisplayed(), "the link's noise switch applied");
        assertThat(browser.driver.findElement(By.id("noise")).getAttribute("aria-pressed")).isEqualTo("true");
    }

    @Test
    void theExternalCallersSplitByPrefixInThePanelWithScannersMarked() throws Exception {
        for (int i = 0; i < 3; i++) {
            demo.scan("198.51.100." + (20 + i));
        }
        browser.open(demo.url("/"));
        await(() -> nodeIds().contains(EXTERNAL), "the external node drawn");
        browser.js("window.trafficviz.select(arguments[0])", EXTERNAL);
        WebElement split = browser.driver.findElement(By.className("prefix-split"));
        await(() -> split.isDisplayed() && split.getText().contains("198.51.100.0/24"), "prefixes listed");
        List<WebElement> rows = split.findElements(By.cssSelector("tbody tr"));
        assertThat(rows).anySatisfy(row -> {
            assertThat(row.getText()).startsWith("198.51.100.0/24");
            assertThat(row.getAttribute("class")).contains("scanner");
        });
        assertThat(rows).anySatisfy(row -> {
            assertThat(row.getText()).startsWith("203.0.113.0/24"); // the simulation's users
            assertThat(row.getAttribute("class")).doesNotContain("scanner");
        });
        browser.screenshot("noise-prefix-split");
        split.findElement(By.cssSelector("[data-width='wide']")).click();
        await(() -> split.getText().contains("198.51.0.0/16") && split.getText().contains("203.0.0.0/16"), "/16s");
    }

    private List<String> nodeIds() {
        return browser.list("nodes").stream().map(n -> (String) n.get("id")).toList();
    }

    private List<String> edgeIds() {
        return browser.list("edges").stream().map(e -> (String) e.get("id")).toList();
    }
}
