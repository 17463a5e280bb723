package io.trafficviz.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.dev.generate.LogGenerator;
import io.trafficviz.dev.sim.TraefikLineWriter;
import org.HdrHistogram.Histogram;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end benchmarks against a real {@code trafficviz serve} process tailing generated access logs.
 *
 * <ul>
 *   <li>{@code latency JAR WORKDIR [RATE] [SECONDS]}: appends lines (each carrying its append time, {@code
 *       System.nanoTime()}, in its path) at RATE lines/s to the tailed files; a WebSocket client on {@code
 *       /access_logs} records receipt time minus append time in an HdrHistogram. Prints p50/p90/p99/max.</li>
 *   <li>{@code fanout JAR WORKDIR [CLIENTS] [RATE] [SECONDS] [BURST]}: the same stream at RATE lines/s with 0, then
 *       CLIENTS graph clients ({@code /ws/graph}) plus one that never reads; in each phase the events each client
 *       received per second, the server's CPU, and the ingest rate of a BURST of lines appended at once (how fast
 *       ingest goes while the clients are served).</li>
 * </ul>
 * Prints one JSON line per result on stdout; progress goes to stderr.
 */
public final class LiveBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path jar = Path.of(args[1]);
        Path work = Path.of(args[2]);
        switch (mode) {
            case "latency" -> latency(jar, work, intArg(args, 3, 5_000), intArg(args, 4, 20));
            case "fanout" -> fanout(jar, work, intArg(args, 3, 100), intArg(args, 4, 10_000), intArg(args, 5, 15),
                    intArg(args, 6, 300_000));
            default -> throw new IllegalArgumentException("mode: latency or fanout");
        }
        System.exit(0);
    }

    private static int intArg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    // ------------------------------------------------------------------ latency

    static void latency(Path jar, Path work, int rate, int seconds) throws Exception {
        try (Server server = Server.start(jar, work, 4)) {
            Histogram micros = new Histogram(60_000_000L, 3);
            AtomicLong received = new AtomicLong();
            AtomicLong droppedReported = new AtomicLong();
            long[] measureFrom = {Long.MAX_VALUE};
            WebSocket ws = connect(server.port, "/access_logs", text -> {
                long now = System.nanoTime();
                try {
                    JsonNode msg = JSON.readTree(text.toString());
                    droppedReported.addAndGet(msg.path("dropped").asLong());
                    for (JsonNode e : msg.path("entries")) {
                        long sent = sentNanos(e.path("path").asText());
                        if (sent > 0 && sent >= measureFrom[0]) {
                            micros.recordValue(Math.max(0, (now - sent) / 1000));
                            received.incrementAndGet();
                        }
                    }
                } catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            Writer writer = server.writer();
            log("latency: warming up 5 s at " + rate + " lines/s");
            writer.stream(rate, 5);
            synchronized (micros) {
                measureFrom[0] = System.nanoTime();
            }
            log("latency: measuring " + seconds + " s");
            long sent = writer.stream(rate, seconds);
            Thread.sleep(1000);
            ws.abort();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("row", "latency");
            out.put("rate", rate);
            out.put("seconds", seconds);
            out.put("sent", sent);
            out.put("received", received.get());
            out.put("droppedReported", droppedReported.get());
            out.put("p50Ms", micros.getValueAtPercentile(50) / 1000.0);
            out.put("p90Ms", micros.getValueAtPercentile(90) / 1000.0);
            out.put("p99Ms", micros.getValueAtPercentile(99) / 1000.0);
            out.put("maxMs", micros.getMaxValue() / 1000.0);
            out.put("load", Bench.loadAverage());
            System.out.println(JSON.writeValueAsString(out));
        }
    }

    /** The append time a line carries in its path ({@code ...lat=<nanoTime>}), or -1. */
    static long sentNanos(String path) {
        int at = path.lastIndexOf("lat=");
        if (at < 0) {
            return -1;
        }
        try {
            return Long.parseLong(path.substring(at + 4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ fan-out

    /**
     * Unmeasured bursts before each phase's measured one: at least {@link #MIN_WARM_UP_BURSTS}, then more (up to
     * {@link #MAX_WARM_UP_BURSTS}) until one ran with the JIT compilers under {@link #WARM_JIT_PERCENT}% of a core.
     * With one, the measured burst with clients still spent 7-14% of the server's core in the JIT compilers (perf, per
     * thread), compiling what only a burst with clients runs (the over-budget batch, the node-index lookups); with
     * two, still 13-16% in some runs (JFR: C2 compiling the edge-row loop of {@code LiveHub.flushGraph} and
     * {@code edgeRow}, 400-550 ms each, reached only in a third burst). A long-running server pays that in its first
     * bursts, once; the row measures the steady state and prints how many bursts it took to reach it.
     */
    static final int MIN_WARM_UP_BURSTS = 2;
    static final int MAX_WARM_UP_BURSTS = 6;
    static final int WARM_JIT_PERCENT = 5;

    /** Runs warm-up bursts as described at {@link #MIN_WARM_UP_BURSTS}; returns how many. */
    private static int warmUp(Server server, Writer writer, int burst, String phase) throws Exception {
        for (int i = 1; ; i++) {
            server.awaitJitQuiet();
            long jit0 = server.compilerTicks();
            long t0 = System.nanoTime();
            double rate = server.burst(writer, burst);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long jitPercent = Math.round(Math.max(0, server.compilerTicks() - jit0) / seconds);
            log("fanout: warm-up burst " + i + " " + phase + ": " + Math.round(rate) + " lines/s, JIT compilers "
                    + jitPercent + "% of a core");
            if (i >= MAX_WARM_UP_BURSTS || (i >= MIN_WARM_UP_BURSTS && jitPercent < WARM_JIT_PERCENT)) {
                return i;
            }
        }
    }

    static void fanout(Path jar, Path work, int clients, int rate, int seconds, int burst) throws Exception {
        try (Server server = Server.start(jar, work, 4)) {
            Writer writer = server.writer();
            log("fanout: warming up");
            writer.stream(rate, 5);
            // JIT warm-up of the ingest path (see MIN_WARM_UP_BURSTS).
            int warmUpWithout = warmUp(server, writer, burst, "without clients");
            List<Map<String, Object>> phases = new ArrayList<>();
            phases.add(phase(server, writer, List.of(), null, "0 clients", rate, seconds, burst));
            phases.get(0).put("warmUpBursts", warmUpWithout);

            List<WebSocket> sockets = new ArrayList<>();
            List<GraphClient> counts = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                GraphClient client = new GraphClient();
                counts.add(client);
                sockets.add(connect(server.port, "/ws/graph", client::onText));
            }
            Socket stalled = stalledClient(server.port, "/ws/graph");
            Thread.sleep(1000);
            // The same warm-up as without clients: a burst is the only time the hub's over-budget path (failures
            // first, the rest folded per route) runs, so without this the measured burst would include compiling it.
            int warmUpWith = warmUp(server, writer, burst, "with clients");
            phases.add(phase(server, writer, counts, stalled, clients + " clients + 1 stalled", rate, seconds, burst));
            phases.get(1).put("warmUpBursts", warmUpWith);
            sockets.forEach(WebSocket::abort);
            stalled.close();

            Map<String, Object> out = new LinkedHashMap<>();
            out.put("row", "fanout");
            out.put("phases", phases);
            double base = ((Number) phases.get(0).get("burstLinesPerSecond")).doubleValue();
            double loaded = ((Number) phases.get(1).get("burstLinesPerSecond")).doubleValue();
            out.put("burstRatio", Math.round(loaded / base * 1000) / 1000.0);
            out.put("load", Bench.loadAverage());
            System.out.println(JSON.writeValueAsString(out));
        }
    }

    private static Map<String, Object> phase(Server server, Writer writer, List<GraphClient> counts, Socket stalled,
                                             String name, int rate, int seconds, int burst) throws Exception {
        log("fanout: " + name + ": streaming " + rate + " lines/s for " + seconds + " s");
        counts.forEach(GraphClient::reset);
        long cpu0 = server.cpuTicks();
        long t0 = System.nanoTime();
        writer.stream(rate, seconds);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long cpu1 = server.cpuTicks();
        Thread.sleep(500);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", name);
        m.put("serverCpuPercent", Math.round((cpu1 - cpu0) / 100.0 / elapsed * 100 * 10) / 10.0);
        if (!counts.isEmpty()) {
            long min = Long.MAX_VALUE;
            long sum = 0;
            long bytes = 0;
            long unknown = 0;
            for (GraphClient c : counts) {
                min = Math.min(min, c.events.get());
                sum += c.events.get();
                bytes += c.chars.get();
                unknown += c.unknownNodes.get();
            }
            m.put("eventsPerClientPerSecondMin", Math.round(min / elapsed));
            m.put("eventsPerClientPerSecondAvg", Math.round(sum / (double) counts.size() / elapsed));
            m.put("kbPerClientPerSecondAvg", Math.round(bytes / 1024.0 / counts.size() / elapsed));
            m.put("eventsWithUnknownNodes", unknown);
        }
        log("fanout: " + name + ": burst of " + burst + " lines");
        // CPU during the burst: the server's, and this process's (the graph clients decoding, sharing the cores).
        com.sun.management.OperatingSystemMXBean self =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        // Generating the lines is the bench's work, not the burst: the CPU window starts at the first write.
        // So is storing them in files and choosing the appender's priority.
        List<String> append = writer.appendCommand(writer.prepareBurst(burst));
        // Both phases' bursts start with the server's JIT compiler idle: connecting 100 clients brings new code
        // (hello, batches, Jetty's frame flushing) that C2 compiles for many seconds on this one core, a one-off cost
        // of a server's first minute that is not fan-out's. What compiling still happens during the burst is shown.
        // And with the same page cache: by the measured burst with clients ~1.5 GB of log had been appended since the
        // start, and the appender then took 330-630 ms instead of ~125 ms, 95% of its core in the kernel copying into
        // page-cache pages (perf: copy_folio_from_iter_atomic; probably fresh guest memory's first touch under KVM);
        // the server's CPU per line was the same, the rate measured the appender. Written back and dropped (as root;
        // elsewhere only the write-back), the cache is reused from memory touched before in both phases.
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1");
        } catch (IOException e) {
            // not root: the phases may then differ as described
        }
        m.put("jitQuietWaitMillis", server.awaitJitQuiet());
        long jit0 = server.compilerTicks();
        long serverCpu0 = server.cpuTicks();
        long selfCpu0 = self.getProcessCpuTime();
        long burst0 = System.nanoTime();
        double burstRate = server.burst(append, burst);
        double burstSeconds = (System.nanoTime() - burst0) / 1e9;
        long burstServerTicks = server.cpuTicks() - serverCpu0;
        long burstJitTicks = Math.max(0, server.compilerTicks() - jit0);
        m.put("burstLinesPerSecond", Math.round(burstRate));
        // How long the appending process took (from just before it was started): the rate above cannot exceed
        // lines / this.
        m.put("burstWriteMillis", Math.round(server.lastBurstWriteMillis));
        m.put("burstServerCpuPercent", Math.round(burstServerTicks / burstSeconds));
        // The server's CPU per line during the burst: its own cost, whatever the neighbours and the writer do.
        m.put("burstServerCpuMicrosPerLine", Math.round(burstServerTicks * 10_000.0 / burst * 100) / 100.0);
        m.put("burstJitCpuPercent", Math.round(burstJitTicks / burstSeconds));
        m.put("burstBenchProcessCpuPercent", Math.round((self.getProcessCpuTime() - selfCpu0) / 1e7 / burstSeconds));
        if (!counts.isEmpty()) {
            long folded = 0;
            for (GraphClient c : counts) {
                folded += c.folded.get();
            }
            m.put("foldedPerClient", folded / counts.size());
        }
        m.put("stalledClientStillConnected", stalled == null ? null : !stalled.isClosed());
        m.put("serverRssMb", Bench.rssKib(server.process.pid()) / 1024);
        log("fanout: " + name + ": " + m);
        return m;
    }

    private static final JsonFactory TOKENS = new JsonFactory();

    /**
     * A graph client that decodes what it is sent the way the page does, minus drawing: every message parsed, the
     * nodes' indexes remembered, each compact event's node indexes and strings looked up (the form before compact
     * events, objects, is tokenised to the end as well, so the two can be compared with this same client).
     */
    static final class GraphClient {
        final AtomicLong events = new AtomicLong();
        final AtomicLong chars = new AtomicLong();
        final AtomicLong unknownNodes = new AtomicLong();
        final AtomicLong folded = new AtomicLong();
        private final java.util.BitSet known = new java.util.BitSet();
        private final List<String> strings = new ArrayList<>();
        /** A hello sent in parts (docs/protocol.md, "Hello in parts"): its text so far, and the last part's numbers. */
        private final StringBuilder helloText = new StringBuilder();
        private int part = -1;
        private int parts;

        void reset() {
            events.set(0);
            chars.set(0);
            folded.set(0);
            unknownNodes.set(0);
        }

        void onText(CharSequence text) {
            chars.addAndGet(text.length());
            decode(text);
        }

        private void decode(CharSequence text) {
            part = -1;
            try (JsonParser p = TOKENS.createParser(text.toString())) {
                p.nextToken();
                readObject(p);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (part >= 0 && part == parts - 1) {
                String hello = helloText.toString();
                helloText.setLength(0);
                decode(hello);
            }
        }

        private void readObject(JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "graph" -> readObject(p); // hello: the /network_info document
                    case "part" -> part = p.getIntValue();
                    case "parts" -> parts = p.getIntValue();
                    case "text" -> helloText.append(p.getText());
                    case "nodes" -> readNodes(p);
                    case "strings" -> {
                        strings.clear();
                        while (p.nextToken() == JsonToken.VALUE_STRING) {
                            strings.add(p.getText());
                        }
                    }
                    case "events" -> readEvents(p);
                    case "folded" -> {
                        // [from, proxy, to, flags, count]: requests over the batch's budget, as counts per route
                        while (p.nextToken() == JsonToken.START_ARRAY) {
                            int i = 0;
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                if (i == 4) {
                                    folded.addAndGet(p.getLongValue());
                                }
                                i++;
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }

        private void readNodes(JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                int ix = -1;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (name.equals("ix")) {
                        ix = p.getIntValue();
                    } else {
                        p.skipChildren();
                    }
                }
                if (ix >= 0) {
                    known.set(ix);
                }
            }
        }

        private void readEvents(JsonParser p) throws IOException {
            long n = 0;
            JsonToken t;
            int[] e = new int[11];
            while ((t = p.nextToken()) == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                n++;
                if (t == JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (i < e.length) {
                        e[i] = (int) p.getLongValue();
                    }
                    i++;
                }
                if (!known.get(e[2]) || !known.get(e[3]) || !known.get(e[4])) {
                    unknownNodes.incrementAndGet();
                }
                for (int k = 8; k <= 10; k++) {
                    if (e[k] >= 0 && strings.get(e[k]) == null) {
                        throw new IllegalStateException("null string");
                    }
                }
            }
            events.addAndGet(n);
        }
    }

    /** Completes the WebSocket handshake, then never reads: its TCP window fills and the server must not care. */
    private static Socket stalledClient(int port, String path) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setReceiveBufferSize(4096);
        String key = Base64.getEncoder().encodeToString("trafficviz-stall".getBytes(StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("stalled client: connection closed during the handshake");
            }
            head.append((char) c);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("stalled client: handshake refused: " + head);
        }
        return socket;
    }

    // ------------------------------------------------------------------ plumbing

    interface TextHandler {
        void onText(CharSequence text);
    }

    static WebSocket connect(int port, String path, TextHandler handler) throws Exception {
        return HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path),
                new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            handler.onText(partial);
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    static void log(String message) {
        System.err.println("[live-bench] " + message);
    }

    /** Appends generated lines to the proxies' log files, each line as it is due, one write per line. */
    static final class Writer {
        private final LogGenerator generator;
        private final Map<String, OutputStream> outs = new LinkedHashMap<>();
        private final Map<String, Path> logs = new LinkedHashMap<>();
        private final Path dir;

        Writer(LogGenerator generator, Path dir) throws IOException {
            this.generator = generator;
            this.dir = dir;
            for (LogGenerator.Proxy p : generator.proxies()) {
                String key = p.serverName() + "/" + p.name();
                logs.put(key, dir.resolve(p.logFileName()));
                outs.put(key, new FileOutputStream(logs.get(key).toFile(), true));
            }
        }

        private byte[] line(long appendNanos) {
            LogGenerator.Generated g = generator.next(System.currentTimeMillis());
            TraefikLineWriter.Request r = g.request();
            String path = r.path() + (r.path().indexOf('?') < 0 ? "?" : "&") + "lat=" + appendNanos;
            TraefikLineWriter.Request stamped = new TraefikLineWriter.Request(r.startMillis(), r.clientIp(),
                    r.clientPort(), r.method(), r.host(), path, r.status(), r.size(), r.durationNanos(), r.router(),
                    r.service(), r.serviceUrl(), r.serviceAddr(), r.network(), r.requestCount());
            currentProxy = g.proxy();
            return (TraefikLineWriter.json(stamped) + "\n").getBytes(StandardCharsets.UTF_8);
        }

        private LogGenerator.Proxy currentProxy;

        /** Appends {@code rate} lines/s for {@code seconds}, each written when due; returns how many. */
        long stream(int rate, int seconds) throws IOException {
            long start = System.nanoTime();
            long total = (long) rate * seconds;
            long interval = 1_000_000_000L / rate;
            for (long i = 0; i < total; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 20_000) {
                    LockSupport.parkNanos(wait - 10_000);
                }
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                long now = System.nanoTime();
                byte[] bytes = line(now);
                outs.get(currentProxy.serverName() + "/" + currentProxy.name()).write(bytes);
            }
            return total;
        }

        /** Generates {@code lines} lines (not yet written), per file. */
        Map<String, byte[]> prepareBurst(int lines) throws IOException {
            Map<String, java.io.ByteArrayOutputStream> buffers = new LinkedHashMap<>();
            for (int i = 0; i < lines; i++) {
                byte[] bytes = line(0);
                String key = currentProxy.serverName() + "/" + currentProxy.name();
                buffers.computeIfAbsent(key, k -> new java.io.ByteArrayOutputStream(1 << 20)).write(bytes, 0, bytes.length);
            }
            Map<String, byte[]> out = new LinkedHashMap<>();
            buffers.forEach((k, v) -> out.put(k, v.toByteArray()));
            return out;
        }

        /**
         * Stores prepared lines in files next to the logs and returns a command that appends them, one file after the
         * other ({@code cat}, from another process: see {@link Server#burst(Writer, Map, int)}).
         */
        List<String> appendCommand(Map<String, byte[]> prepared) throws IOException, InterruptedException {
            StringBuilder script = new StringBuilder("set -e");
            // Real-time priority where allowed (root here), so that the 100 clients' threads on the same core cannot slow
            // the appending down in one phase and not the other.
            boolean realtime = Files.isExecutable(Path.of("/usr/bin/chrt")) && new ProcessBuilder("/usr/bin/chrt", "-f", "10",
                    "true").start().waitFor() == 0;
            List<String> cmd = new ArrayList<>(realtime ? List.of("/usr/bin/chrt", "-f", "10", "sh", "-c", "", "burst")
                    : List.of("nice", "-n", "-10", "sh", "-c", "", "burst"));
            int i = 0;
            for (Map.Entry<String, byte[]> e : prepared.entrySet()) {
                Path lines = dir.resolve("burst-" + i + ".lines");
                Files.write(lines, e.getValue());
                script.append("; cat \"${").append(2 * i + 1).append("}\" >> \"${").append(2 * i + 2).append("}\"");
                cmd.add(lines.toString());
                cmd.add(logs.get(e.getKey()).toString());
                i++;
            }
            cmd.set(5, script.toString());
            return cmd;
        }
    }

    /** A {@code trafficviz serve} child process on a free port, tailing generated files in {@code dir}. */
    static final class Server implements AutoCloseable {
        final Process process;
        final int port;
        final Path dir;
        final LogGenerator generator;
        /** How long the last {@link #burst}'s writes took. */
        double lastBurstWriteMillis;

        private Server(Process process, int port, Path dir, LogGenerator generator) {
            this.process = process;
            this.port = port;
            this.dir = dir;
            this.generator = generator;
        }

        static Server start(Path jar, Path dir, int servers) throws Exception {
            Files.createDirectories(dir);
            LogGenerator generator = new LogGenerator(servers, 18, 1_000_000, 42);
            generator.writeDynamicConfigs(dir);
            for (LogGenerator.Proxy p : generator.proxies()) {
                Files.write(dir.resolve(p.logFileName()), new byte[0]);
            }
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path config = dir.resolve("trafficviz.yml");
            // The bench's 100 clients, which stand for 100 machines, all connect from 127.0.0.1: above the default cap.
            Files.writeString(config, generator.trafficvizConfig(LogGenerator.Format.JSON, "127.0.0.1:" + port, dir, null)
                    + "http:\n  maxConnectionsPerAddress: 1000\n");
            List<String> cmd = new ArrayList<>();
            // TRAFFICVIZ_CPUS (a taskset CPU list) pins the server, so that clients pinned elsewhere do not take its
            // core: 100 browsers are 100 other machines, not neighbours of the server.
            String cpus = System.getenv("TRAFFICVIZ_CPUS");
            if (cpus != null && !cpus.isBlank()) {
                cmd.addAll(List.of("taskset", "-c", cpus.trim()));
            }
            cmd.add("java");
            String opts = System.getenv("TRAFFICVIZ_JAVA_OPTS");
            if (opts != null && !opts.isBlank()) {
                cmd.addAll(List.of(opts.trim().split("\\s+")));
            }
            cmd.addAll(List.of("-jar", jar.toString(), "serve", "--config", config.toString()));
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("serve.log").toFile()).start();
            Server server = new Server(process, port, dir, generator);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (true) {
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("trafficviz serve did not come up; see " + dir.resolve("serve.log"));
                }
                Thread.sleep(100);
            }
            Thread.sleep(1500); // first discovery of every proxy
            log("serve is up on port " + port + " (pid " + process.pid() + ")");
            return server;
        }

        Writer writer() throws IOException {
            return new Writer(generator, dir);
        }

        long ingestedLines() throws Exception {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            for (String line : metrics.split("\n")) {
                if (line.startsWith("trafficviz_ingest_lines_total ")) {
                    return Long.parseLong(line.substring(line.indexOf(' ') + 1).trim());
                }
            }
            throw new IllegalStateException("no trafficviz_ingest_lines_total in /metrics");
        }

        /** Appends a burst and returns the ingest rate: lines / time until the counter has them all. */
        double burst(Writer writer, int lines) throws Exception {
            return burst(writer.appendCommand(writer.prepareBurst(lines)), lines); // the writer's own cost is not trafficviz's
        }

        /**
         * Runs {@code append} (from {@link Writer#appendCommand}: lines prepared and stored before) and returns the
         * ingest rate, as above. The lines are
         * appended by another process ({@code cat}, file after file, at real-time priority when {@code chrt} may set
         * it, else at nice -10): as Traefik would, from outside
         * this JVM, whose 100 graph clients would otherwise slow the appending down with them (it took 1-4 s instead
         * of 0.5-1 s) and so cap the rate measured with clients. The time runs from just before that process is
         * started.
         */
        double burst(List<String> append, int lines) throws Exception {
            long before = ingestedLines();
            long t0 = System.nanoTime();
            Process appender = new ProcessBuilder(append).inheritIO().start();
            long[] written = {0};
            java.util.concurrent.CompletableFuture<Void> done = appender.onExit().thenAccept(p -> written[0] = System.nanoTime());
            long target = before + lines;
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (ingestedLines() < target && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            done.get(60, TimeUnit.SECONDS);
            if (appender.exitValue() != 0) {
                throw new IllegalStateException("appending the burst failed: " + append);
            }
            double writeMillis = (written[0] - t0) / 1e6;
            lastBurstWriteMillis = writeMillis;
            log(String.format(java.util.Locale.ROOT, "burst: %d lines written in %.0f ms, counted after %.0f ms",
                    lines, writeMillis, seconds * 1000));
            return lines / seconds;
        }

        /**
         * CPU ticks (1/100 s) of the server's JIT compiler threads, from {@code /proc/PID/task/*}; a compiler thread
         * the JVM retires takes its ticks with it, so a difference can come out negative.
         */
        long compilerTicks() throws IOException {
            long ticks = 0;
            try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + process.pid() + "/task"))) {
                for (Path task : tasks) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException e) {
                        continue; // the thread ended
                    }
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.contains("CompilerThre")) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                }
            }
            return ticks;
        }

        /**
         * Waits until the JIT compiler threads used at most 1% of a core over a whole second (at most 60 s) and
         * returns how long that took, in ms.
         */
        long awaitJitQuiet() throws Exception {
            long t0 = System.nanoTime();
            long deadline = t0 + 60_000_000_000L;
            long before = compilerTicks();
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                long now = compilerTicks();
                if (now - before <= 1) {
                    break;
                }
                before = now;
            }
            return (System.nanoTime() - t0) / 1_000_000;
        }

        /** utime + stime of the server process, in clock ticks (1/100 s). */
        long cpuTicks() throws IOException {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private LiveBench() {
    }
}
