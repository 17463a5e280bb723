package io.trafficviz.publish.http;

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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serviceGraph.metrics}: a real Prometheus (Debian's) scrapes trafficviz's {@code /metrics}, and a query
 * through its HTTP API returns Tempo's service-graph series for the edge with the requests the log held.
 */
class ServiceGraphMetricsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EDGE = "client=\"external:server-a/pub-net\",server=\"service:server-a/shop\"";

    @TempDir
    Path dir;
    private TrafficvizApp app;
    private Process prometheus;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String line(int status, long millis) {
        return "{\"ClientHost\":\"203.0.113.8\",\"DownstreamStatus\":" + status + ",\"OriginStatus\":" + status
                + ",\"RouterName\":\"r@docker\",\"Duration\":" + millis * 1_000_000 + ",\"RequestMethod\":\"GET\","
                + "\"RequestPath\":\"/p\",\"RequestHost\":\"h\",\"ServiceName\":\"shop@docker\","
                + "\"ServiceURL\":\"http://172.25.0.50:80\"}\n";
    }

    private double query(int port, String promql) throws Exception {
        String url = "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        JsonNode body = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        JsonNode result = body.path("data").path("result");
        return result.isEmpty() ? Double.NaN : result.get(0).path("value").get(1).asDouble();
    }

    @Test
    void aRealPrometheusScrapesTempoNamedSeriesWithTheEdgesCounts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prometheus")),
                "/usr/bin/prometheus is not installed (scripts/test installs Debian's prometheus)");
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 27; i++) {
            log.append(line(200, 50));
        }
        for (int i = 0; i < 3; i++) {
            log.append(line(502, 900));
        }
        Files.writeString(dir.resolve("pub.log"), log);
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                startAt: beginning
                stateDir: state
                serviceGraph: {metrics: true}
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: pub-net, accessLog: pub.log}
                """, dir));

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s}
                scrape_configs:
                  - job_name: trafficviz
                    static_configs: [{targets: ["127.0.0.1:%d"]}]
                """.formatted(app.port()));
        List<String> command = new ArrayList<>(List.of("/usr/bin/prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port));
        prometheus = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();

        long deadline = System.nanoTime() + 60_000_000_000L;
        double total = Double.NaN;
        while (System.nanoTime() < deadline) {
            try {
                total = query(port, "traces_service_graph_request_total{" + EDGE + "}");
            } catch (IOException e) {
                total = Double.NaN; // not up yet
            }
            if (total == 30) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(total).as("requests on the edge, from Prometheus (see %s)", dir.resolve("prometheus.log"))
                .isEqualTo(30);
        assertThat(query(port, "traces_service_graph_request_failed_total{" + EDGE + "}")).isEqualTo(3);
        assertThat(query(port, "traces_service_graph_request_server_seconds_bucket{" + EDGE + ",le=\"0.1\"}"))
                .isEqualTo(27);
        assertThat(query(port, "traces_service_graph_request_server_seconds_bucket{" + EDGE + ",le=\"0.8\"}"))
                .isEqualTo(27);
        assertThat(query(port, "traces_service_graph_request_server_seconds_bucket{" + EDGE + ",le=\"1.6\"}"))
                .isEqualTo(30);
        assertThat(query(port, "traces_service_graph_request_server_seconds_count{" + EDGE + "}")).isEqualTo(30);
        // 27 x 50 ms + 3 x 900 ms = 4.05 s, each duration as the middle of a bucket under 1 % wide
        assertThat(query(port, "traces_service_graph_request_server_seconds_sum{" + EDGE + "}"))
                .isCloseTo(4.05, org.assertj.core.data.Offset.offset(0.04));
        // the proxy answered nobody itself here: the only edge is the caller's
        assertThat(query(port, "count(traces_service_graph_request_total)")).isEqualTo(1);
    }

    @Test
    void offByDefault() throws Exception {
        Files.writeString(dir.resolve("pub.log"), line(200, 50));
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                startAt: beginning
                stateDir: state
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: pub-net, accessLog: pub.log}
                """, dir));
        String metrics = "";
        for (int i = 0; i < 100 && !metrics.contains("trafficviz_ingest_lines_total 1"); i++) {
            Thread.sleep(100);
            metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
        assertThat(metrics).contains("trafficviz_ingest_lines_total 1").doesNotContain("traces_service_graph");
    }
}
