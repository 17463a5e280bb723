package io.trafficviz.publish;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.dev.sim.ConceptSimulation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and idle peers against a real server over real sockets, in real time (issue 14, items 5 and 7): a WebSocket
 * client that stops reading, idle and slowloris connections, trickled push bodies, many connections from one address,
 * and a quiet WebSocket that must stay open. Each test prints the figures docs/security.md quotes.
 */
class SlowPeersIT {
    private static final int MAX_PER_ADDRESS = 10;
    @TempDir
    Path dir;
    private ConceptSimulation sim;
    private TrafficvizApp app;
    private int port;
    private final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        sim = new ConceptSimulation(dir, 5);
        String config = sim.trafficvizConfig("127.0.0.1:0") + "http:\n  maxConnectionsPerAddress: " + MAX_PER_ADDRESS
                + "\n";
        app = TrafficvizApp.start(ConfigLoader.parse(config, dir));
        port = app.port();
    }

    @AfterEach
    void stop() throws Exception {
        background.shutdownNow();
        app.close();
        sim.close();
    }

    @Test
    void aWebSocketClientThatStopsReadingIsCutOffWithinTenSecondsHoldingLittle() throws Exception {
        Socket stalled = new Socket("127.0.0.1", port);
        stalled.setReceiveBufferSize(64 * 1024);
        upgrade(stalled, "/access_logs");
        long connected = System.nanoTime();
        // A healthy client beside it gets the same messages: the largest is what the stalled one may have in flight.
        AtomicLong largestMessage = new AtomicLong();
        WebSocket healthy = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/access_logs"), new WebSocket.Listener() {
                    private long length;

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        length += data.length();
                        if (last) {
                            largestMessage.accumulateAndGet(length, Math::max);
                            length = 0;
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).join();
        AtomicBoolean traffic = new AtomicBoolean(true);
        Future<?> load = background.submit(() -> {
            while (traffic.get()) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < 10; i++) {
                    sim.userRequest(now);
                }
                Thread.sleep(5);
            }
            return null;
        });
        String serverSide = "sport = :" + port + " and dport = :" + stalled.getLocalPort();
        long maxSendQueue = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (app.hub().stats().slowDisconnects() == 0 && System.nanoTime() < deadline) {
            maxSendQueue = Math.max(maxSendQueue, sendQueue(serverSide));
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - connected) / 1e9;
        traffic.set(false);
        load.get();
        assertThat(app.hub().stats().slowDisconnects()).as("the stalled client was disconnected").isEqualTo(1);
        long delivered = drain(stalled);
        healthy.abort();
        System.out.printf("stalled WebSocket client: cut off %.1f s after it stopped reading; server send queue at most "
                + "%d bytes; messages of at most %d bytes (of which 256 KiB may be queued); %d bytes were waiting in the two "
                + "sockets; %d lines ingested meanwhile%n", seconds, maxSendQueue, largestMessage.get(), delivered,
                app.ingest().totals().lines());
        // The buffers fill within a second at this rate; then the stall is found within STALL_MILLIS + a sweep.
        assertThat(seconds).isLessThan(10.5);
        assertThat(maxSendQueue).isLessThanOrEqualTo(256 * 1024);
        // Bursts go out in messages of ~64 KiB, of which a busy client keeps at most 256 KiB (LiveHubTest).
        assertThat(largestMessage.get()).isLessThanOrEqualTo(80 * 1024);
        assertThat(app.ingest().totals().lines()).as("ingest went on").isGreaterThan(1_000);
    }

    @Test
    void aBurstOfLongNewNodes_reachesGraphClientsInMessagesOfAtMost64KiB_andAStalledOneIsCutOff() throws Exception {
        Socket stalled = new Socket("127.0.0.1", port);
        stalled.setReceiveBufferSize(64 * 1024);
        upgrade(stalled, "/ws/graph");
        AtomicLong largestMessage = new AtomicLong();
        AtomicLong messages = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        WebSocket healthy = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/ws/graph"), new WebSocket.Listener() {
                    private long length;

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        length += data.length(); // the stream's JSON is ASCII here: characters are bytes
                        if (last) {
                            largestMessage.accumulateAndGet(length, Math::max);
                            messages.incrementAndGet();
                            bytes.addAndGet(length);
                            length = 0;
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).join();
        // An attacker's burst: 3,000 new services and callers, each name and path 2 KiB, in one graph batch.
        String longText = "x".repeat(2_048);
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            burst.append("{\"ClientHost\":\"10.8.").append(i >> 8).append('.').append(i & 255)
                    .append("\",\"DownstreamStatus\":200,\"OriginStatus\":200,\"Duration\":1000000,")
                    .append("\"RequestMethod\":\"GET\",\"RequestPath\":\"/").append(i).append(longText)
                    .append("\",\"RequestHost\":\"shop.example\",\"ServiceName\":\"svc-").append(i).append('-')
                    .append(longText).append("@file\",\"ServiceURL\":\"http://127.0.0.9:80\",\"RouterName\":\"r@file\",")
                    .append("\"StartUTC\":\"2025-07-15T13:14:33.5Z\"}\n");
        }
        long burstAt = System.nanoTime();
        java.nio.file.Files.writeString(sim.privateLogPath(), burst, java.nio.file.StandardOpenOption.APPEND);
        String serverSide = "sport = :" + port + " and dport = :" + stalled.getLocalPort();
        long maxSendQueue = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (app.hub().stats().slowDisconnects() == 0 && System.nanoTime() < deadline) {
            maxSendQueue = Math.max(maxSendQueue, sendQueue(serverSide));
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - burstAt) / 1e9;
        assertThat(app.hub().stats().slowDisconnects()).as("the stalled graph client was disconnected").isEqualTo(1);
        Thread.sleep(3_000); // the healthy client catches up meanwhile
        drain(stalled);
        healthy.abort();
        System.out.printf("/ws/graph, a burst of 3,000 new services with 2 KiB names and paths: stalled client cut off "
                + "%.1f s after the burst; server send queue at most %d bytes; a reading client got %d messages, %d bytes, "
                + "the largest %d bytes%n", seconds, maxSendQueue, messages.get(), bytes.get(), largestMessage.get());
        assertThat(seconds).isLessThan(10.5);
        assertThat(maxSendQueue).isLessThanOrEqualTo(256 * 1024);
        assertThat(largestMessage.get()).isLessThanOrEqualTo(64 * 1024);
        assertThat(bytes.get()).as("every name and path reached the reading client").isGreaterThan(3_000 * 2_048L * 2);
    }

    @Test
    void idleAndSlowlorisConnectionsAreClosed() throws Exception {
        Socket idle = new Socket("127.0.0.1", port);
        Socket slowloris = new Socket("127.0.0.1", port);
        long opened = System.nanoTime();
        Future<Double> dripped = background.submit(() -> {
            OutputStream out = slowloris.getOutputStream();
            out.write("GET /network_info HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            try {
                for (int i = 0; i < 30; i++) {
                    out.write('X');
                    out.flush();
                    Thread.sleep(2_000);
                }
            } catch (SocketException closed) {
                return (System.nanoTime() - opened) / 1e9;
            }
            return -1.0;
        });
        double idleClosed = secondsUntilClosed(idle, opened, 20);
        double slowClosed = secondsUntilClosed(slowloris, opened, 20);
        System.out.printf("idle connection closed after %.1f s, slowloris headers (a byte every 2 s) after %.1f s%n",
                idleClosed, slowClosed);
        assertThat(idleClosed).isBetween(9.0, 12.0);
        assertThat(slowClosed).isBetween(9.0, 12.0);
        dripped.cancel(true);
    }

    @Test
    void aPushTricklingItsBodyIsCutOffAndHoldsNoSlotOthersNeed() throws Exception {
        List<Future<String>> slow = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            slow.add(background.submit(() -> tricklePush(started)));
        }
        Thread.sleep(1_500); // the four are inside the route, reading
        String line = "{\"ClientHost\":\"10.0.0.1\",\"RequestMethod\":\"GET\",\"RequestPath\":\"/\","
                + "\"DownstreamStatus\":200,\"Duration\":1000,\"time\":\"2026-01-01T00:00:00Z\"}\n";
        long before = System.nanoTime();
        HttpResponse<String> quick = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/ingest?server=server-a&proxy=public-proxy"))
                .POST(HttpRequest.BodyPublishers.ofString(line)).build(), HttpResponse.BodyHandlers.ofString());
        double quickSeconds = (System.nanoTime() - before) / 1e9;
        List<String> outcomes = new ArrayList<>();
        for (Future<String> f : slow) {
            outcomes.add(f.get());
        }
        System.out.printf("a normal push beside 4 trickling ones: %d in %.2f s; the trickling ones: %s%n",
                quick.statusCode(), quickSeconds, outcomes);
        assertThat(quick.statusCode()).as(quick.body()).isEqualTo(200);
        assertThat(quickSeconds).isLessThan(3.0);
        assertThat(outcomes).allSatisfy(o -> assertThat(o).matches("(408 .*|cut) after [0-9] s"));
    }

    @Test
    void connectionsPerAddressAreCapped() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_ADDRESS + 5; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(200);
                sockets.add(s);
            }
            Thread.sleep(500);
            int closed = 0;
            for (Socket s : sockets) {
                if (closedByServer(s)) {
                    closed++;
                }
            }
            System.out.printf("%d connections from one address: %d closed at once%n", sockets.size(), closed);
            assertThat(closed).isEqualTo(5);
            // Another address is not affected (all of 127/8 is loopback on Linux).
            try (Socket other = new Socket()) {
                other.bind(new InetSocketAddress("127.0.0.2", 0));
                other.connect(new InetSocketAddress("127.0.0.1", port));
                other.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                other.setSoTimeout(5_000);
                assertThat(new String(other.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                        .startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        // Once they are closed, the address may connect again.
        Thread.sleep(500);
        try (Socket again = new Socket("127.0.0.1", port)) {
            again.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            again.setSoTimeout(5_000);
            assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aQuietWebSocketStaysOpenPastFortySeconds() throws Exception {
        AtomicInteger pings = new AtomicInteger();
        AtomicReference<String> closed = new AtomicReference<>();
        AtomicLong messages = new AtomicLong();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/access_logs"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
                        pings.incrementAndGet();
                        webSocket.request(1);
                        return null; // the client answers with a pong by itself
                    }

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        messages.incrementAndGet();
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.set(statusCode + " " + reason);
                        return CompletableFuture.completedFuture(null);
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.set("error " + error);
                    }
                }).join();
        Thread.sleep(45_000); // no traffic: the simulation writes nothing unless asked
        System.out.printf("quiet WebSocket after 45 s: %s, %d pings, %d messages%n",
                closed.get() == null ? "open" : "closed " + closed.get(), pings.get(), messages.get());
        assertThat(closed.get()).as("closed").isNull();
        assertThat(ws.isInputClosed()).isFalse();
        assertThat(pings.get()).isGreaterThanOrEqualTo(3);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    private void upgrade(Socket socket, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: Upgrade"
                + "\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
    }

    /** What the server's kernel holds for the connection {@code filter} selects, by {@code ss}; 0 when gone. */
    private static long sendQueue(String filter) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tnH", "state", "established", filter).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        ss.waitFor();
        if (out.isEmpty()) {
            return 0;
        }
        String[] fields = out.split("\\s+");
        return Long.parseLong(fields[1]); // Recv-Q Send-Q Local Peer
    }

    /** Reads what reached {@code socket} until the server's close; the byte count. */
    private static long drain(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        long total = 0;
        byte[] buf = new byte[65536];
        try (socket) {
            InputStream in = socket.getInputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                total += n;
            }
        } catch (SocketException reset) {
            // a cut connection may end in a reset
        }
        return total;
    }

    /** Seconds from {@code since} until the server closed {@code socket} (EOF or reset), reading whatever comes. */
    private static double secondsUntilClosed(Socket socket, long since, int timeoutSeconds) throws IOException {
        socket.setSoTimeout(timeoutSeconds * 1000);
        try (socket) {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // a 408 or 400 may come first
            }
        } catch (SocketTimeoutException e) {
            return Double.POSITIVE_INFINITY; // still open after timeoutSeconds
        } catch (SocketException reset) {
            // closed
        }
        return (System.nanoTime() - since) / 1e9;
    }

    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** A push that announces 1,000 bytes and sends one every 2 s: its status line, or how it ended. */
    private String tricklePush(long started) throws IOException, InterruptedException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /ingest?server=server-a&proxy=public-proxy HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                for (int i = 0; i < 30 && s.getInputStream().available() == 0; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(2_000);
                }
            } catch (SocketException cut) {
                return "cut after " + (System.nanoTime() - started) / 1_000_000_000 + " s";
            }
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try {
                InputStream in = s.getInputStream();
                for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
                    response.write(b);
                }
            } catch (SocketException cut) {
                return "cut after " + (System.nanoTime() - started) / 1_000_000_000 + " s";
            }
            return response.toString(StandardCharsets.ISO_8859_1).replace("HTTP/1.1 ", "") + " after "
                    + (System.nanoTime() - started) / 1_000_000_000 + " s";
        }
    }
}
