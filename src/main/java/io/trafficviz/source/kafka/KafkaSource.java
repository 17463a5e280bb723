package io.trafficviz.source.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.source.LineBatch;
import io.trafficviz.source.LineSink;
import io.trafficviz.source.SourceRegistry;
import io.trafficviz.source.push.ShipperPayloads;
import io.trafficviz.telemetry.KafkaSourceStats;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;

/**
 * Traefik access-log records from Kafka topics, in the shapes shippers write them ({@link KafkaOptions.Payload}),
 * through the one door {@link LineSink#accept}, on a thread of its own ({@code kafka-source}).
 *
 * <p>At least once, and never twice in the history store: a poll's lines go to ingest first, then each origin's
 * offsets to the {@link KafkaOptions#offsetListener} (the history writer's queue, behind those lines' requests), then
 * the offsets are committed to Kafka. After a restart with history, the store's offsets win over Kafka's (a commit can
 * be ahead of a store that was killed before it wrote its queue): each partition is read again from the lowest offset
 * any origin's stored state has, and a record whose origin's state is past it is skipped.
 *
 * <p>A record that gives no line (a payload that is not what it should be, or one naming no configured proxy) is
 * counted as a malformed record, with its reason, and the partition moves on; a line that does not parse is counted by
 * ingest as malformed for its origin, as for a file.
 */
public final class KafkaSource implements AutoCloseable {
    /** Lines of the Kafka source come from origins {@code kafka:server/proxy} (or {@code kafka:server}). */
    public static final String PREFIX = "kafka:";
    /** The consumer itself, in {@code /network_info}'s sources: lag per partition. */
    public static final String CONSUMER_PREFIX = "kafka-group:";
    private static final Logger log = LoggerFactory.getLogger(KafkaSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BATCH_LINES = 4096;
    private static final int MAX_BATCH_BYTES = 256 * 1024;
    private static final long TOPIC_CHECK_NANOS = 5_000_000_000L;
    private static final long ALL_ORIGINS_NANOS = 2_000_000_000L;
    private static final int RECENT_ERRORS = 5;

    private final KafkaOptions options;
    private final LineSink sink;
    private final SourceRegistry registry;
    private final String consumerOrigin;
    /** By origin: what the store holds of it, per partition (dedupe after a restart). */
    private final Map<String, Map<String, Long>> stored = new HashMap<>();
    /** Per partition ({@code topic/partition}), the offset after the last record whose lines went to ingest. */
    private final Map<String, Long> applied = new TreeMap<>();
    private final Map<String, LineBatch> batches = new LinkedHashMap<>();
    private final Set<String> touched = new LinkedHashSet<>();
    /** Origins whose offsets went to the listener this run. */
    private final Set<String> announced = new java.util.HashSet<>();
    /** Per partition, the offset this poll's first record had (or where the run was before it). */
    private final Map<String, Long> pollStart = new TreeMap<>();
    private final Map<String, Target> targets = new HashMap<>();
    private final Map<String, Target> targetsByOrigin = new HashMap<>();
    private final Set<TopicPartition> seekedOnce = new java.util.HashSet<>();
    private final Map<String, KafkaSourceStats.Partition> partitions = new ConcurrentHashMap<>();
    private final java.util.Deque<String> recentErrors = new java.util.ArrayDeque<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile String state = "starting";
    private volatile String waitingFor;
    private volatile String lastError;
    private volatile long records;
    private volatile long malformedRecords;
    private volatile long skippedRecords;
    private long lastTopicCheck;
    private long lastAllOrigins;

    /** The origin a record's lines go to, and the proxies it may name. */
    private record Target(String origin, List<String> proxies) {
    }

    /** A record that names no configured proxy, or cannot be read: counted, never thrown out of the poll loop. */
    private static final class PoisonRecord extends Exception {
        PoisonRecord(String message) {
            super(message);
        }
    }

    public KafkaSource(KafkaOptions options, LineSink sink, SourceRegistry registry) {
        this.options = options;
        this.sink = sink;
        this.registry = registry;
        this.consumerOrigin = CONSUMER_PREFIX + options.client().getOrDefault("group.id", "trafficviz");
        registry.register(consumerOrigin, List.of(), "auto");
        options.storedOffsets().forEach((origin, text) -> {
            try {
                stored.put(origin, OffsetState.parse(text));
            } catch (IllegalArgumentException e) {
                log.warn("History: the Kafka offsets kept for {} are unreadable ({}); its lines are read from Kafka's "
                        + "committed offsets", origin, e.getMessage());
            }
        });
        this.thread = new Thread(this::run, "kafka-source");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public String consumerOrigin() {
        return consumerOrigin;
    }

    // ---- the consumer's thread

    private void run() {
        Map<String, Object> props = new HashMap<>(options.client());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            ConsumerRebalanceListener rebalance = new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    commit(c);
                    revoked.forEach(tp -> partitions.remove(key(tp)));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    seekToStored(c, assigned);
                }
            };
            if (options.topicPattern() != null) {
                c.subscribe(options.topicPattern(), rebalance);
            } else {
                c.subscribe(options.topics(), rebalance);
            }
            try {
                while (running) {
                    pollOnce(c);
                }
            } catch (WakeupException | org.apache.kafka.common.errors.InterruptException closing) {
                // close() woke the poll: the loop ends
            }
            commitOnClose(c);
        } catch (RuntimeException e) {
            state = "failing";
            lastError = e.toString();
            log.error("Kafka source stopped: {}", e.toString(), e);
        }
    }

    private void pollOnce(KafkaConsumer<byte[], byte[]> c) {
        ConsumerRecords<byte[], byte[]> polled;
        try {
            polled = c.poll(Duration.ofMillis(200));
        } catch (RecordDeserializationException e) {
            // A record the client itself cannot read (a corrupt batch): counted, and the partition moves past it.
            malformed(e.topicPartition() + "@" + e.offset() + ": " + e.getMessage());
            c.seek(e.topicPartition(), e.offset() + 1);
            return;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            state = "failing";
            lastError = e.toString();
            log.warn("Kafka source: {}", e.toString());
            sleep(1000);
            return;
        }
        if (!polled.isEmpty()) {
            apply(polled);
            commit(c);
        }
        if (waitingFor == null) {
            state = c.assignment().isEmpty() ? "starting" : "consuming";
        }
        lag(c);
        checkTopics(c);
    }

    private void apply(ConsumerRecords<byte[], byte[]> polled) {
        pollStart.clear();
        pollStart.putAll(applied);
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = polled.records(tp);
            if (!list.isEmpty()) {
                pollStart.putIfAbsent(key(tp), list.get(0).offset());
            }
        }
        for (TopicPartition tp : polled.partitions()) {
            String partition = key(tp);
            for (ConsumerRecord<byte[], byte[]> record : polled.records(tp)) {
                records++;
                try {
                    read(record, partition);
                } catch (PoisonRecord e) {
                    malformed(partition + "@" + record.offset() + ": " + e.getMessage());
                }
                applied.put(partition, record.offset() + 1);
            }
        }
        flushAll();
        KafkaOptions.OffsetListener listener = options.offsetListener();
        if (listener != null) {
            long now = System.nanoTime();
            Collection<String> origins = touched;
            if (now - lastAllOrigins > ALL_ORIGINS_NANOS) {
                // Quiet origins move too, or a restart would read their partitions again from their last line on.
                lastAllOrigins = now;
                origins = new LinkedHashSet<>(touched);
                for (Target t : targets.values()) {
                    origins.add(t.origin());
                }
            }
            for (String origin : origins) {
                listener.applied(origin, OffsetState.format(stateOf(origin)));
            }
        }
        touched.clear();
    }

    /** The origin's stored offsets, moved on by every partition read this run. */
    private Map<String, Long> stateOf(String origin) {
        return merged(origin, applied);
    }

    /**
     * The origin's stored offsets with {@code reached} over them, partition by partition the further: while a restart
     * reads a partition again below what the store holds of this origin, its lines there are kept already.
     */
    private Map<String, Long> merged(String origin, Map<String, Long> reached) {
        Map<String, Long> out = new TreeMap<>(stored.getOrDefault(origin, Map.of()));
        reached.forEach((partition, offset) -> out.merge(partition, offset, Math::max));
        return out;
    }

    private void read(ConsumerRecord<byte[], byte[]> record, String partition) throws PoisonRecord {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            throw new PoisonRecord("the record has no value");
        }
        String server = header(record, options.attribution().serverHeader());
        String proxy = header(record, options.attribution().proxyHeader());
        if (options.topicPattern() != null && (server == null || proxy == null)) {
            Matcher m = options.topicPattern().matcher(record.topic());
            if (m.matches()) {
                server = server != null ? server : group(m, "server");
                proxy = proxy != null ? proxy : group(m, "proxy");
            }
        }
        try {
            switch (options.payload()) {
                case LINES -> lines(record, partition, value, server, proxy);
                case OTLP_PROTO, OTLP_JSON -> otlp(record, partition, value, server, proxy);
                default -> throw new IllegalStateException(options.payload().name());
            }
        } catch (ShipperPayloads.BadPayload e) {
            throw new PoisonRecord(e.getMessage());
        }
    }

    private void lines(ConsumerRecord<byte[], byte[]> record, String partition, byte[] value, String headerServer,
                       String headerProxy) throws PoisonRecord, ShipperPayloads.BadPayload {
        String server = headerServer;
        String proxy = headerProxy;
        KafkaOptions.Attribution a = options.attribution();
        if ((a.serverField() != null && server == null) || (a.proxyField() != null && proxy == null)) {
            JsonNode fields = envelope(value);
            if (fields != null) {
                server = server != null ? server : field(fields, a.serverField());
                proxy = proxy != null ? proxy : field(fields, a.proxyField());
            }
        }
        Target target = target(server != null ? server : a.server(), proxy != null ? proxy : a.proxy());
        if (isStored(target.origin(), partition, record.offset())) {
            skippedRecords++;
            return;
        }
        LineBatch batch = batch(target);
        ShipperPayloads.lines(value, new ShipperPayloads.Lines() {
            @Override
            public void bytes(byte[] buf, int from, int length) {
                batch.add(buf, from, length);
            }

            @Override
            public void text(String line) {
                batch.add(line);
            }
        });
        full(batch);
    }

    private void otlp(ConsumerRecord<byte[], byte[]> record, String partition, byte[] value, String recordServer,
                      String recordProxy) throws PoisonRecord, ShipperPayloads.BadPayload {
        KafkaOptions.Attribution a = options.attribution();
        String fallbackServer = recordServer != null ? recordServer : a.server();
        String fallbackProxy = recordProxy != null ? recordProxy : a.proxy();
        // Lines wait until the whole request decoded: a request that turns out bad gives none (as a push does).
        Map<String, List<String>> linesByTarget = new LinkedHashMap<>();
        String[] problem = new String[1];
        Target[] current = new Target[1];
        // A ResourceLogs' lines wait for its end: the Collector's protobuf puts the resource after its records.
        List<String> pending = new ArrayList<>();
        String[] unattributed = new String[1];
        ShipperPayloads.otlp(value, options.payload() == KafkaOptions.Payload.OTLP_JSON, new ShipperPayloads.OtlpLines() {
            @Override
            public void resource(Map<String, Object> attributes) {
                String server = text(attributes.get("trafficviz.server"));
                String proxy = text(attributes.get("trafficviz.proxy"));
                String serviceName = text(attributes.get("service.name"));
                if (proxy == null && serviceName != null && isProxyName(server != null ? server : fallbackServer,
                        serviceName)) {
                    proxy = serviceName;
                }
                try {
                    current[0] = target(server != null ? server : fallbackServer, proxy != null ? proxy : fallbackProxy);
                    unattributed[0] = null;
                } catch (PoisonRecord e) {
                    current[0] = null;
                    unattributed[0] = e.getMessage();
                }
            }

            @Override
            public void line(String line) {
                pending.add(line);
            }

            @Override
            public void endResource() {
                if (pending.isEmpty()) {
                    return;
                }
                if (current[0] != null) {
                    linesByTarget.computeIfAbsent(current[0].origin(), o -> new ArrayList<>()).addAll(pending);
                } else {
                    problem[0] = unattributed[0];
                }
                pending.clear();
            }

            @Override
            public void oversized() {
                problem[0] = "a log record longer than any access-log line";
            }
        });
        for (Map.Entry<String, List<String>> e : linesByTarget.entrySet()) {
            Target target = targetsByOrigin.get(e.getKey());
            if (isStored(target.origin(), partition, record.offset())) {
                skippedRecords++;
                continue;
            }
            LineBatch batch = batch(target);
            e.getValue().forEach(batch::add);
            full(batch);
        }
        if (problem[0] != null) {
            throw new PoisonRecord(problem[0]);
        }
    }

    private boolean isStored(String origin, String partition, long offset) {
        Map<String, Long> kept = stored.get(origin);
        Long upTo = kept == null ? null : kept.get(partition);
        return upTo != null && offset < upTo;
    }

    private LineBatch batch(Target target) {
        if (touched.add(target.origin()) && announced.add(target.origin()) && options.offsetListener() != null) {
            // An origin's first lines this run: its offsets as of this poll's start go first, so a store killed
            // before this poll's own offsets holds either none of these lines or, after the next start's trim,
            // none past that state (never lines no state covers, which would be read and kept again).
            options.offsetListener().applied(target.origin(), OffsetState.format(merged(target.origin(), pollStart)));
        }
        return batches.computeIfAbsent(target.origin(), o -> new LineBatch(o, 1024, 256 * 1024));
    }

    private void full(LineBatch batch) {
        if (batch.size() >= MAX_BATCH_LINES || batch.byteCount() >= MAX_BATCH_BYTES) {
            flush(batch);
        }
    }

    private void flushAll() {
        for (LineBatch batch : batches.values()) {
            flush(batch);
        }
    }

    private void flush(LineBatch batch) {
        if (!batch.isEmpty()) {
            sink.accept(batch);
            batch.clear();
        }
    }

    /** The origin for this server and proxy, registered with ingest on first use (as a push's is). */
    private Target target(String server, String proxy) throws PoisonRecord {
        String key = server + "\u0000" + proxy;
        Target known = targets.get(key);
        if (known != null) {
            return known;
        }
        if (targets.size() > 10_000) {
            throw new PoisonRecord("too many different proxy names");
        }
        Map<String, List<String>> byServer = options.proxiesByServer();
        if (server == null && proxy == null) {
            throw new PoisonRecord("the record names no proxy: set kafka.server/kafka.proxy, the headers or fields "
                    + "naming them, or a topicPattern with (?<server>...) and (?<proxy>...)");
        }
        if (server == null) {
            List<String> servers = new ArrayList<>();
            byServer.forEach((s, proxies) -> {
                if (proxies.contains(proxy)) {
                    servers.add(s);
                }
            });
            if (servers.size() != 1) {
                throw new PoisonRecord(servers.isEmpty() ? "unknown proxy '" + clip(proxy) + "'"
                        : "proxy '" + clip(proxy) + "' exists on servers " + String.join(", ", servers)
                        + ": name the server too");
            }
            server = servers.get(0);
        }
        List<String> serverProxies = byServer.get(server);
        if (serverProxies == null) {
            throw new PoisonRecord("unknown server '" + clip(server) + "'");
        }
        List<String> proxies = new ArrayList<>();
        String origin;
        if (proxy == null) {
            proxies.addAll(serverProxies);
            origin = PREFIX + server;
        } else {
            if (!serverProxies.contains(proxy)) {
                throw new PoisonRecord("unknown proxy '" + clip(proxy) + "' on server '" + clip(server) + "'");
            }
            proxies.add(proxy);
            origin = PREFIX + server + "/" + proxy;
        }
        String s = server;
        List<String> keys = proxies.stream().map(p -> s + "/" + p).toList();
        registry.register(origin, keys, "auto");
        Target target = new Target(origin, keys);
        targets.put(key, target);
        targetsByOrigin.put(origin, target);
        return target;
    }

    private boolean isProxyName(String server, String name) {
        if (server != null) {
            List<String> proxies = options.proxiesByServer().get(server);
            return proxies != null && proxies.contains(name);
        }
        return options.proxiesByServer().values().stream().anyMatch(p -> p.contains(name));
    }

    /**
     * Where each partition is read from when it is assigned. The first time in a run, with history: where the store's
     * lines of it end (lowest over its origins), or its beginning when the store holds Kafka offsets but none of this
     * partition (its first lines were still queued when the last run died, though Kafka's commit may be past them).
     * Later (back after a rebalance): where this run got to, as a commit may have failed meanwhile.
     */
    private void seekToStored(KafkaConsumer<byte[], byte[]> c, Collection<TopicPartition> assigned) {
        List<TopicPartition> fromBeginning = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            String partition = key(tp);
            Long at = applied.get(partition);
            if (!seekedOnce.add(tp)) {
                if (at != null) {
                    c.seek(tp, at);
                }
                continue;
            }
            Long lowest = null;
            for (Map<String, Long> kept : stored.values()) {
                Long in = kept.get(partition);
                if (in != null && (lowest == null || in < lowest)) {
                    lowest = in;
                }
            }
            if (lowest != null) {
                log.info("Kafka source: {} resumes at offset {}, where the history store's lines of it end", partition,
                        lowest);
                c.seek(tp, lowest);
            } else if (!stored.isEmpty()) {
                fromBeginning.add(tp);
            }
        }
        if (!fromBeginning.isEmpty()) {
            log.info("Kafka source: the history store holds no line of {} yet: read from their beginning",
                    fromBeginning);
            c.seekToBeginning(fromBeginning);
        }
    }

    private void commit(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : c.assignment()) {
            Long at = applied.get(key(tp));
            if (at != null) {
                offsets.put(tp, new OffsetAndMetadata(at));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        c.commitAsync(offsets, (done, e) -> {
            if (e != null) {
                lastError = "commit: " + e;
            }
        });
    }

    /** What was counted is committed before the consumer leaves its group, so a successor starts after it. */
    private void commitOnClose(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : c.assignment()) {
            Long at = applied.get(key(tp));
            if (at != null) {
                offsets.put(tp, new OffsetAndMetadata(at));
            }
        }
        try {
            if (!offsets.isEmpty()) {
                c.commitSync(offsets, Duration.ofSeconds(5));
            }
        } catch (RuntimeException e) {
            log.warn("Kafka source: the last offsets could not be committed ({}); their lines are read again at the "
                    + "next start{}", e.toString(), options.offsetListener() == null ? "" : " unless history holds them");
        }
    }

    private void lag(KafkaConsumer<byte[], byte[]> c) {
        Set<String> assigned = new java.util.HashSet<>();
        for (TopicPartition tp : c.assignment()) {
            String partition = key(tp);
            assigned.add(partition);
            OptionalLong lag = c.currentLag(tp);
            long position;
            try {
                position = c.position(tp, Duration.ZERO);
            } catch (RuntimeException notYet) {
                position = applied.getOrDefault(partition, -1L);
            }
            partitions.put(partition, new KafkaSourceStats.Partition(tp.topic(), tp.partition(), position,
                    lag.isPresent() ? lag.getAsLong() : -1));
        }
        partitions.keySet().retainAll(assigned);
    }

    private void checkTopics(KafkaConsumer<byte[], byte[]> c) {
        long now = System.nanoTime();
        if (now - lastTopicCheck < TOPIC_CHECK_NANOS && lastTopicCheck != 0) {
            return;
        }
        lastTopicCheck = now;
        String waiting = null;
        if (options.topicPattern() == null) {
            Set<String> existing;
            try {
                existing = c.listTopics(Duration.ofSeconds(5)).keySet();
            } catch (KafkaException e) {
                return; // the brokers are away: the poll says so
            }
            List<String> missing = options.topics().stream().filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                waiting = "topic" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                        + (missing.size() > 1 ? " do" : " does") + " not exist yet";
            }
        } else if (c.assignment().isEmpty()) {
            waiting = "no topic matches " + options.topicPattern().pattern() + " yet";
        }
        if (waiting != null && !waiting.equals(waitingFor)) {
            log.warn("Kafka source: {}; waiting for it", waiting);
        } else if (waiting == null && waitingFor != null) {
            log.info("Kafka source: every topic exists now");
        }
        waitingFor = waiting;
        state = waiting != null ? "waiting" : (records > 0 || !c.assignment().isEmpty() ? "consuming" : state);
    }

    private void malformed(String reason) {
        malformedRecords++;
        lastError = reason;
        synchronized (recentErrors) {
            if (recentErrors.size() == RECENT_ERRORS) {
                recentErrors.removeFirst();
            }
            recentErrors.addLast(reason);
        }
    }

    private static JsonNode envelope(byte[] value) {
        int i = 0;
        while (i < value.length && (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' || value[i] == '\n')) {
            i++;
        }
        if (i == value.length || value[i] != '{') {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException notJson) {
            return null; // the parser says what is wrong with the line
        }
    }

    private static String field(JsonNode node, String name) {
        if (name == null) {
            return null;
        }
        JsonNode v = node.get(name);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText().trim() : null;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        if (name == null) {
            return null;
        }
        Header h = record.headers().lastHeader(name);
        if (h == null || h.value() == null) {
            return null;
        }
        String v = new String(h.value(), StandardCharsets.UTF_8).trim();
        return v.isEmpty() ? null : v;
    }

    private static String group(Matcher m, String name) {
        try {
            String v = m.group(name);
            return v == null || v.isEmpty() ? null : v;
        } catch (IllegalArgumentException noSuchGroup) {
            return null;
        }
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s.trim() : null;
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static String key(TopicPartition tp) {
        return tp.topic() + "/" + tp.partition();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- any thread

    public KafkaSourceStats snapshot() {
        List<KafkaSourceStats.Partition> list = new ArrayList<>(partitions.values());
        list.sort(java.util.Comparator.comparing(KafkaSourceStats.Partition::topic)
                .thenComparingInt(KafkaSourceStats.Partition::partition));
        return new KafkaSourceStats(consumerOrigin, state, waitingFor, records, malformedRecords, skippedRecords,
                lastError, list);
    }

    /** Extra {@code /network_info} fields: the consumer's own entry, and each of its origins'. */
    public Map<String, Object> details(String origin) {
        if (origin.equals(consumerOrigin)) {
            KafkaSourceStats s = snapshot();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", s.state());
            if (s.waitingFor() != null) {
                m.put("waitingFor", s.waitingFor());
            }
            m.put("records", s.records());
            m.put("malformedRecords", s.malformedRecords());
            m.put("skippedRecords", s.skippedRecords());
            if (s.lastError() != null) {
                m.put("lastError", s.lastError());
            }
            synchronized (recentErrors) {
                m.put("recentMalformedRecords", List.copyOf(recentErrors));
            }
            List<Map<String, Object>> parts = new ArrayList<>();
            for (KafkaSourceStats.Partition p : s.partitions()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("topic", p.topic());
                pm.put("partition", p.partition());
                pm.put("position", p.position());
                pm.put("lag", p.lag());
                parts.add(pm);
            }
            m.put("partitions", parts);
            return m;
        }
        if (origin.startsWith(PREFIX)) {
            return Map.of("state", "kafka", "consumer", consumerOrigin);
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
