package io.trafficviz.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.dev.sim.ConceptSimulation;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real serve whose worker thread dies of an Error: /health answers 503 naming it, and the process exits with
 * {@link Workers#EXIT_STATUS} so a supervisor restarts it. Before, the tailer, the live flusher and the discovery
 * poller stopped for good while /health kept saying {"status":"ok"}. The alert engine and its sinks are workers too.
 */
class WorkerDeathIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tail:", "live-hub-flush", "trafficviz-discovery-", "alert-engine", "alert-sink-"})
    void aDeadWorkerMakesHealth503NamingItAndTheProcessExit(String worker) throws Exception {
        try (ConceptSimulation sim = new ConceptSimulation(dir, 3)) {
            Path config = dir.resolve("trafficviz.yml");
            // The alert threads run only with rules and a sink (one nobody listens on: its thread is then retrying).
            Files.writeString(config, sim.trafficvizConfig("127.0.0.1:0") + """

                    alerts:
                      rules:
                        - {name: outsider, kind: outsider}
                      sinks:
                        - {name: nowhere, type: webhook, url: "http://127.0.0.1:9/"}
                    """);
            Path trigger = dir.resolve("kill");
            try (ServeProcess serve = ServeProcess.start(config, List.of("-Xmx256m",
                    "-javaagent:" + agentJar() + "=" + trigger))) {
                assertThat(health(serve).statusCode()).isEqualTo(200);
                assertThat(http.send(HttpRequest.newBuilder(URI.create(serve.base() + "/health/live")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                Files.writeString(dir.resolve("kill.tmp"), worker);
                Files.move(dir.resolve("kill.tmp"), trigger);

                HttpResponse<String> health = awaitHealth(serve, 503);
                JsonNode doc = JSON.readTree(health.body());
                assertThat(doc.path("status").asText()).isEqualTo("failed");
                assertThat(doc.path("deadWorkers").fieldNames()).toIterable().anyMatch(n -> n.startsWith(worker));
                // the liveness probe fails too: a supervisor should restart this one
                HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(serve.base() + "/health/live"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(live.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("failed");
                assertThat(serve.process().waitFor(20, TimeUnit.SECONDS)).as(serve.output()).isTrue();
                assertThat(serve.process().exitValue()).as(serve.output()).isEqualTo(Workers.EXIT_STATUS);
                assertThat(serve.output()).contains("worker " + worker).contains("exiting with status 70");
            }
        }
    }

    private HttpResponse<String> health(ServeProcess serve) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(serve.base() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> awaitHealth(ServeProcess serve, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> r = health(serve);
        while (r.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
            r = health(serve);
        }
        assertThat(r.statusCode()).as(r.body() + "\n" + serve.output()).isEqualTo(status);
        return r;
    }

    private Path agentJar() throws Exception {
        Path jar = dir.resolve("worker-killer.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", WorkerKillerAgent.class.getName());
        String entry = WorkerKillerAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = WorkerKillerAgent.class.getResourceAsStream("/" + entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
