package io.trafficviz.app;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} with no {@code stateDir}, killed with SIGKILL while a log is being written at 2,000 lines/s, restarted
 * 2 s later: the second run resumes exactly where the first one's default offset store says, so every line written
 * while it was down is read (before the default existed, it started at the end and lost them all).
 */
class KillNineDefaultStateDirIT {
    private static final int LINE_BYTES = 100;
    private static final Pattern LINES = Pattern.compile("(?m)^trafficviz_source_lines_total\\{[^}]*} (\\d+)$");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aKilledServeLosesNoLineWithTheDefaultStateDir() throws Exception {
        Path log = dir.resolve("access.log");
        Files.createFile(log);
        Path state = dir.resolve("state");
        Path config = dir.resolve("trafficviz.yml");
        // Without history: with it, the store's offsets (where its requests end) decide where reading resumes
        // (HistoryKillNineIT); this is the offset file's own guarantee.
        Files.writeString(config, """
                servers:
                  - name: edge
                    proxies:
                      - {name: traefik, role: public, accessLog: access.log, format: json}
                history: {enabled: false}
                """);
        AtomicLong written = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(log, written, writing), "test-writer");

        int port1 = freePort();
        Process first = serve(config, state, port1);
        long seenByFirst;
        try {
            awaitLines(port1, 0);
            writer.start();
            Thread.sleep(3000);
            seenByFirst = lines(port1);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no last save
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            first.destroyForcibly();
        }
        long writtenAtKill = written.get();
        Thread.sleep(2000); // down, while the writer goes on

        List<Path> stores;
        try (Stream<Path> files = Files.list(state.resolve("trafficviz"))) {
            stores = files.filter(f -> f.getFileName().toString().matches("offsets-[0-9a-f]{12}\\.json")).toList();
        }
        assertThat(stores).as("the default offset store").hasSize(1);
        long storedOffset = storedOffset(Files.readString(stores.get(0)));
        assertThat(storedOffset % LINE_BYTES).isZero();
        long storedLines = storedOffset / LINE_BYTES;

        int port2 = freePort();
        Process second = serve(config, state, port2);
        try {
            awaitLines(port2, 0);
            Thread.sleep(1000);
            writing.set(false);
            writer.join();
            long total = written.get();
            long expected = total - storedLines;
            awaitLines(port2, expected);
            Thread.sleep(500);
            long seenBySecond = lines(port2);
            System.out.printf(Locale.ROOT, "kill -9 with the default stateDir: %d lines written (%d at the kill),"
                            + " first run read %d, stored offset at line %d, second run read %d: lost %d, read twice %d%n",
                    total, writtenAtKill, seenByFirst, storedLines, seenBySecond,
                    Math.max(0, total - storedLines - seenBySecond), Math.max(0, seenByFirst - storedLines));
            assertThat(storedLines).as("offsets were saved while running").isPositive();
            assertThat(seenBySecond).as("the second run resumes at the stored offset: nothing lost, nothing more")
                    .isEqualTo(expected);
            assertThat(total - writtenAtKill).as("lines were written while it was down").isPositive();
        } finally {
            second.destroyForcibly();
            second.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process serve(Path config, Path stateHome, int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.trafficviz.Main",
                "serve", "--config", config.toString(), "--listen", "127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve-" + port + ".out").toFile());
        pb.environment().put("XDG_STATE_HOME", stateHome.toString());
        return pb.start();
    }

    private static void write(Path log, AtomicLong written, AtomicBoolean writing) {
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
            long start = System.nanoTime();
            while (writing.get()) {
                long due = (System.nanoTime() - start) * 2000 / 1_000_000_000L;
                for (long n = written.get(); n < due; n++) {
                    out.write(line(n));
                    written.incrementAndGet();
                }
                out.flush();
                Thread.sleep(1);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Traefik JSON line padded to exactly {@link #LINE_BYTES}, so an offset tells the line number. */
    private static byte[] line(long n) {
        String head = String.format(Locale.ROOT, "{\"ClientHost\":\"10.0.0.1\",\"RequestPath\":\"/items/%07d\","
                + "\"DownstreamStatus\":200,\"pad\":\"", n);
        String tail = "\"}\n";
        return (head + "x".repeat(LINE_BYTES - head.length() - tail.length()) + tail).getBytes();
    }

    private static long storedOffset(String json) {
        Matcher m = Pattern.compile("\"offset\"\\s*:\\s*(\\d+)").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return Long.parseLong(m.group(1));
    }

    private long lines(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = LINES.matcher(r.body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
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
