package io.trafficviz.source.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.ServeProcess;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.source.LineBatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kafka source against a real KRaft broker ({@link KafkaBroker}): the graph it draws is the one the same lines
 * draw through ingest's door directly, a restart (kill -9) with history counts every line once, a poison record is
 * counted and passed, a missing topic is waited for, and a broker killed mid-stream loses nothing.
 */
class KafkaSourceIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String PROXY = "proxy:server-a/public-proxy";
    static final String SERVERS = """
            servers:
              - name: server-a
                proxies:
                  - name: public-proxy
                    role: public
                  - name: private-proxy
                    role: private
              - name: server-b
                proxies:
                  - name: edge
                    role: public
            """;

    @TempDir
    static Path brokerDir;
    static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    /** A Traefik JSON line of now, to service {@code svc<i % 5>}; every seventh fails. */
    static String line(int i) {
        int status = i % 7 == 0 ? 502 : 200;
        return "{\"ClientAddr\":\"10.0.0." + (i % 20 + 1) + ":4000\",\"ClientHost\":\"10.0.0." + (i % 20 + 1)
                + "\",\"DownstreamContentSize\":10,\"DownstreamStatus\":" + status + ",\"Duration\":1000000,"
                + "\"OriginStatus\":" + status + ",\"RequestHost\":\"a.example\",\"RequestMethod\":\"GET\","
                + "\"RequestPath\":\"/p" + (i % 13) + "\",\"RequestProtocol\":\"HTTP/1.1\",\"RouterName\":\"svc"
                + (i % 5) + "@file\",\"ServiceName\":\"svc" + (i % 5) + "@file\",\"ServiceURL\":\"http://10.1.0."
                + (i % 5 + 1) + ":80\",\"StartUTC\":\"" + Instant.now() + "\",\"entryPointName\":\"web\"}";
    }

    String config(String kafka, String extra) {
        return "listen: 127.0.0.1:0\n" + extra + SERVERS + "kafka:\n  bootstrapServers: " + broker.bootstrap() + "\n"
                + "  startAt: earliest\n" + kafka;
    }

    static JsonNode info(String base) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/network_info")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** Every edge's requests and errors, by "source -> target". */
    static Map<String, String> edges(JsonNode info) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode e : info.path("edges")) {
            out.put(e.path("source").asText() + " -> " + e.path("target").asText(),
                    e.path("requests").asLong() + " requests, " + e.path("errors").asLong() + " errors");
        }
        return out;
    }

    static long requestsInto(JsonNode info, String target) {
        long n = 0;
        for (JsonNode e : info.path("edges")) {
            if (e.path("target").asText().equals(target)) {
                n += e.path("requests").asLong();
            }
        }
        return n;
    }

    static JsonNode source(JsonNode info, String origin) {
        for (JsonNode s : info.path("ingest").path("sources")) {
            if (s.path("path").asText().equals(origin)) {
                return s;
            }
        }
        return JSON.missingNode();
    }

    static void await(String what, long seconds, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static long requestsIntoQuietly(String base, String target) {
        try {
            return requestsInto(info(base), target);
        } catch (Exception e) {
            return -1;
        }
    }

    static void produce(String topic, List<byte[]> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, v));
            }
            producer.flush();
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theGraphIsTheOneTheSameLinesDrawThroughIngestDirectly() throws Exception {
        broker.createTopic("traefik.server-a.public-proxy", 4);
        List<String> lines = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String line = line(i);
            lines.add(line);
            // Raw lines, Vector's envelope and Fluent Bit's: the shapes /ingest takes.
            values.add(utf8(switch (i % 3) {
                case 0 -> line;
                case 1 -> JSON.writeValueAsString(Map.of("message", line, "host", "edge-1"));
                default -> JSON.writeValueAsString(Map.of("log", line, "date", 1.7e9));
            }));
        }
        produce("traefik.server-a.public-proxy", values);
        String viaKafka = config("  topicPattern: 'traefik\\.(?<server>[^.]+)\\.(?<proxy>[^.]+)'\n  groupId: exact\n", "");
        String direct = "listen: 127.0.0.1:0\n" + SERVERS;
        try (TrafficvizApp kafka = TrafficvizApp.start(ConfigLoader.parse(viaKafka, dir));
             TrafficvizApp reference = TrafficvizApp.start(ConfigLoader.parse(direct, dir))) {
            reference.ingest().register("reference", List.of("server-a/public-proxy"), "auto");
            reference.ingest().accept(LineBatch.of("reference", lines));
            String base = "http://127.0.0.1:" + kafka.port();
            await("3,000 lines through Kafka", 90, () -> requestsIntoQuietly(base, PROXY) >= 3000);
            JsonNode got = info(base);
            JsonNode expected = info("http://127.0.0.1:" + reference.port());
            assertThat(edges(got)).isEqualTo(edges(expected));
            assertThat(requestsInto(got, PROXY)).isEqualTo(3000);
            JsonNode origin = source(got, "kafka:server-a/public-proxy");
            assertThat(origin.path("lines").asLong()).isEqualTo(3000);
            assertThat(origin.path("malformed").asLong()).isZero();
            await("the lag to be known and zero", 30, () -> lagsOf(base).stream().allMatch(l -> l == 0)
                    && lagsOf(base).size() == 4);
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("trafficviz_kafka_lag_records{consumer=\"kafka-group:exact\","
                    + "topic=\"traefik.server-a.public-proxy\",partition=\"3\"} 0");
            assertThat(metrics).contains("trafficviz_kafka_records_total{consumer=\"kafka-group:exact\"} 3000");
        }
    }

    static List<Long> lagsOf(String base) {
        List<Long> out = new ArrayList<>();
        try {
            for (JsonNode s : info(base).path("ingest").path("sources")) {
                for (JsonNode p : s.path("partitions")) {
                    out.add(p.path("lag").asLong());
                }
            }
        } catch (Exception e) {
            out.add(-2L);
        }
        return out;
    }

    @Test
    void otlpRecordsNameTheirProxyByResource() throws Exception {
        broker.createTopic("otlp-logs", 1);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String request = "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                    + "\"value\":{\"stringValue\":\"edge\"}}]},\"scopeLogs\":[{\"logRecords\":[{\"body\":{"
                    + "\"stringValue\":" + JSON.writeValueAsString(line(i)) + "}},{\"body\":{\"stringValue\":"
                    + JSON.writeValueAsString(line(i + 1)) + "}}]}]}]}";
            values.add(utf8(request));
        }
        produce("otlp-logs", values);
        String yaml = config("  topics: [otlp-logs]\n  payload: otlp_json\n  groupId: otlp\n", "");
        try (TrafficvizApp app = TrafficvizApp.start(ConfigLoader.parse(yaml, dir))) {
            String base = "http://127.0.0.1:" + app.port();
            await("100 OTLP records", 60, () -> requestsIntoQuietly(base, "proxy:server-b/edge") >= 100);
            Thread.sleep(500);
            assertThat(requestsInto(info(base), "proxy:server-b/edge")).isEqualTo(100);
        }
    }

    @Test
    void aPoisonRecordIsCountedAndThePartitionMovesOn() throws Exception {
        broker.createTopic("poison", 1);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            producer.send(new ProducerRecord<>("poison", utf8(line(1))));
            producer.send(new ProducerRecord<>("poison", new byte[]{(byte) 0xC3, 0x28, 0, 1, 2, '{', '"'}));
            producer.send(new ProducerRecord<>("poison", utf8("this is no access-log line")));
            ProducerRecord<byte[], byte[]> unknown = new ProducerRecord<>("poison", utf8(line(2)));
            unknown.headers().add("proxy", utf8("no-such-proxy"));
            producer.send(unknown);
            producer.send(new ProducerRecord<>("poison", new byte[0]));
            producer.send(new ProducerRecord<>("poison", utf8(line(3))));
            producer.flush();
        }
        String yaml = config("  topics: [poison]\n  groupId: poison\n  server: server-a\n  proxy: public-proxy\n"
                + "  proxyHeader: proxy\n", "");
        try (TrafficvizApp app = TrafficvizApp.start(ConfigLoader.parse(yaml, dir))) {
            String base = "http://127.0.0.1:" + app.port();
            await("the two good lines", 60, () -> requestsIntoQuietly(base, PROXY) >= 2);
            await("every record read", 30, () -> lagsOf(base).equals(List.of(0L)));
            JsonNode info = info(base);
            assertThat(requestsInto(info, PROXY)).isEqualTo(2);
            JsonNode consumer = source(info, "kafka-group:poison");
            assertThat(consumer.path("records").asLong()).isEqualTo(6);
            // Bytes that are no text, a proxy nobody configured, no value at all: records that give no line.
            assertThat(consumer.path("malformedRecords").asLong()).as(consumer.toString()).isEqualTo(3);
            assertThat(consumer.path("recentMalformedRecords").toString()).contains("not UTF-8 text")
                    .contains("unknown proxy 'no-such-proxy'").contains("no value");
            // Text that is no access-log line is a line the parser refuses: malformed for its source, as in a file.
            JsonNode origin = source(info, "kafka:server-a/public-proxy");
            assertThat(origin.path("malformed").asLong()).as(origin.toString()).isEqualTo(1);
        }
    }

    @Test
    void aTopicThatDoesNotExistYetIsWaitedForAndSaid() throws Exception {
        String yaml = config("  topics: [later]\n  groupId: later\n  server: server-a\n  proxy: public-proxy\n", "");
        try (TrafficvizApp app = TrafficvizApp.start(ConfigLoader.parse(yaml, dir))) {
            String base = "http://127.0.0.1:" + app.port();
            await("the consumer to say it waits", 30,
                    () -> waitingFor(base).contains("topic later does not exist yet"));
            broker.createTopic("later", 2);
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                values.add(utf8(line(i)));
            }
            produce("later", values);
            await("the 40 lines", 60, () -> requestsIntoQuietly(base, PROXY) >= 40);
            assertThat(requestsInto(info(base), PROXY)).isEqualTo(40);
            await("the wait to be over", 15, () -> waitingFor(base).isEmpty());
        }
    }

    static String waitingFor(String base) {
        try {
            JsonNode c = source(info(base), "kafka-group:later");
            return c.path("waitingFor").asText("");
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void aKillNineOfServeMidStreamWithHistoryLosesNoLineAndCountsNoneTwice() throws Exception {
        broker.createTopic("restart", 3);
        int total = 30_000;
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, config("  topics: [restart]\n  groupId: restart\n  server: server-a\n"
                + "  proxy: public-proxy\n", "stateDir: " + dir.resolve("state") + "\n"));
        AtomicInteger sent = new AtomicInteger();
        Thread producing = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
                for (int i = 0; i < total; i++) {
                    producer.send(new ProducerRecord<>("restart", utf8(line(i))));
                    if (sent.incrementAndGet() % 250 == 0) {
                        Thread.sleep(100); // about 2,500 lines a second: 12 s of lines
                    }
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (ServeProcess first = ServeProcess.start(config, List.of("-Xmx512m"))) {
            producing.start();
            await("some lines counted", 60, () -> requestsIntoQuietly(first.base(), PROXY) > 1000);
            first.process().destroyForcibly().waitFor();
        }
        assertThat(sent.get()).as("the kill came mid-stream").isLessThan(total);
        try (ServeProcess second = ServeProcess.start(config, List.of("-Xmx512m"))) {
            producing.join(120_000);
            await("every line", 90, () -> requestsIntoQuietly(second.base(), PROXY) >= total);
            Thread.sleep(2000); // anything counted twice would show by now
            assertThat(requestsInto(info(second.base()), PROXY)).as(second.output()).isEqualTo(total);
        }
        try (ServeProcess third = ServeProcess.start(config, List.of("-Xmx512m"))) {
            // The store alone (restored, nothing new to read): each line once.
            await("the restored graph", 60, () -> requestsIntoQuietly(third.base(), PROXY) >= total);
            Thread.sleep(2000);
            assertThat(requestsInto(info(third.base()), PROXY)).as(third.output()).isEqualTo(total);
        }
    }

    @Test
    void aBrokerKilledMidStreamAndRestartedLosesNothing(@TempDir Path ownBroker) throws Exception {
        try (KafkaBroker own = KafkaBroker.start(ownBroker)) {
            own.createTopic("survive", 2);
            int total = 10_000;
            String yaml = "listen: 127.0.0.1:0\n" + SERVERS + "kafka:\n  bootstrapServers: " + own.bootstrap()
                    + "\n  startAt: earliest\n  topics: [survive]\n  server: server-a\n  proxy: public-proxy\n";
            try (TrafficvizApp app = TrafficvizApp.start(ConfigLoader.parse(yaml, dir));
                 KafkaProducer<byte[], byte[]> producer = own.producer()) {
                String base = "http://127.0.0.1:" + app.port();
                for (int i = 0; i < total / 2; i++) {
                    producer.send(new ProducerRecord<>("survive", utf8(line(i))));
                }
                producer.flush();
                await("some lines", 60, () -> requestsIntoQuietly(base, PROXY) > 0);
                own.kill();
                Thread restarting = new Thread(() -> {
                    try {
                        Thread.sleep(3000);
                        own.restart();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                restarting.start();
                for (int i = total / 2; i < total; i++) {
                    // The first sends wait for the broker's return (the producer has no leader to send to).
                    producer.send(new ProducerRecord<>("survive", utf8(line(i))));
                }
                restarting.join();
                producer.flush();
                await("every line after the broker's return", 120, () -> requestsIntoQuietly(base, PROXY) >= total);
                Thread.sleep(1000);
                assertThat(requestsInto(info(base), PROXY)).isEqualTo(total);
            }
        }
    }
}
