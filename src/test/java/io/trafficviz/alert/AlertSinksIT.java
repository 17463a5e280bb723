package io.trafficviz.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sinks against real receivers: trafficviz tails a real log file, its rules fire, and the notifications arrive at
 * a real Alertmanager (Debian's {@code prometheus-alertmanager}, which delivers to a webhook receiver in this test) or
 * at a webhook receiver that fails and recovers; a dead sink slows no other.
 */
class AlertSinksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALERTMANAGER = "/usr/bin/prometheus-alertmanager";

    @TempDir
    Path dir;
    private TrafficvizApp app;
    private Process alertmanager;

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (alertmanager != null) {
            alertmanager.destroy();
            alertmanager.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void startTrafficviz(String alerts) throws IOException {
        Files.writeString(dir.resolve("pub.log"), "");
        Files.writeString(dir.resolve("priv.log"), "");
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                startAt: beginning
                stateDir: state
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: pub-net, accessLog: pub.log}
                      - {name: private-proxy, role: private, network: priv-net, accessLog: priv.log}
                """ + alerts, dir));
    }

    /** A request from {@code client} to {@code service}, written to the proxy's log as Traefik would. */
    private void request(String file, String client, String service) throws IOException {
        Files.writeString(dir.resolve(file), "{\"ClientHost\":\"" + client + "\",\"DownstreamStatus\":200,"
                + "\"OriginStatus\":200,\"RouterName\":\"r@docker\",\"Duration\":2000000,\"RequestMethod\":\"GET\","
                + "\"RequestPath\":\"/p\",\"RequestHost\":\"h\",\"ServiceName\":\"" + service + "@docker\","
                + "\"ServiceURL\":\"http://172.25.0.50:80\"}\n", StandardOpenOption.APPEND);
    }

    private static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + millis + " ms for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aRealAlertmanagerDeliversTheFiringAndTheResolvedAlertToItsReceiver() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(ALERTMANAGER)),
                ALERTMANAGER + " is not installed (scripts/test installs Debian's prometheus-alertmanager)");
        try (HookReceiver receiver = new HookReceiver()) {
            int port = freePort();
            Path amDir = Files.createDirectories(dir.resolve("alertmanager"));
            Files.writeString(amDir.resolve("alertmanager.yml"), """
                    route:
                      receiver: hook
                      group_by: [alertname]
                      group_wait: 1s
                      group_interval: 1s
                      repeat_interval: 1h
                    receivers:
                      - name: hook
                        webhook_configs:
                          - url: %s
                            send_resolved: true
                    """.formatted(receiver.url("/from-alertmanager")));
            alertmanager = new ProcessBuilder(ALERTMANAGER, "--config.file=" + amDir.resolve("alertmanager.yml"),
                    "--storage.path=" + amDir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
            HttpClient http = HttpClient.newHttpClient();
            await("Alertmanager ready", 30_000, () -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            startTrafficviz("""
                    alerts:
                      pageUrl: http://trafficviz.example:8082/
                      rules:
                        - {name: outsider-on-private, kind: outsider, severity: critical, scope: {proxy: private-proxy},
                           window: 3s, minInterval: 0s}
                      sinks:
                        - {name: am, type: alertmanager, url: "http://127.0.0.1:%d"}
                    """.formatted(port));
            request("priv.log", "203.0.113.7", "billing");

            await("the firing alert through Alertmanager", 20_000, () -> receiver.received().stream()
                    .anyMatch(r -> r.body().contains("\"status\":\"firing\"")));
            JsonNode firing = JSON.readTree(receiver.received().get(0).body());
            JsonNode alert = firing.path("alerts").get(0);
            assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("outsider-on-private");
            assertThat(alert.path("labels").path("severity").asText()).isEqualTo("critical");
            assertThat(alert.path("labels").path("caller").asText()).isEqualTo("external:server-a/priv-net");
            assertThat(alert.path("labels").path("target").asText()).isEqualTo("service:server-a/billing");
            assertThat(alert.path("annotations").path("summary").asText())
                    .contains("called private proxy server-a/private-proxy");
            assertThat(alert.path("generatorURL").asText())
                    .isEqualTo("http://trafficviz.example:8082/?sel=external%3Aserver-a%2Fpriv-net");

            // three seconds without another: resolved, and Alertmanager says so
            await("the resolved alert through Alertmanager", 30_000, () -> receiver.received().stream()
                    .anyMatch(r -> r.body().contains("\"status\":\"resolved\"")));
            assertThat(metrics()).contains("trafficviz_alert_notifications_total{sink=\"am\",type=\"alertmanager\"} 2")
                    .contains("trafficviz_alert_sink_dropped_total{sink=\"am\"} 0");
        }
    }

    @Test
    void aWebhookThatFailsThenRecoversGetsTheAlertOnce_andTheCountsSaySo() throws Exception {
        try (HookReceiver receiver = new HookReceiver()) {
            receiver.failFirst.set(3);
            startTrafficviz("""
                    alerts:
                      rules:
                        - {name: outsider, kind: outsider, scope: {proxy: private-proxy}, window: 1h}
                      sinks:
                        - {name: hook, type: webhook, url: "%s"}
                    """.formatted(receiver.url("/hook")));
            long started = System.nanoTime();
            request("priv.log", "203.0.113.7", "billing");
            await("delivery once the receiver is back", 20_000, () -> !receiver.received().isEmpty());
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            // three refusals, retried after 0.5 s, 1 s and 2 s
            assertThat(tookMillis).isGreaterThanOrEqualTo(3_500);
            Thread.sleep(1_000);
            assertThat(receiver.received()).hasSize(1);
            assertThat(receiver.refused.get()).isEqualTo(3);
            JsonNode body = JSON.readTree(receiver.received().get(0).body());
            assertThat(body.path("status").asText()).isEqualTo("firing");
            assertThat(body.path("rule").asText()).isEqualTo("outsider");
            assertThat(body.path("caller").asText()).isEqualTo("external:server-a/priv-net");
            assertThat(body.path("endsAt").isNull()).isTrue();
            assertThat(metrics()).contains("trafficviz_alert_notifications_total{sink=\"hook\",type=\"webhook\"} 1")
                    .contains("trafficviz_alert_sink_failures_total{sink=\"hook\"} 3")
                    .contains("trafficviz_alert_sink_dropped_total{sink=\"hook\"} 0")
                    .contains("trafficviz_alerts_firing{rule=\"outsider\"} 1");
        }
    }

    @Test
    void aDeadSinkFillsOnlyItsOwnQueue_andTheOthersGetEveryAlertAtOnce() throws Exception {
        try (HookReceiver receiver = new HookReceiver()) {
            int dead = freePort(); // nobody listens there
            startTrafficviz("""
                    alerts:
                      rules:
                        - {name: edge, kind: newEdge, minInterval: 0s}
                      sinks:
                        - {name: dead, type: webhook, url: "http://127.0.0.1:%d/", queue: 1}
                        - {name: slack, type: slack, url: "%s"}
                        - {name: discord, type: discord, url: "%s"}
                        - {name: ntfy, type: ntfy, url: "%s"}
                    """.formatted(dead, receiver.url("/slack"), receiver.url("/discord"), receiver.url("/ntfy")));
            long started = System.nanoTime();
            request("pub.log", "203.0.113.8", "shop");
            request("pub.log", "203.0.113.8", "cart");
            request("pub.log", "203.0.113.8", "<!channel>&co");
            await("three alerts at each live sink", 10_000, () -> receiver.received().size() == 9);
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);

            List<HookReceiver.Received> got = receiver.received();
            String slack = got.stream().filter(r -> r.path().equals("/slack") && r.body().contains("channel")).findFirst()
                    .orElseThrow().body();
            assertThat(JSON.readTree(slack).path("text").asText()).startsWith("[FIRING:warning] edge: new edge ")
                    .contains("service:server-a/&lt;!channel&gt;&amp;co").doesNotContain("<!channel>");
            JsonNode discord = JSON.readTree(got.stream().filter(r -> r.path().equals("/discord")).findFirst()
                    .orElseThrow().body());
            assertThat(discord.path("content").asText()).startsWith("[FIRING:warning] edge: new edge ");
            assertThat(discord.path("allowed_mentions").path("parse").isArray()).isTrue();
            assertThat(discord.path("allowed_mentions").path("parse")).isEmpty();
            HookReceiver.Received ntfy = got.stream().filter(r -> r.path().equals("/ntfy")).findFirst().orElseThrow();
            assertThat(ntfy.headers().get("Title")).containsExactly("[FIRING:warning] edge");
            assertThat(ntfy.headers().get("Priority")).containsExactly("4");
            assertThat(ntfy.body()).startsWith("new edge external:server-a/pub-net -> service:server-a/");

            // the dead sink holds one in its retries and at most one in its queue of one; the rest were dropped, and
            // said: one dropped and one queued when its thread took the first before the others came, two dropped
            // and none queued when the three came in one look of the engine
            String m = metrics();
            assertThat(m).contains("trafficviz_alert_notifications_total{sink=\"dead\",type=\"webhook\"} 0")
                    .contains("trafficviz_alert_notifications_total{sink=\"slack\",type=\"slack\"} 3");
            assertThat(metricValue(m, "trafficviz_alert_sink_dropped_total{sink=\"dead\"}")
                    + metricValue(m, "trafficviz_alert_sink_queued{sink=\"dead\"}")).as(m).isEqualTo(2);
        }
    }

    private static long metricValue(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Long.parseLong(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in " + metrics);
    }
}
