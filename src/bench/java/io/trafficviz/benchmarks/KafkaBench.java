package io.trafficviz.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.source.kafka.KafkaBroker;
import io.trafficviz.telemetry.KafkaSourceStats;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench/run kafka}: the kafka source on this machine with a real single-node KRaft broker on it (KafkaBroker,
 * a process of its own). Throughput: lines produced to a 4-partition topic beforehand, then read by trafficviz
 * (in-process, history off, as the ingest rows) as fast as it can, with the consumer's lag sampled every second.
 * Latency: lines produced at a steady rate carry System.nanoTime() in their path; a WebSocket client on
 * /access_logs records produce -> receipt.
 */
public final class KafkaBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaBench() {
    }

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        TrafficvizApp.quietKafkaClient();
        Path dir = Files.createTempDirectory("kafka-bench");
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            broker.createTopic("bench", 4);
            broker.createTopic("latency", 4);
            log("producing " + lines + " lines");
            long produceStart = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
                for (int i = 0; i < lines; i++) {
                    producer.send(new ProducerRecord<>("bench", line(i, "/p" + (i % 50)).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            log("produced in " + (System.nanoTime() - produceStart) / 1_000_000 + " ms");
            String yaml = """
                    listen: 127.0.0.1:0
                    servers:
                      - name: edge
                        proxies:
                          - name: public-proxy
                            role: public
                    kafka:
                      bootstrapServers: %s
                      topics: [bench, latency]
                      startAt: earliest
                      server: edge
                      proxy: public-proxy
                    """.formatted(broker.bootstrap());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("row", "kafka");
            try (TrafficvizApp app = TrafficvizApp.start(ConfigLoader.parse(yaml, dir))) {
                long first = 0;
                long maxLag = 0;
                long lastLag = 0;
                long cpuStart = cpuNanos();
                while (app.ingest().stats().totals().lines() < lines) {
                    long n = app.ingest().stats().totals().lines();
                    if (first == 0 && n > 0) {
                        first = System.nanoTime();
                        cpuStart = cpuNanos();
                    }
                    Thread.sleep(first == 0 ? 5 : 1000);
                    KafkaSourceStats s = app.kafka().snapshot();
                    lastLag = s.partitions().stream().mapToLong(p -> Math.max(0, p.lag())).sum();
                    maxLag = Math.max(maxLag, lastLag);
                    log("  " + app.ingest().stats().totals().lines() + " lines, lag " + lastLag);
                }
                double secondsTaken = (System.nanoTime() - first) / 1e9;
                out.put("lines", lines);
                out.put("seconds", Math.round(secondsTaken * 100) / 100.0);
                out.put("linesPerSecond", Math.round(lines / secondsTaken));
                out.put("cpuSecondsPerMillionLines", Math.round((cpuNanos() - cpuStart) / 1e9
                        / (lines / 1e6) * 100) / 100.0);
                out.put("maxLagRecords", maxLag);
                latency(app, broker, rate, seconds, out);
            }
            out.put("load", Bench.loadAverage());
            System.out.println(JSON.writeValueAsString(out));
        }
    }

    private static void latency(TrafficvizApp app, KafkaBroker broker, int rate, int seconds, Map<String, Object> out)
            throws Exception {
        Histogram micros = new Histogram(60_000_000L, 3);
        AtomicLong received = new AtomicLong();
        long[] measureFrom = {Long.MAX_VALUE};
        WebSocket ws = LiveBench.connect(app.port(), "/access_logs", text -> {
            long now = System.nanoTime();
            try {
                for (JsonNode e : JSON.readTree(text.toString()).path("entries")) {
                    long sent = LiveBench.sentNanos(e.path("path").asText());
                    if (sent > 0 && sent >= measureFrom[0]) {
                        synchronized (micros) {
                            micros.recordValue(Math.max(0, (now - sent) / 1000));
                        }
                        received.incrementAndGet();
                    }
                }
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        });
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.ACKS_CONFIG, "1"), new ByteArraySerializer(), new ByteArraySerializer())) {
            log("latency: warming up 5 s at " + rate + " lines/s");
            stream(producer, rate, 5);
            measureFrom[0] = System.nanoTime();
            log("latency: measuring " + seconds + " s");
            long sent = stream(producer, rate, seconds);
            Thread.sleep(1000);
            ws.abort();
            out.put("rate", rate);
            out.put("sent", sent);
            out.put("received", received.get());
            synchronized (micros) {
                out.put("p50Ms", micros.getValueAtPercentile(50) / 1000.0);
                out.put("p99Ms", micros.getValueAtPercentile(99) / 1000.0);
                out.put("maxMs", micros.getMaxValue() / 1000.0);
            }
        }
    }

    /** Lines at {@code rate} a second, each sent when due, carrying its send time in its path. */
    private static long stream(KafkaProducer<byte[], byte[]> producer, int rate, int seconds) throws Exception {
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        for (long i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 100_000) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            producer.send(new ProducerRecord<>("latency",
                    line((int) i, "/l?lat=" + System.nanoTime()).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        return total;
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024, ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static String line(int i, String path) {
        int status = i % 7 == 0 ? 502 : 200;
        return "{\"ClientAddr\":\"10.0.0." + (i % 20 + 1) + ":4000\",\"ClientHost\":\"10.0.0." + (i % 20 + 1)
                + "\",\"DownstreamContentSize\":10,\"DownstreamStatus\":" + status + ",\"Duration\":1000000,"
                + "\"OriginStatus\":" + status + ",\"RequestHost\":\"a.example\",\"RequestMethod\":\"GET\","
                + "\"RequestPath\":\"" + path + "\",\"RequestProtocol\":\"HTTP/1.1\",\"RouterName\":\"svc"
                + (i % 5) + "@file\",\"ServiceName\":\"svc" + (i % 5) + "@file\",\"ServiceURL\":\"http://10.1.0."
                + (i % 5 + 1) + ":80\",\"StartUTC\":\"" + Instant.now() + "\",\"entryPointName\":\"web\"}";
    }

    /** This process's CPU time (trafficviz's threads: the broker and the producer are elsewhere or done). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void log(String message) {
        System.err.println("[kafka-bench] " + message);
    }
}
