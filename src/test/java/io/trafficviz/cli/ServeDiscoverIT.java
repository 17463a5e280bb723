package io.trafficviz.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code serve --discover} against real Traefik processes on loopback: what their command line and static config file
 * say is found, what they lack is named with the Traefik option to add, and the derived config serves the graph.
 */
class ServeDiscoverIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final List<Process> traefiks = new ArrayList<>();
    private HttpServer backend;
    private TrafficvizApp app;
    private Path binary;

    @BeforeEach
    void findTraefik() {
        binary = io.trafficviz.dev.stack.TraefikBinary.locate().orElse(null);
        assumeTrue(binary != null, "no Traefik binary: set -Dtrafficviz.traefik=... or TRAEFIK_BIN");
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : traefiks) {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
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
    void aTraefikWithApiAndAccessLogFileIsFoundAndItsRequestsAreDrawn() throws Exception {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        backend.start();
        Path dynamic = dir.resolve("dynamic.yml");
        Files.writeString(dynamic, """
                http:
                  routers:
                    shop: {rule: "PathPrefix(`/shop`)", entryPoints: [web], service: shop}
                  services:
                    shop: {loadBalancer: {servers: [{url: "http://127.0.0.1:%d"}]}}
                """.formatted(backend.getAddress().getPort()));
        int apiPort = freePort();
        int web = freePort();
        Path accessLog = dir.resolve("logs/access.log");
        Files.createDirectories(accessLog.getParent());
        start(binary.toString(), "--global.checknewversion=false", "--global.sendanonymoususage=false",
                "--api.insecure=true", "--entrypoints.traefik.address=127.0.0.1:" + apiPort,
                "--entrypoints.web.address=127.0.0.1:" + web, "--providers.file.filename=" + dynamic,
                "--accesslog=true", "--accesslog.filepath=" + accessLog, "--accesslog.format=json");
        await(() -> send("http://127.0.0.1:" + web + "/shop/ready") == 200, "Traefik to route /shop");

        long started = System.nanoTime();
        List<HostDiscovery.Found> found = new HostDiscovery(Path.of("/proc"), List.of(apiPort)).discover();
        HostDiscovery.Found ours = found.stream().filter(f -> ("http://127.0.0.1:" + apiPort).equals(f.api()))
                .findFirst().orElseThrow(() -> new AssertionError("not found: " + found));
        assertThat(found.stream().filter(f -> ("http://127.0.0.1:" + apiPort).equals(f.api()))).as("once").hasSize(1);
        assertThat(ours.accessLog()).isEqualTo(accessLog.toString());
        assertThat(ours.format()).isEqualTo("json");
        assertThat(ours.hints()).isEmpty();
        assertThat(ours.name()).isEqualTo("traefik-" + apiPort);

        String yaml = HostDiscovery.configYaml("host-a", List.of(ours)).replace("127.0.0.1:8082", "127.0.0.1:0");
        TrafficvizConfig config = ConfigLoader.parse(yaml, dir);
        app = TrafficvizApp.start(config);
        for (int i = 0; i < 5; i++) {
            assertThat(send("http://127.0.0.1:" + web + "/shop/item" + i)).isEqualTo(200);
        }
        String info = "http://127.0.0.1:" + app.port() + "/network_info";
        await(() -> requestsInto(get(info), "service:host-a/shop") == 5, "the 5 requests in the graph");
        System.out.printf("serve --discover: discovered and first graph in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Test
    void whatATraefikLacksIsNamedWithTheOptionToAdd() throws Exception {
        int web = freePort();
        Path staticConfig = dir.resolve("traefik.yml");
        Files.writeString(staticConfig, """
                global: {checkNewVersion: false, sendAnonymousUsage: false}
                entryPoints:
                  web: {address: "127.0.0.1:%d"}
                accessLog: {}
                """.formatted(web));
        Process p = start(binary.toString(), "--configfile=" + staticConfig);
        await(() -> send("http://127.0.0.1:" + web + "/") == 404, "Traefik to listen");
        List<HostDiscovery.Found> found = new HostDiscovery(Path.of("/proc"), List.of()).discover();
        HostDiscovery.Found ours = found.stream().filter(f -> f.from().startsWith("process " + p.pid() + " "))
                .findFirst().orElseThrow(() -> new AssertionError("not found: " + found));
        assertThat(ours.api()).isNull();
        assertThat(ours.accessLog()).isNull();
        assertThat(ours.from()).contains(staticConfig.toString());
        assertThat(String.join("\n", ours.hints())).contains("its access log goes to stdout: add "
                + "--accesslog.filepath=", "no API: add --api.insecure=true");
        String yaml = HostDiscovery.configYaml("host-a", List.of(ours));
        assertThat(yaml).contains("#   its access log goes to stdout");
        assertThat(ConfigLoader.parse(yaml, dir).servers().get(0).proxies().get(0).accessLog()).isNull();
    }

    private Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("traefik-" + traefiks.size() + ".out").toFile()).start();
        traefiks.add(p);
        return p;
    }

    private static long requestsInto(JsonNode info, String target) {
        long n = 0;
        for (JsonNode e : info.path("edges")) {
            if (e.path("target").asText().equals(target)) {
                n += e.path("requests").asLong();
            }
        }
        return n;
    }

    private static JsonNode get(String url) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

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

    private void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
