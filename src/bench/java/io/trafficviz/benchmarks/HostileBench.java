package io.trafficviz.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.MemoryCgroup;
import io.trafficviz.app.ServeProcess;
import io.trafficviz.dev.sim.ConceptSimulation;
import io.trafficviz.source.push.HostileBodies;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/run hostile: a real serve inside a memory limit of its own (a cgroup, as {@code docker run -m} or systemd's
 * {@code MemoryMax=} give it), fed the hostile pushes of issue 14 (10 MB of 5 M tiny lines, a 10 MB JSON array of {},
 * a 10 MB OTLP body of empty records, a 100 MiB body), four at once, ROUNDS times. Prints, as one JSON line: the limit
 * and the JVM options, the group's peak usage, how often it hit the limit and OOM kills, peak RSS (VmHWM), peak heap
 * (from -Xlog:gc), each case's answers and verdict, and whether the tailer, the live stream and /health still work
 * afterwards. Exits 1 when any of that failed. Without the right to create a cgroup (not root) it says so and holds
 * the process's peak RSS to the limit instead.
 *
 * <p>{@code java -cp CP io.trafficviz.benchmarks.HostileBench ROUNDS DIR LIMIT_MIB [JVM option...]}; MALLOC_ARENA_MAX
 * and other environment pass through to serve. With {@code -XX:NativeMemoryTracking=summary} among the options it
 * also saves {@code jcmd PID VM.native_memory summary} in the last round, while the pushes run, and after them
 * ({@code DIR/nmt-during.txt}, {@code DIR/nmt-after.txt}) and prints the committed figure of each area.
 */
public final class HostileBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern NMT_AREA = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)",
            Pattern.MULTILINE);
    private static final Pattern NMT_TOTAL = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB",
            Pattern.MULTILINE);
    /** Pushes of the last case sent at once: each holds a connection and, while it waits for a slot, a thread. */
    private static final int CROWD = 90;

    private HostileBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        long limitBytes = Long.parseLong(args[2]) << 20;
        List<String> options = List.of(args).subList(3, args.length);
        Path gcLog = dir.resolve("gc.log");
        Files.deleteIfExists(gcLog);
        boolean held;
        List<String> jvm = new ArrayList<>(options);
        jvm.add("-Xlog:gc:file=" + gcLog);
        try (ConceptSimulation sim = new ConceptSimulation(dir, 9);
             MemoryCgroup group = MemoryCgroup.create("trafficviz-hostile-" + ProcessHandle.current().pid(),
                     limitBytes)) {
            if (!group.enforced()) {
                System.err.println("[hostile] NOTE: " + group.describe() + ": serve runs without a memory limit and "
                        + "only its peak RSS (VmHWM) is held to " + (limitBytes >> 20) + " MiB");
            }
            Path config = dir.resolve("trafficviz.yml");
            Files.writeString(config, sim.trafficvizConfig("127.0.0.1:0") + "ingest:\n  maxBodyBytes: 268435456\n");
            try (ServeProcess serve = ServeProcess.start(config, jvm, group.launcher(), Map.of())) {
                held = run(rounds, sim, serve, group, options, dir);
            }
        }
        // Only now: serve is stopped and its cgroup removed.
        System.exit(held ? 0 : 1);
    }

    private static boolean run(int rounds, ConceptSimulation sim, ServeProcess serve, MemoryCgroup group,
                            List<String> options, Path dir) throws Exception {
        AtomicLong entries = new AtomicLong();
        HTTP.newWebSocketBuilder().buildAsync(URI.create(serve.base().replace("http", "ws") + "/access_logs"),
                new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                entries.addAndGet(JSON.readTree(partial.toString()).path("entries").size());
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                }).join();
        String push = "/ingest?server=" + ConceptSimulation.SERVER + "&proxy=public-proxy";
        String line = "{\"ClientAddr\":\"203.0.113.7:4242\",\"ClientHost\":\"203.0.113.7\",\"DownstreamStatus\":200,"
                + "\"Duration\":1200000,\"OriginStatus\":200,\"RequestHost\":\"public.localhost\",\"RequestMethod\":"
                + "\"GET\",\"RequestPath\":\"/bench\",\"RequestProtocol\":\"HTTP/1.1\",\"RouterName\":"
                + "\"public-communicating-service@file\",\"ServiceName\":\"public-communicating-service@file\","
                + "\"StartUTC\":\"2026-12-07T20:00:00Z\",\"entryPointName\":\"web\"}";
        List<Case> cases = List.of(
                new Case("tiny-lines", push, "text/plain", HostileBodies.tinyLines(), 1),
                new Case("json-array-of-{}", push, "application/json", HostileBodies.arrayOfEmptyObjects(), 1),
                new Case("otlp-empty-records", "/v1/logs", "application/x-protobuf",
                        HostileBodies.otlpOfEmptyRecords("public-proxy"), 1),
                new Case("100MiB-lines", push, "text/plain", HostileBodies.repeatedLine(line, 100), 1),
                new Case(CROWD + "-pushes-of-1MiB", push, "text/plain", HostileBodies.repeatedLine(line, 1), CROWD));
        boolean nmt = options.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking=") && !o.endsWith("=off"));
        Map<String, Long> nmtDuring = Map.of();
        long peakRssKb = 0;
        long peakThreads = 0;
        long peakGroupBytes = 0;
        long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            List<CompletableFuture<HttpResponse<String>>> pushes = new ArrayList<>();
            List<Case> sent = new ArrayList<>();
            for (Case c : cases) {
                for (int copy = 0; copy < c.copies(); copy++) {
                    pushes.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(serve.base() + c.path()))
                            .header("Content-Type", c.type()).timeout(Duration.ofMinutes(5))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(c.body())).build(),
                            HttpResponse.BodyHandlers.ofString()));
                    sent.add(c);
                }
            }
            long roundStart = System.nanoTime();
            for (int i = 0; i < pushes.size(); i++) {
                while (!pushes.get(i).isDone()) {
                    peakRssKb = Math.max(peakRssKb, status(serve.pid(), "VmRSS"));
                    peakThreads = Math.max(peakThreads, status(serve.pid(), "Threads"));
                    peakGroupBytes = Math.max(peakGroupBytes, group.currentBytes());
                    if (nmt && round == rounds - 1 && nmtDuring.isEmpty()
                            && System.nanoTime() - roundStart > TimeUnit.SECONDS.toNanos(3)) {
                        nmtDuring = nativeMemory(serve.pid(), dir.resolve("nmt-during.txt"));
                    }
                    Thread.sleep(100);
                }
                String answer;
                try {
                    HttpResponse<String> r = pushes.get(i).get();
                    boolean retryAfter = r.headers().firstValue("Retry-After").isPresent();
                    answer = r.statusCode() + (r.statusCode() == 503 && !retryAfter ? " without Retry-After" : "");
                    sent.get(i).answeredWell &= r.statusCode() == 200 || r.statusCode() == 413
                            || (r.statusCode() == 503 && retryAfter);
                } catch (java.util.concurrent.ExecutionException e) {
                    answer = "no answer (" + e.getCause().getClass().getSimpleName() + ")";
                    System.err.println("[hostile] " + sent.get(i).name() + ": " + e.getCause());
                    sent.get(i).answeredWell = false;
                }
                sent.get(i).answers.merge(answer, 1, Integer::sum);
            }
        }
        double pushSeconds = (System.nanoTime() - start) / 1e9;
        HttpResponse<String> health = null;
        boolean tailing = false;
        boolean live = false;
        try {
            health = HTTP.send(HttpRequest.newBuilder(URI.create(serve.base() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String tailed = sim.publicLogPath().toString();
            long linesBefore = tailedLines(serve, tailed);
            long entriesBefore = entries.get();
            for (int i = 0; i < 5; i++) {
                sim.userRequest(System.currentTimeMillis());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((!tailing || !live) && System.nanoTime() < deadline) {
                tailing = tailedLines(serve, tailed) >= linesBefore + 5;
                live = entries.get() >= entriesBefore + 5;
                Thread.sleep(50);
            }
        } catch (java.io.IOException gone) {
            System.err.println("[hostile] serve stopped answering: " + gone);
        }
        boolean alive = serve.process().isAlive();
        Map<String, Long> nmtAfter = nmt && alive ? nativeMemory(serve.pid(), dir.resolve("nmt-after.txt")) : Map.of();
        long peakRssMb = Math.max(peakRssKb, status(serve.pid(), "VmHWM")) / 1024;
        long limitMb = group.limitBytes() >> 20;
        long groupPeak = group.peakBytes() >= 0 ? group.peakBytes() : peakGroupBytes;
        Files.writeString(dir.resolve("serve.log"), serve.output());
        boolean oom = serve.output().contains("OutOfMemoryError");
        Map<String, Object> verdicts = new LinkedHashMap<>();
        boolean allAnswered = true;
        for (Case c : cases) {
            verdicts.put(c.name(), Map.of("answers", c.answers, "pass", c.answeredWell));
            allAnswered &= c.answeredWell;
        }
        boolean underLimit = group.enforced() ? group.oomKills() == 0 : peakRssMb < limitMb;
        boolean held = alive && underLimit && !oom && allAnswered && tailing && live && health != null
                && health.statusCode() == 200;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("verdict", held ? "held" : "FAILED");
        out.put("rounds", rounds);
        out.put("limitMb", limitMb);
        out.put("cgroup", group.describe());
        out.put("jvmOptions", String.join(" ", options));
        out.put("mallocArenaMax", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "unset"));
        out.put("peakCgroupMb", group.enforced() ? groupPeak >> 20 : "n/a");
        out.put("limitHits", group.limitHits());
        out.put("oomKills", group.oomKills());
        out.put("peakRssMb", peakRssMb);
        out.put("peakHeapMb", peakHeapMb(dir.resolve("gc.log"), 1));
        out.put("peakLiveHeapMb", peakLiveHeapMb(dir.resolve("gc.log")));
        out.put("peakCommittedHeapMb", peakCommittedHeapMb(dir.resolve("gc.log")));
        out.put("peakThreads", peakThreads);
        out.put("cases", verdicts);
        out.put("pushSeconds", Math.round(pushSeconds * 10) / 10.0);
        out.put("serveAlive", alive);
        out.put("outOfMemoryError", oom);
        out.put("health", health == null ? "no answer" : health.statusCode() + " " + health.body());
        out.put("exitStatus", alive ? "running" : String.valueOf(serve.process().exitValue()));
        out.put("tailerStillTailing", tailing);
        out.put("liveStreamStillLive", live);
        if (nmt) {
            out.put("nmtCommittedMbDuring", nmtDuring);
            out.put("nmtCommittedMbAfter", nmtAfter);
        }
        out.put("load", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println(JSON.writeValueAsString(out));
        return held;
    }

    /** One hostile push, sent {@code copies} times at once per round; its answers are counted here. */
    private static final class Case {
        private final String name;
        private final String path;
        private final String type;
        private final byte[] body;
        private final int copies;
        private final Map<String, Integer> answers = new TreeMap<>();
        private boolean answeredWell = true;

        Case(String name, String path, String type, byte[] body, int copies) {
            this.name = name;
            this.path = path;
            this.type = type;
            this.body = body;
            this.copies = copies;
        }

        String name() {
            return name;
        }

        String path() {
            return path;
        }

        String type() {
            return type;
        }

        byte[] body() {
            return body;
        }

        int copies() {
            return copies;
        }
    }

    /** jcmd's native memory summary, saved to {@code file}: the committed MB of each area, largest first. */
    private static Map<String, Long> nativeMemory(long pid, Path file) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
                .redirectErrorStream(true).redirectOutput(file.toFile()).start();
        p.waitFor(60, TimeUnit.SECONDS);
        String text = Files.readString(file);
        List<Map.Entry<String, Long>> areas = new ArrayList<>();
        Matcher m = NMT_AREA.matcher(text);
        while (m.find()) {
            areas.add(Map.entry(m.group(1), Long.parseLong(m.group(2)) / 1024));
        }
        areas.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        Map<String, Long> out = new LinkedHashMap<>();
        Matcher total = NMT_TOTAL.matcher(text);
        if (total.find()) {
            out.put("Total", Long.parseLong(total.group(1)) / 1024);
        }
        areas.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The most heap still in use after a full collection: what was live, or -1 when there was none. */
    private static long peakLiveHeapMb(Path gcLog) throws Exception {
        long peak = -1;
        for (String l : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(l);
            if (l.contains("Pause Full") && m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(2)));
            }
        }
        return peak;
    }

    /** The most heap the collector had committed (the figure in parentheses). */
    private static long peakCommittedHeapMb(Path gcLog) throws Exception {
        return peakHeapMb(gcLog, 3);
    }

    private static long tailedLines(ServeProcess serve, String origin) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(serve.base() + "/network_info")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode s : JSON.readTree(r.body()).path("ingest").path("sources")) {
            if (s.path("path").asText().equals(origin)) {
                return s.path("lines").asLong();
            }
        }
        return -1;
    }

    /** A /proc/PID/status field in kB, or 0 once the process is gone. */
    private static long status(long pid, String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.replaceAll("\\D+", ""));
                }
            }
        } catch (Exception gone) {
            return 0;
        }
        return 0;
    }

    /**
     * The most heap in use before (group 1) or after (group 2: what was live) any collection, from -Xlog:gc's
     * "before->after(committed)" figures.
     */
    private static long peakHeapMb(Path gcLog, int group) throws Exception {
        long peak = 0;
        for (String l : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(l);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(group)));
            }
        }
        return peak;
    }
}
