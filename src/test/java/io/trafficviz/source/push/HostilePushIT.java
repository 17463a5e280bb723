package io.trafficviz.source.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.trafficviz.app.ServeProcess;
import io.trafficviz.dev.sim.ConceptSimulation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static io.trafficviz.source.push.IntakeTestSupport.HTTP;
import static io.trafficviz.source.push.IntakeTestSupport.get;
import static io.trafficviz.source.push.IntakeTestSupport.source;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile pushes of issue 14 against a real serve at -Xmx256m: 10 MB of 5 M tiny lines, a 10 MB JSON array of
 * {}, a 10 MB OTLP body of empty records and a 100 MiB body, four at once, twice. Before, each of the first three
 * answered 500 with OutOfMemoryError, and the error then killed the tailer and the live stream while /health said ok.
 */
class HostilePushIT {
    private static final String PUSH = "/ingest?server=" + ConceptSimulation.SERVER + "&proxy=public-proxy";
    @TempDir
    Path dir;
    private ConceptSimulation sim;
    private ServeProcess serve;

    @BeforeEach
    void start() throws Exception {
        sim = new ConceptSimulation(dir, 5);
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, sim.trafficvizConfig("127.0.0.1:0") + "ingest:\n  maxBodyBytes: 268435456\n");
        serve = ServeProcess.start(config, List.of("-Xmx256m"));
    }

    @AfterEach
    void stop() throws Exception {
        serve.close();
        sim.close();
    }

    @Test
    void hostilePushesLeaveItHealthyTailingAndLive() throws Exception {
        Entries live = new Entries();
        HTTP.newWebSocketBuilder().buildAsync(URI.create(serve.base().replace("http", "ws") + "/access_logs"), live)
                .join();
        String line = IntakeTestSupport.fixture("public-proxy-access.json.log", 1).get(0);
        byte[] big = HostileBodies.repeatedLine(line, 100);
        List<byte[]> bodies = List.of(HostileBodies.tinyLines(), HostileBodies.arrayOfEmptyObjects(),
                HostileBodies.otlpOfEmptyRecords("public-proxy"), big);
        List<String> paths = List.of(PUSH, PUSH, "/v1/logs", PUSH);
        List<String> types = List.of("text/plain", "application/json", "application/x-protobuf", "text/plain");
        long bigLines = HostileBodies.lineCount(big);
        for (int round = 0; round < 2; round++) {
            List<CompletableFuture<HttpResponse<String>>> pushes = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                pushes.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(serve.base() + paths.get(i)))
                        .header("Content-Type", types.get(i))
                        .timeout(java.time.Duration.ofMinutes(3))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < pushes.size(); i++) {
                HttpResponse<String> r = pushes.get(i).get(4, TimeUnit.MINUTES);
                // 200, or 503 with Retry-After when ingest is behind: never a 500 nor an OutOfMemoryError.
                assertThat(r.statusCode()).as(paths.get(i) + " " + r.body()).isIn(200, 503);
                if (r.statusCode() == 503) {
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                } else if (i == 3) {
                    assertThat(IntakeTestSupport.JSON.readTree(r.body()).path("accepted").asLong()).isEqualTo(bigLines);
                }
            }
        }
        assertThat(serve.output()).doesNotContain("OutOfMemoryError");
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(serve.base() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);

        // The tailer still tails, and the live stream still streams what it reads.
        String tailed = sim.publicLogPath().toString();
        long before = source(get(serve.base() + "/network_info"), tailed).path("lines").asLong();
        long entriesBefore = live.entries.get();
        for (int i = 0; i < 5; i++) {
            sim.userRequest(System.currentTimeMillis());
        }
        await(() -> linesOf(tailed) >= before + 5, "the tailer reads new lines after the pushes");
        await(() -> live.entries.get() >= entriesBefore + 5, "the live stream carries them");
    }

    @Test
    void slowPushesAreCutAndHoldNoSlotOthersNeed() throws Exception {
        String line = IntakeTestSupport.fixture("public-proxy-access.json.log", 1).get(0);
        List<Trickle> trickles = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            trickles.add(new Trickle(serve.base(), PUSH));
        }
        Thread.sleep(1_000);
        long start = System.nanoTime();
        HttpResponse<String> normal = IntakeTestSupport.post(serve.base() + PUSH, IntakeTestSupport.utf8(line));
        assertThat(normal.statusCode()).as(normal.body()).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);
        for (Trickle t : trickles) {
            assertThat(t.status.get(30, TimeUnit.SECONDS)).startsWith("HTTP/1.1 408");
        }
    }

    /** A push whose body comes a byte every two seconds. */
    private static final class Trickle {
        final CompletableFuture<String> status = new CompletableFuture<>();

        Trickle(String base, String path) throws Exception {
            URI uri = URI.create(base);
            Socket socket = new Socket(uri.getHost(), uri.getPort());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + uri.getAuthority() + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 1000 && !status.isDone(); i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(2_000);
                    }
                } catch (Exception e) {
                    // the server closed it: the reader has the answer
                }
            });
            writer.setDaemon(true);
            writer.start();
            Thread reader = new Thread(() -> {
                try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII))) {
                    status.complete(String.valueOf(in.readLine()));
                } catch (Exception e) {
                    status.complete("failed: " + e);
                }
            });
            reader.setDaemon(true);
            reader.start();
        }
    }

    private long linesOf(String origin) {
        try {
            return source(get(serve.base() + "/network_info"), origin).path("lines").asLong();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what + "\n" + serve.output());
            }
            Thread.sleep(50);
        }
    }

    /** Counts access-log entries on the live stream. */
    private static final class Entries implements WebSocket.Listener {
        final AtomicLong entries = new AtomicLong();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = IntakeTestSupport.JSON.readTree(partial.toString());
                    entries.addAndGet(m.path("entries").size());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
