package io.trafficviz.source.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Settings of the Kafka source, beside it as {@code PushOptions} are beside the push source; built from the YAML
 * {@code kafka:} section by the wiring.
 *
 * @param client           the Kafka consumer's properties: brokers, group, TLS/SASL and tuning, as given
 * @param topics           the topics to read, or empty when {@code topicPattern} is set
 * @param topicPattern     topic names to read (matched whole), or null; its named groups {@code server} and
 *                         {@code proxy} name the proxy of a topic's records
 * @param payload          what a record's value is
 * @param attribution      where a record's proxy is named
 * @param proxiesByServer  the configured proxies, server by server: which names a record may claim
 * @param storedOffsets    by origin ({@code kafka:server/proxy}), how far the history store holds that origin's lines
 *                         ({@link OffsetState}); empty without history
 * @param offsetListener   told each origin's offset state once its lines went to ingest (the history writer's
 *                         queue), or null without history
 */
public record KafkaOptions(Map<String, Object> client, List<String> topics, Pattern topicPattern, Payload payload,
                           Attribution attribution, Map<String, List<String>> proxiesByServer,
                           Map<String, String> storedOffsets, OffsetListener offsetListener) {
    public KafkaOptions {
        client = Map.copyOf(client);
        topics = List.copyOf(topics);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        proxiesByServer.forEach((server, proxies) -> copy.put(server, List.copyOf(proxies)));
        proxiesByServer = java.util.Collections.unmodifiableMap(copy);
        storedOffsets = Map.copyOf(storedOffsets);
        if (topics.isEmpty() == (topicPattern == null)) {
            throw new IllegalArgumentException("topics or a topic pattern, one of them");
        }
    }

    /** What a record's value holds. */
    public enum Payload {
        /** Raw lines or the Vector/Fluent Bit JSON envelopes, as {@code POST /ingest} takes them. */
        LINES,
        /** The OpenTelemetry Collector's Kafka exporter, {@code encoding: otlp_proto}. */
        OTLP_PROTO,
        /** The OpenTelemetry Collector's Kafka exporter, {@code encoding: otlp_json}. */
        OTLP_JSON;

        public static Payload of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * Where a record's server and proxy come from, first found first: a record header, a field of a JSON payload, the
     * topic name's named groups, the fixed names. Any may be null.
     */
    public record Attribution(String serverHeader, String proxyHeader, String serverField, String proxyField,
                              String server, String proxy) {
        public static final Attribution NONE = new Attribution(null, null, null, null, null, null);
    }

    /** Where each origin's offsets go once its lines are counted: to the history writer, after their requests. */
    @FunctionalInterface
    public interface OffsetListener {
        void applied(String origin, String state);
    }
}
