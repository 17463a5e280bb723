package io.trafficviz.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames per second of the UI in headless Chromium with a big graph and a heavy event stream, through the UI's
 * benchmark hooks: {@code window.trafficviz.injectGraph(hello)}, {@code injectBatch(batch)} and
 * {@code snapshot().fps}. The page is served by a real {@code trafficviz serve} (no logs: the graph is injected).
 *
 * <p>Usage: {@code BrowserBench JAR WORKDIR [NODES] [EDGES] [EVENTS_PER_SECOND] [SECONDS]} (defaults 1000, 3000,
 * 20000, 10), or {@code BrowserBench --url URL ...} for a page already served; {@code --playback} first plays the
 * requests through the time bar's playback instead of live batches. Prints one JSON line; when the page
 * has no {@code window.trafficviz} hook (the UI is not in this build) it says so instead of failing.
 */
public final class BrowserBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String url = null;
        int a = 0;
        // --playback: the requests come from the time bar's playback (stored rows at 1×) instead of live batches.
        boolean playback = args[0].equals("--playback");
        if (playback) {
            a = 1;
        }
        if (args[a].equals("--url")) {
            url = args[a + 1];
            a += 2;
        }
        Path jar = url == null ? Path.of(args[a]) : null;
        Path work = Path.of(url == null ? args[a + 1] : System.getProperty("java.io.tmpdir"));
        int base = url == null ? a + 2 : a;
        int nodes = args.length > base ? Integer.parseInt(args[base]) : 1000;
        int edges = args.length > base + 1 ? Integer.parseInt(args[base + 1]) : 3000;
        int rate = args.length > base + 2 ? Integer.parseInt(args[base + 2]) : 20_000;
        int seconds = args.length > base + 3 ? Integer.parseInt(args[base + 3]) : 10;

        LiveBench.Server server = null;
        if (url == null) {
            server = LiveBench.Server.start(jar, work, 1);
            url = "http://127.0.0.1:" + server.port + "/?offline";
        }
        Path profile = Files.createTempDirectory("trafficviz-bench-chromium");
        if (System.getProperty("webdriver.chrome.driver") == null) {
            System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--user-data-dir=" + profile,
                "--window-size=1400,900", "--disable-background-timer-throttling");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("webdriver.chrome.driver"))).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("row", playback ? "browser-playback" : "browser");
        try {
            driver.get(url);
            JavascriptExecutor js = driver;
            Thread.sleep(1500);
            Object hooked = js.executeScript("return !!(window.trafficviz && window.trafficviz.injectGraph"
                    + " && window.trafficviz.injectBatch && window.trafficviz.snapshot)");
            if (!Boolean.TRUE.equals(hooked)) {
                out.put("status", "pending: the page at " + url + " has no window.trafficviz hooks (the UI is not in"
                        + " this build yet)");
                System.out.println(JSON.writeValueAsString(out));
                return;
            }
            Graph g = graph(nodes, edges);
            // The batches below are in the wire form of /ws/graph (docs/protocol.md): nodes by the ix of the hello.
            js.executeScript("const hello = JSON.parse(arguments[0]);"
                    + " window.__benchIx = new Map(hello.graph.nodes.map((n) => [n.id, n.ix]));"
                    + " window.trafficviz.injectGraph(hello);", JSON.writeValueAsString(g.hello));
            if (playback) {
                playStoredRows(js, g, rate, seconds);
            } else {
                // Generate the events inside the page, so WebDriver round trips are not what is measured: a batch every
                // 50 ms, as the server sends them, with rate/20 events along random routes of the graph.
                js.executeScript("""
                        const routes = JSON.parse(arguments[0]); const perBatch = arguments[1];
                        let seq = 0; const statuses = [200, 200, 200, 200, 200, 200, 200, 201, 404, 500];
                        window.__benchBatches = 0;
                        window.__benchTimer = setInterval(() => {
                          const events = new Array(perBatch); const now = Date.now(); const ix = window.__benchIx;
                          const strings = ['GET', 'bench'];
                          for (let i = 0; i < perBatch; i++) {
                            const r = routes[(Math.random() * routes.length) | 0];
                            const status = statuses[(Math.random() * statuses.length) | 0];
                            strings.push('/api/items/' + (++seq % 1000));
                            // [seq delta, time delta, from, proxy, to, status, duration µs, flags (1 = error), method,
                            //  host, path]: seq and time relative to the previous event
                            events[i] = [i === 0 ? seq : 1, i === 0 ? now : 0, ix.get(r[0]), ix.get(r[1]), ix.get(r[2]),
                              status, 3200, status < 400 ? 0 : 1, 0, 1, strings.length - 1];
                          }
                          window.trafficviz.injectBatch({nodes: [], edges: [], strings: strings, events: events, dropped: 0});
                          window.__benchBatches++;
                        }, 50);
                        """, JSON.writeValueAsString(g.routes), rate / 20);
            }
            Thread.sleep(5000); // layout settles, JIT warms
            Object layoutRunning = js.executeScript("return window.trafficviz.snapshot().layoutRunning;");
            // The cached map layer is redrawn when the layout, statistics or rate bands change: how often that
            // happened while sampling, since each redraw costs several frames' worth of drawing.
            Object redrawsBefore = js.executeScript("return window.trafficviz.snapshot().mapRedraws || 0;");
            List<Double> fps = new ArrayList<>();
            for (int i = 0; i < seconds; i++) {
                Thread.sleep(1000);
                Object v = js.executeScript("return window.trafficviz.snapshot().fps;");
                fps.add(((Number) v).doubleValue());
            }
            Object redrawsAfter = js.executeScript("return window.trafficviz.snapshot().mapRedraws || 0;");
            Object batches = js.executeScript("clearInterval(window.__benchTimer); return window.__benchBatches;");
            if (playback) {
                out.put("played", js.executeScript("const p = window.trafficviz.history().playback;"
                        + " return p ? p.fired : null;"));
            }
            Object shown = js.executeScript("const s = window.trafficviz.snapshot(); "
                    + "return [s.nodes.length, s.edges.length, s.flashes ? s.flashes.events : null];");
            Object timings = js.executeScript("return JSON.stringify(window.trafficviz.snapshot().timingsMs || null);");
            List<Double> sorted = new ArrayList<>(fps);
            sorted.sort(null);
            out.put("status", "measured");
            out.put("fpsMedian", sorted.get(sorted.size() / 2));
            out.put("fpsMin", sorted.get(0));
            out.put("fpsSamples", fps);
            out.put("nodes", nodes);
            out.put("edges", edges);
            out.put("eventsPerSecond", rate);
            out.put("batchesInjected", batches);
            out.put("shownNodesEdgesEvents", shown);
            out.put("layoutRunningAtStart", layoutRunning);
            out.put("mapRedrawsWhileSampling", ((Number) redrawsAfter).longValue() - ((Number) redrawsBefore).longValue());
            out.put("uiTimingsMs", JSON.readTree(String.valueOf(timings)));
            out.put("load", Bench.loadAverage());
            System.out.println(JSON.writeValueAsString(out));
        } finally {
            driver.quit();
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * Stored rows as {@code /history/requests} gives them, {@code rate} a second along random routes for the whole
     * measurement and more, generated in the page and played at 1x through the page's playback
     * ({@code injectPlayback}): the scheduler, the comets and the drawing, without the pages' fetching.
     */
    private static void playStoredRows(JavascriptExecutor js, Graph g, int rate, int seconds) throws Exception {
        js.executeScript("""
                const routes = JSON.parse(arguments[0]); const rate = arguments[1]; const seconds = arguments[2];
                const statuses = [200, 200, 200, 200, 200, 200, 200, 201, 404, 500];
                const from = Date.now() - 3600_000; const count = rate * seconds; const rows = new Array(count);
                for (let i = 0; i < count; i++) {
                  const r = routes[(Math.random() * routes.length) | 0];
                  const status = statuses[(Math.random() * statuses.length) | 0];
                  rows[i] = {seq: i + 1, time: from + Math.floor((i * 1000) / rate), server: 'bench', network: 'net',
                    proxy: 'proxy', from: r[0], to: r[2], fromId: r[0], proxyId: r[1], toId: r[2], method: 'GET',
                    host: 'bench', path: '/api/items/' + (i % 1000), status, durationMs: 3.2, error: status >= 400,
                    answeredByProxy: false, outsider: false};
                }
                window.__benchBatches = 0;
                window.trafficviz.injectPlayback(rows, from, from + seconds * 1000, 1);
                """, JSON.writeValueAsString(g.routes), rate, seconds + 7);
    }

    record Graph(Map<String, Object> hello, List<List<String>> routes) {
    }

    /**
     * {@code nodes} nodes in servers of 25 (public proxy, private proxy, external callers, 22 services) and
     * {@code edges} hop edges: external → public proxy → 5 services, every service → private proxy → every service,
     * then services calling neighbouring servers' private proxies until the edge count is reached.
     */
    static Graph graph(int nodeCount, int edgeCount) {
        int perServer = 25;
        int servers = Math.max(1, nodeCount / perServer);
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<Map<String, Object>> edges = new ArrayList<>();
        List<List<String>> routes = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            String server = String.format("s%03d", s + 1);
            nodes.add(node(nodes.size(), "proxy:" + server + "/public-proxy", "proxy", "public-proxy", server,
                    "public-net"));
            nodes.add(node(nodes.size(), "proxy:" + server + "/private-proxy", "proxy", "private-proxy", server,
                    "private-net"));
            nodes.add(node(nodes.size(), "external:" + server + "/public-net", "external", "external callers", server,
                    "public-net"));
            for (int k = 0; k < perServer - 3; k++) {
                nodes.add(node(nodes.size(), svc(server, k), "service", String.format("svc-%02d", k), server,
                        "private-net"));
            }
        }
        // Edges in rounds, so any count is spread over every server.
        for (int s = 0; s < servers && edges.size() < edgeCount; s++) {
            String server = String.format("s%03d", s + 1);
            String pub = "proxy:" + server + "/public-proxy";
            String ext = "external:" + server + "/public-net";
            edges.add(edge(ext, pub));
            for (int k = 0; k < 5; k++) {
                edges.add(edge(pub, svc(server, k)));
                routes.add(List.of(ext, pub, svc(server, k), server, "public-net", "public-proxy"));
            }
        }
        for (int k = 0; k < perServer - 3 && edges.size() < edgeCount; k++) {
            for (int s = 0; s < servers && edges.size() < edgeCount; s++) {
                String server = String.format("s%03d", s + 1);
                String priv = "proxy:" + server + "/private-proxy";
                edges.add(edge(svc(server, k), priv));
                if (edges.size() < edgeCount) {
                    edges.add(edge(priv, svc(server, (k + 1) % (perServer - 3))));
                }
                routes.add(List.of(svc(server, k), priv, svc(server, (k + 1) % (perServer - 3)), server,
                        "private-net", "private-proxy"));
            }
        }
        for (int k = 0; edges.size() < edgeCount; k++) {
            int s = k % servers;
            int other = (s + 1 + k / servers) % servers;
            String from = svc(String.format("s%03d", s + 1), k % (perServer - 3));
            String to = "proxy:" + String.format("s%03d", other + 1) + "/private-proxy";
            edges.add(edge(from, to));
        }
        Map<String, Object> graph = new LinkedHashMap<>();
        graph.put("generatedAt", System.currentTimeMillis());
        graph.put("view", "hops");
        graph.put("servers", List.of());
        graph.put("nodes", nodes);
        graph.put("edges", edges);
        graph.put("ingest", Map.of("lines", 0, "malformed", 0, "sources", List.of()));
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", "hello");
        hello.put("graph", graph);
        return new Graph(hello, routes);
    }

    private static String svc(String server, int k) {
        return String.format("service:%s/svc-%02d", server, k);
    }

    private static Map<String, Object> node(int ix, String id, String kind, String label, String server,
                                            String network) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("ix", ix);
        m.put("kind", kind);
        m.put("label", label);
        m.put("server", server);
        m.put("network", network);
        m.put("addresses", List.of());
        return m;
    }

    private static Map<String, Object> edge(String source, String target) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", source + "->" + target);
        m.put("source", source);
        m.put("target", target);
        m.put("requests", 100);
        m.put("errors", 3);
        m.put("status", Map.of("2xx", 97, "3xx", 0, "4xx", 2, "5xx", 1));
        m.put("ratePerSec", 5.0);
        m.put("rate1m", 5.0);
        m.put("rate5m", 5.0);
        m.put("p50Ms", 3.1);
        m.put("p95Ms", 12.0);
        m.put("p99Ms", 40.2);
        m.put("bytes", 123456);
        return m;
    }

    private BrowserBench() {
    }
}
