package io.trafficviz.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.source.kafka.KafkaBroker;
import org.junit.jupiter.api.AfterEach;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped Collector-into-Kafka setup end to end: a real Traefik writes its JSON access log to a file, the Collector
 * built by scripts/build-otelcol.sh tails it with examples/otelcol/otelcol-kafka.yaml (filelog receiver, Kafka exporter,
 * otlp_proto) into a real KRaft broker ({@link KafkaBroker}), and trafficviz's kafka source ({@code payload: otlp_proto})
 * reads the topic: every line Traefik wrote is counted exactly once, on the proxy the resource attributes name.
 */
class OtelCollectorKafkaIT {
    private static final String TOPIC = "traefik-access";
    private static final String ORIGIN = "kafka:server-a/edge-proxy";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private KafkaBroker broker;
    private TrafficvizApp app;
    private HttpServer backend;
    private Process traefik;
    private Process collector;

    @AfterEach
    void stop() throws Exception {
        for (Process p : new Process[] {collector, traefik}) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
                }
            }
        }
        if (backend != null) {
            backend.stop(0);
        }
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyLineTraefikWritesReachesTrafficvizThroughTheCollectorAndKafka() throws Exception {
        Path otelcol = CachedTool.find("trafficviz.otelcol", "OTELCOL_BIN", "otelcol/v0.165.0/otelcol");
        assumeTrue(otelcol != null, "no Collector: run scripts/build-otelcol.sh (or set -Dtrafficviz.otelcol / OTELCOL_BIN)");
        Path traefikBinary = io.trafficviz.dev.stack.TraefikBinary.locate().orElse(null);
        assumeTrue(traefikBinary != null, "no Traefik binary: set -Dtrafficviz.traefik=... or TRAEFIK_BIN");

        Files.createDirectories(dir.resolve("broker"));
        broker = KafkaBroker.start(dir.resolve("broker"));
        broker.createTopic(TOPIC, 3);
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                history: {enabled: false}
                servers:
                  - name: server-a
                    proxies:
                      - {name: edge-proxy, role: public, network: edge-net}
                kafka:
                  bootstrapServers: %s
                  groupId: collector-test
                  topics: [%s]
                  payload: otlp_proto
                  startAt: earliest
                """.formatted(broker.bootstrap(), TOPIC), dir));
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().endsWith("/fail") ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();

        Path accessLog = dir.resolve("access.log");
        Files.writeString(accessLog, "");
        ProcessBuilder collectorBuilder = new ProcessBuilder(otelcol.toString(), "--config",
                Path.of("examples/otelcol/otelcol-kafka.yaml").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("otelcol.out").toFile());
        collectorBuilder.environment().putAll(Map.of("TRAEFIK_ACCESS_LOG", accessLog.toString(),
                "KAFKA_BROKERS", broker.bootstrap(), "KAFKA_TOPIC", TOPIC, "TRAFFICVIZ_SERVER", "server-a",
                "TRAFFICVIZ_PROXY", "edge-proxy", "OTELCOL_START_AT", "beginning"));
        collector = collectorBuilder.start();

        Path dynamic = dir.resolve("dynamic.yml");
        Files.writeString(dynamic, """
                http:
                  routers:
                    shop: {rule: "PathPrefix(`/shop`)", entryPoints: [web], service: shop}
                  services:
                    shop:
                      loadBalancer:
                        servers: [{url: "http://127.0.0.1:%d"}]
                """.formatted(backend.getAddress().getPort()));
        int web = freePort();
        traefik = new ProcessBuilder(traefikBinary.toString(), "--global.checknewversion=false",
                "--global.sendanonymoususage=false", "--entrypoints.web.address=127.0.0.1:" + web,
                "--providers.file.filename=" + dynamic, "--accesslog=true", "--accesslog.format=json",
                "--accesslog.filepath=" + accessLog, "--accesslog.bufferingsize=0")
                .redirectErrorStream(true).redirectOutput(dir.resolve("traefik.out").toFile()).start();

        String base = "http://127.0.0.1:" + web;
        await(() -> send(base + "/shop/ready") == 200, "Traefik to route /shop");
        for (int i = 0; i < 200; i++) {
            assertThat(send(base + "/shop/items?page=" + i)).isEqualTo(200);
        }
        for (int i = 0; i < 7; i++) {
            assertThat(send(base + "/shop/fail")).isEqualTo(503);
        }
        // Traefik writes each line before it answers (bufferingsize 0): the file now holds every request.
        long written = Files.readAllLines(accessLog).size();
        assertThat(written).isGreaterThanOrEqualTo(208);

        String info = "http://127.0.0.1:" + app.port() + "/network_info";
        await(() -> source(get(info)).path("lines").asLong(0) >= written,
                "the Collector and Kafka to deliver " + written + " lines");
        // A batch the exporter sent twice (a retry) would show up within the batch timeout and the consumer's poll.
        await(() -> lags(get(info)).size() == 3 && lags(get(info)).stream().allMatch(lag -> lag == 0),
                "the consumer to have read every partition to its end");
        Thread.sleep(3_000);
        JsonNode doc = get(info);
        JsonNode source = source(doc);
        assertThat(source.path("lines").asLong()).as("lines delivered, each exactly once").isEqualTo(written);
        assertThat(source.path("malformed").asLong()).isZero();
        assertThat(consumer(doc).path("malformedRecords").asLong(0)).as("records the source could not read").isZero();
        assertThat(pathRequests(doc, "service:server-a/shop", "/shop/fail")).isEqualTo(7);
        assertThat(Files.readAllLines(accessLog)).hasSize((int) written);
    }

    private static JsonNode source(JsonNode info) {
        return entry(info, ORIGIN);
    }

    private static JsonNode consumer(JsonNode info) {
        return entry(info, "kafka-group:collector-test");
    }

    private static JsonNode entry(JsonNode info, String origin) {
        for (JsonNode s : info.path("ingest").path("sources")) {
            if (s.path("path").asText().equals(origin)) {
                return s;
            }
        }
        return JSON.createObjectNode();
    }

    private static List<Long> lags(JsonNode info) {
        List<Long> out = new ArrayList<>();
        for (JsonNode p : consumer(info).path("partitions")) {
            if (p.has("lag")) {
                out.add(p.path("lag").asLong());
            }
        }
        return out;
    }

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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            for (Process p : List.of(traefik, collector)) {
                if (!p.isAlive()) {
                    throw new AssertionError((p == traefik ? "Traefik" : "the Collector") + " exited: " + logs());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; " + logs());
            }
            Thread.sleep(200);
        }
    }

    private String logs() throws IOException {
        return "trafficviz's ingest: " + get("http://127.0.0.1:" + app.port() + "/network_info").path("ingest")
                + "\nTraefik said:\n" + Files.readString(dir.resolve("traefik.out")) + "\nthe Collector said:\n"
                + Files.readString(dir.resolve("otelcol.out"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
