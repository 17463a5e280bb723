package io.trafficviz.source.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.trafficviz.source.push.IntakeTestSupport.HTTP;
import static io.trafficviz.source.push.IntakeTestSupport.get;
import static io.trafficviz.source.push.IntakeTestSupport.requestsInto;
import static io.trafficviz.source.push.IntakeTestSupport.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Traefik exporting its access log over OTLP/HTTP ({@code --experimental.otlpLogs} and
 * {@code accessLog.otlp}) to trafficviz's {@code /v1/logs}: the requests sent through it must show up in
 * {@code /network_info} on the right proxy and service. Needs the binary named by {@code -Dtrafficviz.traefik} or
 * {@code TRAEFIK_BIN} (scripts/test builds it); skipped when neither is set.
 */
class RealTraefikOtlpIT {
    private static final String TOKEN = "otlp-test-token";
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            ingest:
              token: %s
            servers:
              - name: server-a
                proxies:
                  - name: edge-proxy          # push-only: no accessLog
                    role: public
                    network: edge-net
              - name: server-b
                proxies:
                  - name: private-proxy
                    role: private
                    network: b-net
            """.formatted(TOKEN);

    @TempDir
    Path dir;
    private TrafficvizApp app;
    private HttpServer backend;
    private Process traefik;

    @AfterEach
    void stop() throws Exception {
        if (traefik != null) {
            traefik.destroy();
            if (!traefik.waitFor(15, TimeUnit.SECONDS)) {
                traefik.destroyForcibly();
                traefik.waitFor(15, TimeUnit.SECONDS);
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
    void traefikConfiguredOnTheCommandLineNamesItsProxyByServiceName() throws Exception {
        Path binary = traefikBinary();
        assumeTrue(binary != null, "no Traefik binary: set -Dtrafficviz.traefik=... or TRAEFIK_BIN");
        startTrafficvizAndBackend();
        int web = freePort();
        Path dynamic = writeDynamicConfig();
        List<String> args = new ArrayList<>(List.of(binary.toString(),
                "--global.checknewversion=false", "--global.sendanonymoususage=false",
                "--entrypoints.web.address=127.0.0.1:" + web,
                "--providers.file.filename=" + dynamic,
                "--experimental.otlpLogs=true",
                "--accesslog=true", "--accesslog.format=json",
                "--accesslog.otlp=true",
                "--accesslog.otlp.servicename=edge-proxy",
                "--accesslog.otlp.http.endpoint=http://127.0.0.1:" + app.port() + "/v1/logs",
                "--accesslog.otlp.http.headers.Authorization=Bearer " + TOKEN));
        startTraefik(args);
        exerciseAndAssert(web, "server-a", "edge-proxy");
    }

    @Test
    void traefikConfiguredByFileNamesServerAndProxyByResourceAttributes() throws Exception {
        Path binary = traefikBinary();
        assumeTrue(binary != null, "no Traefik binary: set -Dtrafficviz.traefik=... or TRAEFIK_BIN");
        startTrafficvizAndBackend();
        int web = freePort();
        Path dynamic = writeDynamicConfig();
        // The documented static configuration (docs/remote-intake.md), with the common format: the record body is
        // then a CLF line and trafficviz reads the fields from the record's attributes instead.
        Path staticConfig = dir.resolve("traefik.yml");
        Files.writeString(staticConfig, """
                global:
                  checkNewVersion: false
                  sendAnonymousUsage: false
                entryPoints:
                  web:
                    address: "127.0.0.1:%d"
                providers:
                  file:
                    filename: "%s"
                experimental:
                  otlpLogs: true
                accessLog:
                  format: common
                  otlp:
                    resourceAttributes:
                      trafficviz.server: server-b
                      trafficviz.proxy: private-proxy
                    http:
                      endpoint: "http://127.0.0.1:%d/v1/logs"
                      headers:
                        Authorization: "Bearer %s"
                """.formatted(web, dynamic, app.port(), TOKEN));
        startTraefik(List.of(binary.toString(), "--configfile=" + staticConfig));
        exerciseAndAssert(web, "server-b", "private-proxy");
    }

    private void startTrafficvizAndBackend() throws IOException {
        app = TrafficvizApp.start(ConfigLoader.parse(CONFIG, dir));
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            byte[] body = "hello from the backend\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().endsWith("/fail") ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
    }

    private Path writeDynamicConfig() throws IOException {
        Path dynamic = dir.resolve("dynamic.yml");
        Files.writeString(dynamic, """
                http:
                  routers:
                    shop:
                      rule: "PathPrefix(`/shop`)"
                      entryPoints: [web]
                      service: shop
                  services:
                    shop:
                      loadBalancer:
                        servers:
                          - url: "http://127.0.0.1:%d"
                """.formatted(backend.getAddress().getPort()));
        return dynamic;
    }

    private void startTraefik(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("traefik.out").toFile());
        traefik = pb.start();
    }

    private void exerciseAndAssert(int web, String server, String proxy) throws Exception {
        String base = "http://127.0.0.1:" + web;
        // Wait until the file provider's router is live. Traefik answers requests that arrive before its first
        // configuration with a bare 404 it does not log, so the warm-up is not counted; the paths below are.
        await(() -> send(base + "/shop/ready") == 200, "Traefik to route /shop");
        for (int i = 0; i < 12; i++) {
            assertThat(send(base + "/shop/items?page=" + i)).isEqualTo(200);
        }
        assertThat(send(base + "/shop/fail")).isEqualTo(503);
        assertThat(send(base + "/no-such-route")).isEqualTo(404);
        String trafficviz = "http://127.0.0.1:" + app.port() + "/network_info";
        String proxyId = "proxy:" + server + "/" + proxy;
        String serviceId = "service:" + server + "/shop";
        await(() -> {
            JsonNode info = getQuietly(trafficviz);
            return pathRequests(info, proxyId, "/shop/items") == 12 && pathRequests(info, proxyId, "/shop/fail") == 1
                    && pathRequests(info, proxyId, "/no-such-route") == 1
                    && pathRequests(info, serviceId, "/shop/items") == 12
                    && pathRequests(info, serviceId, "/shop/fail") == 1;
        }, "the requests sent through Traefik in /network_info");

        JsonNode info = get(trafficviz);
        JsonNode src = source(info, "otlp:" + server + "/" + proxy);
        assertThat(src.path("lines").asLong()).isEqualTo(requestsInto(info, proxyId)).isGreaterThanOrEqualTo(15);
        assertThat(src.path("malformed").asLong()).as(src.toString()).isZero();
        assertThat(app.ingest().totals().malformed()).isZero();
        assertThat(pathRequests(info, serviceId, "/no-such-route")).as("answered by Traefik itself").isZero();
        for (JsonNode edge : info.path("edges")) {
            assertThat(edge.path("source").asText() + " " + edge.path("target").asText()).as("only " + server)
                    .contains(":" + server + "/").doesNotContain(server.equals("server-a") ? "server-b" : "server-a");
            if (edge.path("target").asText().equals(serviceId)) {
                assertThat(edge.path("source").asText()).isEqualTo(proxyId);
                assertThat(edge.path("status").path("5xx").asLong()).isEqualTo(1);
                assertThat(edge.path("p50Ms").asDouble()).isPositive();
            }
        }
    }

    /** Requests for {@code path} on the edges into {@code target} (from their top paths). */
    private static long pathRequests(JsonNode info, String target, String path) {
        long n = 0;
        for (JsonNode e : info.path("edges")) {
            if (e.path("target").asText().equals(target)) {
                for (JsonNode p : e.path("topPaths")) {
                    if (p.path("path").asText().equals(path)) {
                        n += p.path("requests").asLong();
                    }
                }
            }
        }
        return n;
    }

    /** GETs through Traefik; -1 while it is not listening yet. */
    private static int send(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode getQuietly(String url) {
        try {
            return get(url);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; Traefik said:\n"
                        + Files.readString(dir.resolve("traefik.out")) + "\n/network_info ingest: "
                        + getQuietly("http://127.0.0.1:" + app.port() + "/network_info").path("ingest"));
            }
            if (!traefik.isAlive()) {
                throw new AssertionError("Traefik exited with " + traefik.exitValue() + ":\n"
                        + Files.readString(dir.resolve("traefik.out")));
            }
            Thread.sleep(100);
        }
    }

    /** The same lookup the stack uses: TRAEFIK_BIN, -Dtrafficviz.traefik, then scripts/build-traefik.sh's cache. */
    static Path traefikBinary() {
        return io.trafficviz.dev.stack.TraefikBinary.locate().orElse(null);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
