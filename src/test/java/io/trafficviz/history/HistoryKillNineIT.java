package io.trafficviz.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} with history, killed with SIGKILL while a log is written at 2,000 lines/s, restarted 2 s later: the
 * second run's graph counts every line written, once (the first run's requests restored from the store, the rest read
 * from where the store's requests end), and a window over all of it counts the same.
 */
class HistoryKillNineIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aKilledServe_comesBackWithEveryLineCountedOnce() throws Exception {
        Path log = dir.resolve("access.log");
        Files.createFile(log);
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, """
                stateDir: state
                servers:
                  - name: edge
                    proxies:
                      - {name: traefik, role: public, accessLog: access.log, format: json}
                """);
        AtomicLong written = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(log, written, writing), "test-writer");

        int port1 = freePort();
        Process first = serve(config, port1);
        long seenByFirst;
        try {
            awaitLines(port1, 0);
            writer.start();
            Thread.sleep(3000);
            seenByFirst = lines(port1);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush of the store's queue
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            first.destroyForcibly();
        }
        long writtenAtKill = written.get();
        Thread.sleep(2000);

        int port2 = freePort();
        Process second = serve(config, port2);
        try {
            awaitLines(port2, 0);
            long atFirstLook = lines(port2); // restored requests, and whatever was read since
            Thread.sleep(1000);
            writing.set(false);
            writer.join();
            long total = written.get();
            awaitLines(port2, total);
            Thread.sleep(1000); // anything counted twice would show up by now
            long counted = lines(port2);
            JsonNode window = get(port2, "/network_info?from=0&to=4102444800000");
            System.out.printf(Locale.ROOT, "kill -9 with history: %d lines written (%d at the kill), first run counted"
                    + " %d, second run counted %d at its first answer and %d in all; a window of everything counts %d%n",
                    total, writtenAtKill, seenByFirst, atFirstLook, counted, window.path("ingest").path("lines").asLong());
            assertThat(atFirstLook).as("the first run's requests came back from the store")
                    .isGreaterThanOrEqualTo(seenByFirst / 2);
            assertThat(counted).as("every line counted once").isEqualTo(total);
            assertThat(window.path("ingest").path("lines").asLong()).as("and stored once").isEqualTo(total);
            assertThat(window.path("history").path("dropped").asLong()).isZero();
        } finally {
            second.destroyForcibly();
            second.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process serve(Path config, int port) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.trafficviz.Main",
                "serve", "--config", config.toString(), "--listen", "127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve-" + port + ".out").toFile())
                .start();
    }

    private static void write(Path log, AtomicLong written, AtomicBoolean writing) {
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
            long start = System.nanoTime();
            while (writing.get()) {
                long due = (System.nanoTime() - start) * 2000 / 1_000_000_000L;
                for (long n = written.get(); n < due; n++) {
                    out.write(String.format(Locale.ROOT, "{\"ClientHost\":\"10.0.0.1\",\"RequestPath\":\"/items/%07d\","
                            + "\"DownstreamStatus\":200}%n", n).getBytes());
                    written.incrementAndGet();
                }
                out.flush();
                Thread.sleep(1);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The graph's line count: restored requests included. */
    private long lines(int port) throws IOException, InterruptedException {
        return get(port, "/network_info").path("ingest").path("lines").asLong();
    }

    private void awaitLines(int port, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (lines(port) >= atLeast) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("serve on port " + port + " did not reach " + atLeast + " lines");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
