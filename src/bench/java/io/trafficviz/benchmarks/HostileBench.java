package io.trafficviz.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * bench/run hostile: a real serve at -Xmx256m fed the hostile pushes of issue 14 (10 MB of 5 M tiny lines, a 10 MB
 * JSON array of {}, a 10 MB OTLP body of empty records, a 100 MiB body), four at once, ROUNDS times; prints the answers,
 * the peak heap (from -Xlog:gc) and peak RSS (VmHWM), and whether the tailer and the live stream still work
 * afterwards, as one JSON line. Exits 1 when it ran out of memory or stopped tailing or streaming.
 *
 * <p>{@code java -cp CP io.trafficviz.benchmarks.HostileBench ROUNDS DIR}
 */
public final class HostileBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private HostileBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        Path gcLog = dir.resolve("gc.log");
        Files.deleteIfExists(gcLog);
        try (ConceptSimulation sim = new ConceptSimulation(dir, 9)) {
            Path config = dir.resolve("trafficviz.yml");
            Files.writeString(config, sim.trafficvizConfig("127.0.0.1:0") + "ingest:\n  maxBodyBytes: 268435456\n");
            try (ServeProcess serve = ServeProcess.start(config, List.of("-Xmx256m", "-Xlog:gc:file=" + gcLog))) {
                run(rounds, sim, serve, gcLog);
            }
        }
    }

    private static void run(int rounds, ConceptSimulation sim, ServeProcess serve, Path gcLog) throws Exception {
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
        List<byte[]> bodies = List.of(HostileBodies.tinyLines(), HostileBodies.arrayOfEmptyObjects(),
                HostileBodies.otlpOfEmptyRecords("public-proxy"), HostileBodies.repeatedLine(line, 100));
        List<String> paths = List.of(push, push, "/v1/logs", push);
        List<String> types = List.of("text/plain", "application/json", "application/x-protobuf", "text/plain");
        Map<String, Integer> answers = new TreeMap<>();
        long peakRssKb = 0;
        long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            List<CompletableFuture<HttpResponse<String>>> pushes = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                pushes.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(serve.base() + paths.get(i)))
                        .header("Content-Type", types.get(i)).timeout(Duration.ofMinutes(5))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < pushes.size(); i++) {
                while (!pushes.get(i).isDone()) {
                    peakRssKb = Math.max(peakRssKb, status(serve.pid(), "VmRSS"));
                    Thread.sleep(100);
                }
                answers.merge(names(i) + " " + pushes.get(i).get().statusCode(), 1, Integer::sum);
            }
        }
        double pushSeconds = (System.nanoTime() - start) / 1e9;
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(serve.base() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        String tailed = sim.publicLogPath().toString();
        long linesBefore = tailedLines(serve, tailed);
        long entriesBefore = entries.get();
        for (int i = 0; i < 5; i++) {
            sim.userRequest(System.currentTimeMillis());
        }
        boolean tailing = false;
        boolean live = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((!tailing || !live) && System.nanoTime() < deadline) {
            tailing = tailedLines(serve, tailed) >= linesBefore + 5;
            live = entries.get() >= entriesBefore + 5;
            Thread.sleep(50);
        }
        boolean oom = serve.output().contains("OutOfMemoryError");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rounds", rounds);
        out.put("answers", answers);
        out.put("pushSeconds", Math.round(pushSeconds * 10) / 10.0);
        out.put("peakHeapMb", peakHeapMb(gcLog, 1));
        out.put("peakHeapAfterGcMb", peakHeapMb(gcLog, 2));
        out.put("peakRssMb", Math.max(peakRssKb, status(serve.pid(), "VmHWM")) / 1024);
        out.put("outOfMemoryError", oom);
        out.put("health", health.statusCode() + " " + health.body());
        out.put("tailerStillTailing", tailing);
        out.put("liveStreamStillLive", live);
        out.put("load", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println(JSON.writeValueAsString(out));
        if (oom || !tailing || !live || health.statusCode() != 200) {
            System.exit(1);
        }
    }

    private static String names(int i) {
        return List.of("tiny-lines", "json-array-of-{}", "otlp-empty-records", "100MiB-lines").get(i);
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
