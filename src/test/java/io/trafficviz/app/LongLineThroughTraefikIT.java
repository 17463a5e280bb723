package io.trafficviz.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.dev.stack.TraefikBinary;
import io.trafficviz.source.LineSplitter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests with a ~65 KB path, and one with a 40 KB path and a 40 KB User-Agent (Traefik told to keep that header),
 * through a real Traefik 3.6 (to a backend that accepts long URLs) into its JSON access log, tailed by trafficviz: each
 * Traefik line is longer than the 64 KiB line limit, yet each request is counted on its proxy and its outsider caller
 * flagged, with the long values cut and marked (before: the two-field line was spliced and counted only as malformed).
 */
class LongLineThroughTraefikIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
    void aRequestWithAPathLongerThanTheLineLimitIsCountedAndItsOutsiderFlagged() throws Exception {
        Path binary = TraefikBinary.locate().orElse(null);
        assumeTrue(binary != null, "no Traefik binary: set -Dtrafficviz.traefik=... or TRAEFIK_BIN");
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        backend.start();
        Path accessLog = dir.resolve("access.log");
        // A private proxy that trusts only 10.99.0.0/16: the test's own 127.0.0.1 is an outsider to it.
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                startAt: beginning
                stateDir: state
                servers:
                  - name: edge
                    trustedNetworks: [10.99.0.0/16]
                    proxies:
                      - {name: inner, role: private, accessLog: access.log, format: json}
                """, dir));
        int web = freePort();
        Path dynamic = dir.resolve("dynamic.yml");
        Files.writeString(dynamic, """
                http:
                  routers:
                    all:
                      rule: "PathPrefix(`/`)"
                      entryPoints: [web]
                      service: backend
                  services:
                    backend:
                      loadBalancer:
                        servers:
                          - url: "http://127.0.0.1:%d"
                """.formatted(backend.getAddress().getPort()));
        traefik = new ProcessBuilder(binary.toString(), "--global.checknewversion=false",
                "--global.sendanonymoususage=false", "--entrypoints.web.address=127.0.0.1:" + web,
                "--providers.file.filename=" + dynamic, "--accesslog=true", "--accesslog.format=json",
                "--accesslog.filepath=" + accessLog, "--accesslog.bufferingsize=0",
                "--accesslog.fields.headers.names.User-Agent=keep")
                .redirectErrorStream(true).redirectOutput(dir.resolve("traefik.out").toFile()).start();
        String base = "http://127.0.0.1:" + web;
        await(() -> send(base + "/ready", "trafficviz-it") == 204, "Traefik to route");

        String longPath = "/hide/" + "a".repeat(65_000);
        for (int i = 0; i < 2; i++) {
            assertThat(send(base + longPath + i, "trafficviz-it")).as("Traefik passes a 65 KB path").isEqualTo(204);
        }
        // Long in two fields: the path and the User-Agent (kept in the log), together over the line limit.
        assertThat(send(base + "/hide/" + "b".repeat(40_000), "agent-" + "u".repeat(40_000))).isEqualTo(204);
        assertThat(Files.size(accessLog)).isGreaterThan(3L * LineSplitter.DEFAULT_MAX_LINE_BYTES);

        String info = "http://127.0.0.1:" + app.port() + "/network_info";
        // The warm-up request(s) and the three long ones, all from 127.0.0.1: outsiders to the private proxy.
        await(() -> countLongOutsiders(get(info)) == 3, "the three long requests as outsiders");
        JsonNode doc = get(info);
        assertThat(doc.path("ingest").path("malformed").asLong()).as(doc.path("ingest").toString()).isZero();
        for (JsonNode outsider : doc.path("outsiders").path("recent")) {
            if (outsider.path("path").asText().startsWith("/hide/")) {
                // The caller and the status come from the line's head, the service (below) from its tail.
                assertThat(outsider.path("status").asInt()).isEqualTo(204);
                assertThat(outsider.path("address").asText()).isEqualTo("127.0.0.1");
            }
        }
        long intoService = 0;
        boolean twoLongFieldsReachedTheService = false;
        for (JsonNode edge : doc.path("edges")) {
            if (edge.path("target").asText().startsWith("service:") && edge.path("target").asText().contains("backend")) {
                intoService += edge.path("requests").asLong();
                for (JsonNode path : edge.path("topPaths")) {
                    twoLongFieldsReachedTheService |= path.path("path").asText().startsWith("/hide/bbb");
                    if (path.path("path").asText().startsWith("/hide/")) {
                        assertThat(path.path("path").asText()).as("the long field, cut and marked")
                                .contains(LineSplitter.FIELD_CUT_MARK);
                    }
                }
            }
        }
        // Before, head and tail were spliced between the path and the User-Agent: router and service were lost.
        assertThat(twoLongFieldsReachedTheService).as("the path+User-Agent request on its service: " + doc.path("edges"))
                .isTrue();
        assertThat(intoService).as("the long requests reached their service node: " + doc.path("edges"))
                .isGreaterThanOrEqualTo(4);
    }

    private static long countLongOutsiders(JsonNode info) {
        long n = 0;
        for (JsonNode outsider : info.path("outsiders").path("recent")) {
            if (outsider.path("path").asText().startsWith("/hide/")) {
                n++;
            }
        }
        return n;
    }

    private static JsonNode get(String url) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int send(String url, String userAgent) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("User-Agent", userAgent).build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
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
