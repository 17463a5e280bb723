package io.trafficviz.web;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static io.trafficviz.web.BrowserSession.await;
import static io.trafficviz.web.BrowserSession.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cross-site WebSocket hijacking, as the issue found it: a page on another origin, opened in the operator's browser,
 * opens trafficviz's live streams and reads the access log. Here that page is served by a second local HTTP server on
 * another port; it must get nothing. The same script run on trafficviz's own page reads entries (the probe works).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossOriginBrowserIT {
    /** Opens both live streams and writes what it hears, and what a cross-origin read and POST got, to window.probe. */
    private static final String PROBE = """
            window.probe = {messages: 0, entries: 0, opened: 0, errors: 0, closed: 0, read: 'pending', post: 'pending'};
            const base = arguments[0];
            for (const path of ['/access_logs', '/ws/graph']) {
              const ws = new WebSocket(base.replace('http', 'ws') + path);
              ws.onopen = () => window.probe.opened++;
              ws.onerror = () => window.probe.errors++;
              ws.onclose = () => window.probe.closed++;
              ws.onmessage = (m) => {
                window.probe.messages++;
                try { window.probe.entries += (JSON.parse(m.data).entries || []).length; } catch (e) { }
              };
            }
            fetch(base + '/network_info').then(r => r.text()).then(t => window.probe.read = 'read ' + t.length,
                e => window.probe.read = 'blocked');
            fetch(base + '/ingest?server=server-a&proxy=public-proxy', {method: 'POST', mode: 'no-cors',
                headers: {'Content-Type': 'text/plain'}, body: 'x'}).then(() => window.probe.post = 'sent',
                e => window.probe.post = 'blocked');
            """;

    @TempDir
    static Path dir;
    private LiveDemo demo;
    private BrowserSession browser;
    private HttpServer foreign;

    @BeforeAll
    void start() throws IOException {
        assumeTrue(BrowserSession.available(), "Chromium and chromedriver are not installed");
        demo = new LiveDemo(dir);
        browser = new BrowserSession();
        foreign = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        foreign.createContext("/", exchange -> {
            byte[] page = "<!doctype html><title>elsewhere</title><p>an unrelated site</p>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        foreign.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (foreign != null) {
            foreign.stop(0);
        }
        if (browser != null) {
            browser.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void aPageOnAnotherOriginReadsNothing() {
        String trafficviz = demo.url("");
        int port = URI.create(trafficviz).getPort();
        for (String page : new String[] {"http://127.0.0.1:" + foreign.getAddress().getPort() + "/",
                "http://localhost:" + foreign.getAddress().getPort() + "/"}) {
            browser.driver.get(page);
            browser.js(PROBE, trafficviz);
            await(() -> number(probe().get("closed")) == 2 && !"pending".equals(probe().get("read"))
                    && !"pending".equals(probe().get("post")), () -> "the probe on " + page + " to finish: " + probe());
            // Watch a while longer: live traffic flows the whole time (20 user requests a second).
            long before = demo.linesIngested();
            BrowserSession.sleep(1_500);
            assertThat(demo.linesIngested()).isGreaterThan(before);
            Map<String, Object> probe = probe();
            assertThat(number(probe.get("opened"))).as(page + ": " + probe).isZero();
            assertThat(number(probe.get("messages"))).as(page + ": " + probe).isZero();
            assertThat(number(probe.get("entries"))).as(page + ": " + probe).isZero();
            assertThat(probe.get("read")).as(page + ": " + probe).isEqualTo("blocked");
            assertThat(port).isNotEqualTo(foreign.getAddress().getPort());
        }
    }

    @Test
    void theSameProbeOnTrafficvizsOwnPageReadsEntries() {
        browser.driver.get(demo.url("/access_logs"));
        browser.js(PROBE, demo.url(""));
        await(() -> number(probe().get("entries")) >= 20, () -> "entries on trafficviz's own page: " + probe());
        assertThat(number(probe().get("opened"))).isEqualTo(2);
        assertThat(String.valueOf(probe().get("read"))).startsWith("read ");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> probe() {
        return (Map<String, Object>) browser.js("return window.probe");
    }
}
