package io.trafficviz.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.ingest.Ingest;
import io.trafficviz.source.LineBatch;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The alert budgets of issue 18, in one JVM with lines in memory. Usage: {@code AlertBench [ROUNDS]}. Prints one JSON
 * line:
 * <ul>
 *   <li>{@code ratio}: ingest's best lines/s with 50 rules (ten of each window and event kind that reads requests)
 *   and a dead sink, over the best without rules, both through the whole pipeline (parse, resolve, graph) on this
 *   thread; rounds alternate so that other load weighs on both alike;</li>
 *   <li>{@code eventP99Ms}, {@code windowP99Ms}: from handing a line to ingest to a webhook receiver (a JDK HTTP server
 *   in this JVM) getting the notification, under a background load of 20,000 lines/s: a new edge (event rule) and an
 *   edge whose 20th error crosses an error share (window rule), 200 and 40 of them.</li>
 * </ul>
 */
public final class AlertBench {
    private static final int BATCH = 4096;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("alert-bench");
        double[] ratio = throughput(dir, rounds);
        long[] latency = latency(dir);
        System.out.println("{\"withoutRulesLinesPerSecond\":" + Math.round(ratio[0]) + ",\"with50RulesLinesPerSecond\":"
                + Math.round(ratio[1]) + ",\"ratio\":" + Math.round(ratio[1] / ratio[0] * 1000) / 1000.0
                + ",\"pacedWithoutLinesPerSecond\":" + Math.round(ratio[2]) + ",\"pacedWithLinesPerSecond\":"
                + Math.round(ratio[3]) + ",\"pacedRatio\":" + Math.round(ratio[3] / ratio[2] * 1000) / 1000.0
                + ",\"pacedCpuNsPerLineWithout\":" + Math.round(ratio[4]) + ",\"pacedCpuNsPerLineWith\":"
                + Math.round(ratio[5])
                + ",\"eventP99Ms\":" + latency[0] + ",\"eventMaxMs\":" + latency[1] + ",\"windowP99Ms\":" + latency[2]
                + ",\"windowMaxMs\":" + latency[3] + "}");
        System.exit(0);
    }

    private static String servers(Path dir) throws IOException {
        Files.writeString(dir.resolve("pub.log"), "");
        Files.writeString(dir.resolve("priv.log"), "");
        return """
                listen: 127.0.0.1:0
                servers:
                  - name: a
                    proxies:
                      - {name: pub, role: public, network: pub-net, accessLog: pub.log}
                      - {name: priv, role: private, network: priv-net, accessLog: priv.log}
                """;
    }

    private static String line(String client, String service, int status, long durationMicros) {
        return "{\"ClientHost\":\"" + client + "\",\"DownstreamStatus\":" + status + ",\"OriginStatus\":" + status
                + ",\"RouterName\":\"r@docker\",\"Duration\":" + durationMicros * 1000 + ",\"RequestMethod\":\"GET\","
                + "\"RequestPath\":\"/p\",\"RequestHost\":\"h\",\"ServiceName\":\"" + service + "@docker\","
                + "\"ServiceURL\":\"http://172.25.0.50:80\"}";
    }

    /** A mix: 200 public callers, 40 services, 5 % errors, durations from 1 to 400 ms. */
    private static List<List<String>> traffic(int batches) {
        List<List<String>> out = new ArrayList<>();
        java.util.Random random = new java.util.Random(1);
        for (int b = 0; b < batches; b++) {
            List<String> lines = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                lines.add(line("203.0.113." + random.nextInt(200), "svc-" + random.nextInt(40),
                        random.nextInt(100) < 5 ? 502 : 200, 1000 + random.nextInt(400_000)));
            }
            out.add(lines);
        }
        return out;
    }

    private static String fiftyRules(String sinkUrl) {
        StringBuilder b = new StringBuilder("alerts:\n  rules:\n");
        String[] kinds = {"errorShare", "latencyP95", "rateZero", "noRouterSurge", "outsider"};
        for (int i = 0; i < 50; i++) {
            b.append("    - {name: r").append(i).append(", kind: ").append(kinds[i % kinds.length])
                    .append(", scope: {edge: \"* -> service:a/svc-").append(i % 10).append("*\"}}\n");
        }
        return b.append("  sinks:\n    - {name: dead, type: webhook, url: \"").append(sinkUrl).append("\"}\n").toString();
    }

    private static double[] throughput(Path dir, int rounds) throws Exception {
        String base = servers(dir);
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        TrafficvizApp without = TrafficvizApp.create(ConfigLoader.parse(base, dir), false);
        TrafficvizApp with = TrafficvizApp.create(ConfigLoader.parse(base + fiftyRules("http://127.0.0.1:" + dead + "/"),
                dir), false);
        without.hub().close();
        with.hub().close();
        with.startAlerts();
        List<List<String>> batches = traffic(500); // ~2 M lines
        String origin = without.logFiles().keySet().stream().filter(p -> p.endsWith("pub.log")).findFirst().orElseThrow();
        List<LineBatch> encoded = batches.stream().map(l -> LineBatch.of(origin, l)).toList();
        double bestWithout = 0;
        double bestWith = 0;
        for (int r = 0; r < rounds + 1; r++) { // the first round warms both up
            double a = feed(without.ingest(), encoded);
            double b = feed(with.ingest(), encoded);
            if (r > 0) {
                bestWithout = Math.max(bestWithout, a);
                bestWith = Math.max(bestWith, b);
            }
            System.err.printf("[alert-bench] round %d: without rules %.0f lines/s, with 50 rules and a dead sink %.0f%n",
                    r, a, b);
        }
        // At the budget's rate: 20,000 lines/s for 5 s each, the achieved rate and the ingest thread's CPU per line
        double[] pacedWithout = paced(without.ingest(), encoded);
        double[] pacedWith = paced(with.ingest(), encoded);
        without.close();
        with.close();
        return new double[] {bestWithout, bestWith, pacedWithout[0], pacedWith[0], pacedWithout[1], pacedWith[1]};
    }

    private static double[] paced(Ingest ingest, List<LineBatch> batches) {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long lines = 0;
        long cpu0 = cpu.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        int n = 5 * 20_000 / BATCH; // 5 s
        for (int i = 0; i < n; i++) {
            long due = t0 + (long) (i * (BATCH / 20_000.0) * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait); // not a spin: the CPU figures are ingest's
            }
            lines += BATCH - ingest.accept(batches.get(i % batches.size()));
        }
        long cpuNs = cpu.getCurrentThreadCpuTime() - cpu0;
        return new double[] {lines * 1e9 / (System.nanoTime() - t0), (double) cpuNs / lines};
    }

    private static double feed(Ingest ingest, List<LineBatch> batches) {
        long lines = 0;
        long t0 = System.nanoTime();
        for (LineBatch batch : batches) {
            lines += BATCH - ingest.accept(batch);
        }
        return lines * 1e9 / (System.nanoTime() - t0);
    }

    private static long[] latency(Path dir) throws Exception {
        Map<String, Long> received = new ConcurrentHashMap<>();
        Pattern probe = Pattern.compile("service:a/((probe|err)-\\d+)");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long now = System.nanoTime();
            Matcher m = probe.matcher(body);
            if (m.find() && body.contains("\"status\":\"firing\"")) {
                received.putIfAbsent(m.group(1), now);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        String alerts = """
                alerts:
                  rules:
                    - {name: new-edge, kind: newEdge, scope: {edge: "* -> service:a/probe-*"}}
                    - {name: errors, kind: errorShare, scope: {edge: "* -> service:a/err-*"}, threshold: 0.5,
                       minRequests: 20, window: 1m}
                  sinks:
                    - {name: hook, type: webhook, url: "http://127.0.0.1:%d/"}
                """.formatted(server.getAddress().getPort());
        TrafficvizApp app = TrafficvizApp.create(ConfigLoader.parse(servers(dir) + alerts, dir), false);
        app.hub().close();
        app.startAlerts();
        Ingest ingest = app.ingest();
        String origin = app.logFiles().keySet().stream().filter(p -> p.endsWith("pub.log")).findFirst().orElseThrow();
        List<LineBatch> load = traffic(20).stream().map(l -> LineBatch.of(origin, l.subList(0, 1000))).toList();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        // 20,000 lines/s: 1,000 lines every 50 ms; a probe every 100 ms, an error burst every 500 ms
        long start = System.nanoTime();
        int events = 200;
        int windows = 40;
        int ticks = events * 2;
        for (int t = 0; t < ticks; t++) {
            long due = start + t * 50_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait); // not a spin: the CPU figures are ingest's
            }
            ingest.accept(load.get(t % load.size()));
            if (t % 2 == 0) {
                String name = "probe-" + t / 2;
                sent.put(name, System.nanoTime());
                ingest.accept(LineBatch.of(origin, List.of(line("203.0.113.250", name, 200, 1000))));
            }
            if (t % 10 == 0 && t / 10 < windows) {
                String name = "err-" + t / 10;
                List<String> burst = new ArrayList<>();
                for (int i = 0; i < 19; i++) {
                    burst.add(line("203.0.113.251", name, 502, 1000));
                }
                ingest.accept(LineBatch.of(origin, burst));
                sent.put(name, System.nanoTime()); // the 20th error is the line that crosses minRequests
                ingest.accept(LineBatch.of(origin, List.of(line("203.0.113.251", name, 502, 1000))));
            }
        }
        Thread.sleep(3_000);
        server.stop(0);
        app.close();
        return new long[] {p99(sent, received, "probe-", events)[0], p99(sent, received, "probe-", events)[1],
                p99(sent, received, "err-", windows)[0], p99(sent, received, "err-", windows)[1]};
    }

    /** The 99th percentile and the maximum of the delays in ms; a notification that never came counts as the longest. */
    private static long[] p99(Map<String, Long> sent, Map<String, Long> received, String prefix, int n) {
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            Long s = sent.get(prefix + i);
            Long r = received.get(prefix + i);
            ms[i] = s == null || r == null ? Long.MAX_VALUE : (r - s) / 1_000_000;
        }
        Arrays.sort(ms);
        return new long[] {ms[(int) Math.ceil(0.99 * n) - 1], ms[n - 1]};
    }
}
