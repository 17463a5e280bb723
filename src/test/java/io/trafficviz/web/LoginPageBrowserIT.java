package io.trafficviz.web;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.publish.auth.Passwords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

import java.nio.file.Path;

import static io.trafficviz.web.BrowserSession.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The login in a real browser, under the pages' strict CSP: the graph page sends a stranger to the login page, a
 * wrong password says so (as text), the right one brings the user back to the page they asked for with the live graph
 * running, the cookie is out of scripts' reach, and Sign out ends it.
 */
class LoginPageBrowserIT {
    @TempDir
    Path dir;
    private TrafficvizApp app;
    private BrowserSession browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void signInThenSignOut() {
        assumeTrue(BrowserSession.available(), "Chromium and chromedriver are not installed");
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers: [{name: server-a, proxies: [{name: edge, role: public}]}]
                auth:
                  users: [{name: ada, passwordHash: "%s", role: viewer}]
                  viewer: {accessLog: false}
                """.formatted(Passwords.hash("correct horse")), dir));
        String base = "http://127.0.0.1:" + app.port() + "/";
        browser = new BrowserSession();
        var driver = browser.driver;

        driver.get(base + "access_logs");
        await(() -> driver.getCurrentUrl().endsWith("/login?next=access_logs"), "the redirect to the login page");
        await(() -> "access_logs".equals(driver.findElement(By.id("login-next")).getAttribute("value")),
                "the login page's module carried next into the form");

        driver.get(base);
        await(() -> driver.getCurrentUrl().equals(base + "login"), "the graph page sends a stranger to log in");
        driver.findElement(By.id("login-user")).sendKeys("ada");
        driver.findElement(By.id("login-password")).sendKeys("wrong password");
        driver.findElement(By.id("login-password")).submit();
        await(() -> driver.getCurrentUrl().endsWith("login?failed=1"), "back at the login page");
        await(() -> driver.findElement(By.id("login-message")).getText().equals("Wrong user name or password."),
                "the failure said");

        driver.findElement(By.id("login-user")).sendKeys("ada");
        driver.findElement(By.id("login-password")).sendKeys("correct horse");
        driver.findElement(By.id("login-password")).submit();
        await(() -> driver.getCurrentUrl().equals(base), "the graph page after signing in");
        browser.open(base); // its script runs, and the live socket with it
        await(() -> "live".equals(driver.findElement(By.id("connection")).getText()), "the graph socket open");
        await(() -> driver.findElements(By.cssSelector(".session-user")).size() == 1, "who is signed in");
        assertThat(driver.findElement(By.cssSelector(".session-user")).getText()).isEqualTo("ada (viewer)");
        assertThat(driver.findElements(By.cssSelector("a[href='access_logs']"))).as("no link to a 403").isEmpty();
        Cookie session = driver.manage().getCookieNamed("trafficviz_session");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(browser.js("return document.cookie")).isEqualTo("");

        driver.findElement(By.xpath("//button[text()='Sign out']")).click();
        await(() -> driver.getCurrentUrl().endsWith("login?signedOut=1"), "the login page after signing out");
        driver.get(base);
        await(() -> driver.getCurrentUrl().equals(base + "login"), "signed out: the graph asks for a login again");
        assertThat(browser.consoleLog()).doesNotContain("Content Security Policy");
    }
}
