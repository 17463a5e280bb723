package io.trafficviz.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.dev.stack.TraefikBinary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.trafficviz.web.BrowserSession.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 19, items 5 and 6, through two real Traefik 3.6 processes: a gateway that forwards everything to a public
 * proxy, which has a router that gets traffic ({@code busy}) and one that gets none ({@code idle}). Both keep the
 * {@code X-Request-Id} header in their JSON access logs, tailed by trafficviz, which reads their routers from their APIs.
 * The idle router is marked in {@code /network_info} and in the proxy's panel; a request id that crossed both proxies
 * lights its whole path, gateway to leaf, when its row in the panel is clicked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutersAndRequestTraceBrowserIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String GATEWAY = "proxy:edge/gw";
    private static final String PROXY = "proxy:server-a/pub";
    private static final String SERVICE = "service:server-a/backend";
    private static final String TRACED = "trace-7f3c9a01";

    @TempDir
    static Path dir;
    private final List<Process> traefiks = new ArrayList<>();
    private HttpServer backend;
    private TrafficvizApp app;
    private BrowserSession browser;
    private String gatewayUrl;

    @BeforeAll
    void start() throws Exception {
        Path binary = TraefikBinary.locate().orElse(null);
        assumeTrue(binary != null, "no Traefik binary: set -Dtrafficviz.traefik=... or TRAEFIK_BIN");
        assumeTrue(BrowserSession.available(), "Chromium and chromedriver are not installed");
        // On 127.0.0.3: a backend on 127.0.0.1 would be the gateway's address, i.e. the gateway to the resolver.
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0), 0);
        backend.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        backend.start();
        int pubWeb = freePort();
        int pubApi = freePort();
        int gwWeb = freePort();
        int gwApi = freePort();
        traefik("pub", pubWeb, pubApi, """
                http:
                  routers:
                    busy:
                      rule: "PathPrefix(`/busy`)"
                      entryPoints: [web]
                      service: backend
                    idle:
                      rule: "Host(`idle.example`)"
                      entryPoints: [web]
                      service: spare
                  services:
                    backend:
                      loadBalancer:
                        servers:
                          - url: "http://127.0.0.3:%d"
                    spare:
                      loadBalancer:
                        servers:
                          - url: "http://127.0.0.3:%d"
                """.formatted(backend.getAddress().getPort(), freePort()));
        traefik("gw", gwWeb, gwApi, """
                http:
                  routers:
                    everything:
                      rule: "PathPrefix(`/`)"
                      entryPoints: [web]
                      service: servers
                  services:
                    servers:
                      loadBalancer:
                        servers:
                          - url: "http://127.0.0.1:%d"
                """.formatted(pubWeb));
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                startAt: beginning
                stateDir: state
                history: {enabled: false}
                discovery: {interval: 2s}
                servers:
                  - name: edge
                    proxies:
                      - {name: gw, role: gateway, network: edge-net, api: "http://127.0.0.1:%d", accessLog: gw.log,
                         format: json, addresses: [127.0.0.1]}
                  - name: server-a
                    proxies:
                      - {name: pub, role: public, network: a-net, api: "http://127.0.0.1:%d", accessLog: pub.log,
                         format: json}
                """.formatted(gwApi, pubApi), dir));
        gatewayUrl = "http://127.0.0.1:" + gwWeb;
        waitFor(() -> send("/busy/ready", null) == 204, "both Traefiks to route");
        waitFor(() -> app.ingest().hasInventory("server-a/pub") && app.ingest().hasInventory("edge/gw"),
                "both inventories discovered");
        browser = new BrowserSession();
    }

    private void traefik(String name, int web, int api, String dynamic) throws IOException {
        Path config = dir.resolve(name + "-dynamic.yml");
        Files.writeString(config, dynamic);
        traefiks.add(new ProcessBuilder(TraefikBinary.locate().orElseThrow().toString(),
                "--global.checknewversion=false", "--global.sendanonymoususage=false",
                "--entrypoints.web.address=127.0.0.1:" + web, "--entrypoints.traefik.address=127.0.0.1:" + api,
                "--api.insecure=true", "--providers.file.filename=" + config, "--accesslog=true",
                "--accesslog.format=json", "--accesslog.filepath=" + dir.resolve(name + ".log"),
                "--accesslog.bufferingsize=0", "--accesslog.fields.headers.names.X-Request-Id=keep")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile()).start());
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        for (Process p : traefiks) {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (backend != null) {
            backend.stop(0);
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theRouterWithoutTrafficIsMarkedIdleInNetworkInfoAndInTheProxysPanel() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(send("/busy/" + i, null)).isEqualTo(204);
        }
        assertThat(send("/nothing-here", null)).as("no router of pub matches").isEqualTo(404);
        waitFor(() -> router(section(get("/network_info")), "busy@file").path("requests").asLong() >= 4
                && section(get("/network_info")).path("unrouted").asLong() >= 1, "the busy router's requests counted");

        JsonNode pub = section(get("/network_info"));
        assertThat(pub.path("inventoryAt").isNumber()).as(pub.toString()).isTrue();
        JsonNode busy = router(pub, "busy@file");
        JsonNode idle = router(pub, "idle@file");
        assertThat(busy.path("idle").asBoolean()).isFalse();
        assertThat(busy.path("lastSeen").isNumber()).isTrue();
        assertThat(busy.path("service").asText()).isEqualTo("backend@file");
        assertThat(idle.path("idle").asBoolean()).as(idle.toString()).isTrue();
        assertThat(idle.path("requests").asLong()).isZero();
        assertThat(idle.path("rule").asText()).isEqualTo("Host(`idle.example`)");
        JsonNode spare = named(pub.path("services"), "spare@file");
        assertThat(spare.path("idle").asBoolean()).isTrue();
        // Listed by count: the setup's "/busy/ready" may have 404ed too, as often as it was tried before Traefik routed.
        assertThat(named(pub.path("unmatchedPaths").path("top"), "/nothing-here", "path").path("requests").asLong())
                .as(pub.path("unmatchedPaths").toString()).isEqualTo(1);
        assertThat(section(get("/network_info?section=routers")).path("counted").asText()).isEqualTo("live");

        browser.open(url("/"));
        await(() -> nodeIds().contains(PROXY), "the proxy drawn");
        browser.js("window.trafficviz.fit()");
        BrowserSession.sleep(500);
        browser.js("window.trafficviz.select(arguments[0])", PROXY);
        WebElement panel = browser.driver.findElement(By.className("routers-panel"));
        await(() -> panel.isDisplayed() && panel.getText().contains("idle@file"), "the routers listed");
        WebElement idleRow = panel.findElement(By.cssSelector("tr[data-router='idle@file']"));
        assertThat(idleRow.getAttribute("class")).contains("idle");
        assertThat(idleRow.getText()).contains("idle");
        WebElement busyRow = panel.findElement(By.cssSelector("tr[data-router='busy@file']"));
        assertThat(busyRow.getAttribute("class")).doesNotContain("idle");
        assertThat(panel.findElement(By.className("unmatched-paths")).getText()).contains("/nothing-here");
        browser.js("document.querySelector('.routers-panel').scrollIntoView()");
        browser.screenshot("routers-idle");
    }

    @Test
    void aRequestIdThatCrossedBothProxiesLightsItsWholePath() throws Exception {
        browser.open(url("/"));
        await(() -> nodeIds().contains(PROXY) && nodeIds().contains(GATEWAY), "both proxies drawn");
        // Another request without an id, so that the traced one is not the only thing on its edges.
        assertThat(send("/busy/plain", null)).isEqualTo(204);
        assertThat(send("/busy/traced", TRACED)).isEqualTo(204);
        browser.js("window.trafficviz.select(arguments[0])", PROXY);
        await(() -> !browser.driver.findElements(By.cssSelector(".tail-row.traceable")).isEmpty(),
                "the traced request's row in the proxy's panel");
        WebElement row = browser.driver.findElement(By.cssSelector(".tail-row.traceable"));
        assertThat(row.getAttribute("data-request-id")).isEqualTo(TRACED);
        row.click();

        await(() -> traced() != null && ((List<?>) traced().get("edges")).size() == 3,
                () -> "the three hops lit: " + traced() + "; " + browser.consoleLog());
        @SuppressWarnings("unchecked")
        List<String> edges = (List<String>) traced().get("edges");
        @SuppressWarnings("unchecked")
        List<String> path = (List<String>) traced().get("path");
        assertThat(path).as("caller, gateway, proxy, service").hasSize(4);
        assertThat(path.subList(1, 4)).containsExactly(GATEWAY, PROXY, SERVICE);
        assertThat(edges).containsExactlyInAnyOrder(path.get(0) + "->" + GATEWAY, GATEWAY + "->" + PROXY,
                PROXY + "->" + SERVICE);
        @SuppressWarnings("unchecked")
        List<String> proxies = (List<String>) traced().get("proxies");
        assertThat(proxies).containsExactlyInAnyOrder(GATEWAY, PROXY);
        WebElement chip = browser.driver.findElement(By.className("request-trace"));
        assertThat(chip.isDisplayed()).isTrue();
        assertThat(chip.getText()).contains(TRACED).contains("gw → pub → backend").contains("2 proxies");
        // The panel closed and the whole graph in view: the lit path, gateway to leaf, for the screenshot.
        browser.js("window.trafficviz.select(null); window.trafficviz.fit()");
        BrowserSession.sleep(1_000);
        assertThat(traced()).as("closing the panel keeps the trace").isNotNull();
        browser.screenshot("request-trace");

        chip.findElement(By.tagName("button")).click();
        await(() -> traced() == null, "the trace ended");
        assertThat(chip.isDisplayed()).isFalse();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> traced() {
        return (Map<String, Object>) browser.snapshot().get("traced");
    }

    private List<String> nodeIds() {
        return browser.list("nodes").stream().map(n -> (String) n.get("id")).toList();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + app.port() + path;
    }

    private JsonNode section(JsonNode doc) {
        return named(doc.path("routers"), PROXY, "proxy");
    }

    private static JsonNode router(JsonNode proxy, String name) {
        return named(proxy.path("routers"), name);
    }

    private static JsonNode named(JsonNode list, String name) {
        return named(list, name, "name");
    }

    private static JsonNode named(JsonNode list, String value, String key) {
        for (JsonNode n : list) {
            if (n.path(key).asText().equals(value)) {
                return n;
            }
        }
        return JSON.createObjectNode();
    }

    private JsonNode get(String path) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A request to the gateway from 127.0.0.2, so that the caller is neither proxy (the gateway's own address,
     * 127.0.0.1, is how the public proxy knows it as its caller); with {@code requestId}, as a caller that sets
     * X-Request-Id sends it. Plain HTTP/1.1 over a socket: the JDK's client cannot choose its local address.
     */
    private int send(String path, String requestId) {
        URI gateway = URI.create(gatewayUrl);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            socket.connect(new InetSocketAddress(gateway.getHost(), gateway.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + gateway.getHost() + ":" + gateway.getPort()
                    + "\r\n" + (requestId == null ? "" : "X-Request-Id: " + requestId + "\r\n")
                    + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return status == null ? -1 : Integer.parseInt(status.split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
