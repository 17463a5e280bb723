package io.trafficviz.app;

import io.trafficviz.discovery.DiscoveryPoller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker that dies of an Error is not silent: /health names it and the process exits. Before, the tailer, the live
 * flusher and the discovery poller caught only RuntimeException, and the executors kept an Error in a future nobody
 * read: the graph froze while /health said ok.
 */
class WorkersTest {
    private Thread.UncaughtExceptionHandler previous;
    private final BlockingQueue<Integer> exits = new ArrayBlockingQueue<>(4);

    @BeforeEach
    void keepTheJvmsHandler() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
    }

    @AfterEach
    void restoreTheJvmsHandler() {
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }

    @Test
    void aThreadDyingOfAnErrorMakesHealthFailNamingItAndTheProcessExit() throws Exception {
        Workers workers = Workers.supervise(200, exits::add);
        assertThat(workers.health(true)).containsEntry("status", "ok");
        Thread tailer = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, "tail:/var/log/traefik/access.log");
        tailer.start();
        tailer.join();
        Map<String, Object> health = workers.health(true);
        assertThat(health).containsEntry("status", "failed");
        assertThat(health.get("deadWorkers").toString()).contains("tail:/var/log/traefik/access.log")
                .contains("OutOfMemoryError");
        assertThat(exits.poll(5, TimeUnit.SECONDS)).isEqualTo(Workers.EXIT_STATUS);
    }

    @Test
    void discoveryDyingOfAnErrorIsHeardThoughItsExecutorWouldKeepIt(@TempDir Path dir) throws Exception {
        Workers workers = Workers.supervise(60_000, exits::add);
        Path dynamic = dir.resolve("dynamic.yml");
        Files.writeString(dynamic, """
                http:
                  routers:
                    web:
                      rule: "PathPrefix(`/`)"
                      service: web
                  services:
                    web:
                      loadBalancer:
                        servers:
                          - url: "http://10.0.0.5:8080"
                """);
        try (DiscoveryPoller poller = new DiscoveryPoller("server/proxy", null, dynamic, Duration.ofMillis(50),
                inventory -> {
                    throw new OutOfMemoryError("Java heap space");
                })) {
            poller.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (workers.dead().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(workers.dead()).containsKey("trafficviz-discovery-server/proxy");
        assertThat(workers.health(true)).containsEntry("status", "failed");
    }

    @Test
    void unsupervisedAppsReportTheTailersVerdictOnly() {
        Workers workers = Workers.unsupervised();
        assertThat(workers.health(true)).isEqualTo(Map.of("status", "ok"));
        assertThat(workers.health(false)).isEqualTo(Map.of("status", "degraded"));
    }
}
