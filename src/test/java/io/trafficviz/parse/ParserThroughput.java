package io.trafficviz.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A rough single-thread throughput check, not a benchmark harness (no JMH): parses the fixture lines over and over and
 * prints lines/s per contender. The contenders take turns in short rounds, so a load spike from other processes hits
 * them alike. Rates are per second of this thread's CPU time (lines/s/core, unaffected by time spent descheduled on a
 * busy machine) and per wall-clock second; best round and median.
 *
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.trafficviz.parse.ParserThroughput [seconds [name-filter]]
 * </pre>
 */
public final class ParserThroughput {
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** Runs only the contenders whose name contains this (handy under a profiler). */
    private static String only = "";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Defeats dead-code elimination. */
    private static volatile long sink;

    private interface LineTask {
        /** One line, given both as a String and as its UTF-8 bytes; a task reads one of the two. */
        long run(String line, byte[] bytes) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        only = args.length > 1 ? args[1] : "";
        String[] json = JacksonOracle.fixtureLines().toArray(new String[0]);
        String[] common = new String[json.length];
        for (int i = 0; i < json.length; i++) {
            common[i] = toCommon(JacksonOracle.MAPPER.readTree(json[i]));
        }
        String[] jsonRare = rareJson(json);
        String[] commonRare = rareCommon(common);
        System.out.printf("%d fixture lines, avg %d chars (json) / %d chars (common); %.0f s per contender%n%n",
                json.length, avgLength(json), avgLength(common), seconds);

        TraefikLogParser parser = new TraefikLogParser();
        AccessLogEntry reused = new AccessLogEntry();
        JsonFactory factory = JacksonOracle.MAPPER.getFactory();

        Map<String, LineTask> tasks = new LinkedHashMap<>();
        Map<String, String[]> inputs = new LinkedHashMap<>();
        TraefikLogParser pipeline = TraefikLogParser.essentialFields("auto", false, new ValueCaches());
        LineTask parseString = (line, bytes) -> {
            parser.parseInto(line, reused);
            return reused.downstreamStatus;
        };
        LineTask parseBytes = (line, bytes) -> {
            parser.parseInto(bytes, 0, bytes.length, reused);
            return reused.downstreamStatus;
        };
        LineTask pipelineBytes = (line, bytes) -> {
            pipeline.parseInto(bytes, 0, bytes.length, reused);
            return reused.downstreamStatus;
        };
        tasks.put("TraefikLogParser.parseInto, json", parseString);
        inputs.put("TraefikLogParser.parseInto, json", json);
        tasks.put("parseInto bytes, json", parseBytes);
        inputs.put("parseInto bytes, json", json);
        tasks.put("pipeline bytes, json", pipelineBytes);
        inputs.put("pipeline bytes, json", json);
        // Lines outside Traefik's plain shape: escapes, non-ASCII, whitespace, nesting (the in-place scanner hands
        // them on); the figure is what such a line costs, not a throughput anyone sees (they are rare).
        tasks.put("pipeline bytes, json, rare shapes", pipelineBytes);
        inputs.put("pipeline bytes, json, rare shapes", jsonRare);
        tasks.put("Jackson readTree (tree only)", (line, bytes) -> JacksonOracle.MAPPER.readTree(line).size());
        inputs.put("Jackson readTree (tree only)", json);
        tasks.put("Jackson streaming -> AccessLogEntry", (line, bytes) -> {
            jacksonStreaming(factory, line, reused);
            return reused.downstreamStatus;
        });
        inputs.put("Jackson streaming -> AccessLogEntry", json);
        tasks.put("TraefikLogParser.parseInto, common", parseString);
        inputs.put("TraefikLogParser.parseInto, common", common);
        tasks.put("pipeline bytes, common", pipelineBytes);
        inputs.put("pipeline bytes, common", common);
        tasks.put("pipeline bytes, common, rare shapes", pipelineBytes);
        inputs.put("pipeline bytes, common, rare shapes", commonRare);
        tasks.keySet().removeIf(name -> !name.contains(only));

        for (Map.Entry<String, LineTask> task : tasks.entrySet()) { // warm-up: let the JIT compile every loop
            runFor(inputs.get(task.getKey()), 1.5, task.getValue());
        }
        int rounds = 10;
        Map<String, List<Double>> perCpuSecond = new LinkedHashMap<>();
        Map<String, List<Double>> perWallSecond = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, LineTask> task : tasks.entrySet()) {
                long[] run = runFor(inputs.get(task.getKey()), seconds / rounds, task.getValue());
                perCpuSecond.computeIfAbsent(task.getKey(), k -> new ArrayList<>()).add(run[0] / (run[2] / 1e9));
                perWallSecond.computeIfAbsent(task.getKey(), k -> new ArrayList<>()).add(run[0] / (run[1] / 1e9));
            }
        }
        System.out.printf("%-40s %-34s %-34s %s%n", "", "per CPU-second: best (median)", "per wall-second: best (median)",
                "CPU ns/line: best (median)");
        for (String name : perCpuSecond.keySet()) {
            List<Double> cpu = sorted(perCpuSecond.get(name));
            List<Double> wall = sorted(perWallSecond.get(name));
            System.out.printf("%-40s %,11.0f (%,11.0f) lines/s   %,11.0f (%,11.0f) lines/s   %,7.0f (%,7.0f)%n", name,
                    cpu.get(cpu.size() - 1), cpu.get(cpu.size() / 2), wall.get(wall.size() - 1), wall.get(wall.size() / 2),
                    1e9 / cpu.get(cpu.size() - 1), 1e9 / cpu.get(cpu.size() / 2));
        }
    }

    private static List<Double> sorted(List<Double> values) {
        Collections.sort(values);
        return values;
    }

    /** Returns {lines, wall nanos, this thread's CPU nanos}. */
    private static long[] runFor(String[] lines, double seconds, LineTask task) throws Exception {
        byte[][] bytes = new byte[lines.length][];
        for (int i = 0; i < lines.length; i++) {
            bytes[i] = lines[i].getBytes(StandardCharsets.UTF_8);
        }
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long count = 0;
        long acc = 0;
        long now;
        do {
            for (int i = 0; i < lines.length; i++) {
                acc += task.run(lines[i], bytes[i]);
            }
            count += lines.length;
        } while ((now = System.nanoTime()) < deadline);
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        sink = acc;
        return new long[] {count, now - start, cpu};
    }

    /** What a straightforward stock-Jackson implementation of the same mapping would look like. */
    private static void jacksonStreaming(JsonFactory factory, String line, AccessLogEntry e) throws Exception {
        e.reset();
        try (JsonParser p = factory.createParser(line)) {
            p.nextToken();
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken token = p.nextToken();
                switch (name) {
                    case "ClientAddr": e.clientAddr = p.getText(); break;
                    case "ClientHost": e.clientHost = p.getText(); break;
                    case "ClientPort": e.clientPort = Integer.parseInt(p.getText()); break;
                    case "ClientUsername": e.clientUsername = p.getText(); break;
                    case "DownstreamStatus": e.downstreamStatus = p.getIntValue(); break;
                    case "DownstreamContentSize": e.downstreamContentSize = p.getLongValue(); break;
                    case "OriginStatus": e.originStatus = p.getIntValue(); break;
                    case "OriginContentSize": e.originContentSize = p.getLongValue(); break;
                    case "Duration": e.durationNanos = p.getLongValue(); break;
                    case "OriginDuration": e.originDurationNanos = p.getLongValue(); break;
                    case "Overhead": e.overheadNanos = p.getLongValue(); break;
                    case "RequestAddr": e.requestAddr = p.getText(); break;
                    case "RequestHost": e.requestHost = p.getText(); break;
                    case "RequestPort": e.requestPort = p.getText(); break;
                    case "RequestMethod": e.requestMethod = p.getText(); break;
                    case "RequestPath": e.requestPath = p.getText(); break;
                    case "RequestProtocol": e.requestProtocol = p.getText(); break;
                    case "RequestScheme": e.requestScheme = p.getText(); break;
                    case "RequestContentSize": e.requestContentSize = p.getLongValue(); break;
                    case "RequestCount": e.requestCount = p.getLongValue(); break;
                    case "RouterName": e.routerName = p.getText(); break;
                    case "ServiceName": e.serviceName = p.getText(); break;
                    case "ServiceURL": e.serviceUrl = p.getText(); break;
                    case "ServiceAddr": e.serviceAddr = p.getText(); break;
                    case "entryPointName": e.entryPointName = p.getText(); break;
                    case "RetryAttempts": e.retryAttempts = p.getIntValue(); break;
                    case "StartUTC": // our timestamp parser, so that only the JSON handling differs
                        String start = p.getText();
                        e.startMillis = Timestamps.parseRfc3339(start, 0, start.length());
                        break;
                    default:
                        if (name.startsWith("request_")) {
                            e.putHeader(name, p.getText());
                        } else if (token.isStructStart()) {
                            p.skipChildren();
                        }
                }
            }
        }
    }

    /** Each fixture line with one rare shape, in turn: escapes or non-ASCII in a kept value, whitespace, nesting. */
    private static String[] rareJson(String[] lines) {
        String[] rare = new String[lines.length];
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            rare[i] = switch (i % 4) {
                case 0 -> line.replace("\"RequestPath\":\"", "\"RequestPath\":\"/q?a=1\\u0026b=\\\"2\\\"");
                case 1 -> line.replace("\"RequestPath\":\"", "\"RequestPath\":\"/caf\u00e9");
                case 2 -> line.replace("\":", "\": ").replace(",\"", ", \"");
                default -> line.replace("\"level\":\"info\"", "\"level\":{\"a\":[1,{\"b\":\"c\"}]}");
            };
        }
        return rare;
    }

    /** Each common line with a non-ASCII char or an escaped quote in its user agent, in turn. */
    private static String[] rareCommon(String[] lines) {
        String[] rare = new String[lines.length];
        for (int i = 0; i < lines.length; i++) {
            rare[i] = lines[i].replace("Mozilla/5.0", i % 2 == 0 ? "Mozilla/5.0 caf\u00e9" : "Mozilla/5.0 \\\"q\\\"");
        }
        return rare;
    }

    /** The line Traefik's CommonLogFormatter would have written for the same request. */
    private static String toCommon(JsonNode n) {
        return n.get("ClientHost").asText() + " - " + n.get("ClientUsername").asText() + " ["
                + CLF_TIME.format(Instant.parse(n.get("StartUTC").asText())) + "] \""
                + n.get("RequestMethod").asText() + " " + n.get("RequestPath").asText() + " "
                + n.get("RequestProtocol").asText() + "\" " + n.get("DownstreamStatus").asInt() + " "
                + n.get("DownstreamContentSize").asLong() + " \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" "
                + n.get("RequestCount").asLong() + " \"" + n.get("RouterName").asText() + "\" \""
                + n.get("ServiceURL").asText() + "\" " + n.get("Duration").asLong() / 1_000_000 + "ms";
    }

    private static int avgLength(String[] lines) {
        long total = 0;
        for (String line : lines) {
            total += line.length();
        }
        return (int) (total / lines.length);
    }
}
