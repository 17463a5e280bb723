package io.trafficviz.web;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Headless Debian Chromium driven by Debian's chromedriver: nothing is downloaded (no Selenium Manager), so the
 * tests run offline. Tests skip themselves when the two binaries are not installed (see {@link #available()}).
 */
final class BrowserSession implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("trafficviz.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("trafficviz.chromedriver", "/usr/bin/chromedriver"));
    static final int WIDTH = 1400;
    static final int HEIGHT = 900;

    final ChromeDriver driver;
    private final Path profile;

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    BrowserSession() {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        try {
            profile = Files.createTempDirectory("trafficviz-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=" + WIDTH + "," + HEIGHT, "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    void open(String url) {
        driver.get(url);
        try {
            await(() -> Boolean.TRUE.equals(js("return !!(window.trafficviz && window.trafficviz.snapshot)")),
                    "page script loaded at " + url);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; browser console: " + consoleLog(), e);
        }
    }

    /** What the page logged (errors included), for failure messages. */
    String consoleLog() {
        try {
            return driver.manage().logs().get("browser").getAll().toString();
        } catch (RuntimeException e) {
            return "(unavailable: " + e + ")";
        }
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> snapshot() {
        return (Map<String, Object>) js("return window.trafficviz.snapshot()");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String key) {
        return (List<Map<String, Object>>) snapshot().get(key);
    }

    /** A screenshot under target/browser-screenshots, for a human to look at when a test fails. */
    void screenshot(String name) {
        try {
            Path dir = Path.of("target", "browser-screenshots");
            Files.createDirectories(dir);
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(dir.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void await(Supplier<Boolean> condition, String what) {
        await(condition, () -> what);
    }

    /** As {@link #await(Supplier, String)}, with a description computed on timeout (the page's state then). */
    static void await(Supplier<Boolean> condition, Supplier<String> what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
                last = null;
            } catch (AssertionError | RuntimeException e) {
                last = new AssertionError(e);
            }
            sleep(100);
        }
        String described;
        try {
            described = what.get();
        } catch (RuntimeException e) {
            described = "(describing the page failed: " + e + ")";
        }
        throw new AssertionError("timed out waiting for: " + described, last);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static long number(Object value) {
        return ((Number) value).longValue();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
