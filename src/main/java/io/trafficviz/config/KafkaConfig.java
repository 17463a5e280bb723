package io.trafficviz.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code kafka:} section: Traefik access-log records consumed from Kafka topics (docs/fleet.md). A top-level
 * section of its own, as {@code ingest:} is for pushes: a source that is not one proxy's file, whose records name
 * their proxy themselves (or by topic), so it sits beside {@code servers:} rather than under a proxy.
 *
 * @param bootstrapServers the brokers, {@code host:port,...}
 * @param groupId          the consumer group: replicas of trafficviz that should each see every line use different
 *                         groups; instances of one group split the partitions
 * @param topics           the topics to read, or empty when {@code topicPattern} is set
 * @param topicPattern     a regular expression for topic names, or null; its named groups {@code server} and
 *                         {@code proxy} name the proxy that wrote a topic's records
 * @param payload          {@code lines} (raw lines and the Vector/Fluent Bit JSON envelopes {@code /ingest} takes),
 *                         {@code otlp_proto} or {@code otlp_json} (the OpenTelemetry Collector's Kafka exporter)
 * @param server           the server every record comes from, unless the record names another, or null
 * @param proxy            the proxy every record comes from, unless the record names another, or null
 * @param serverHeader     the record header naming the server, or null
 * @param proxyHeader      the record header naming the proxy, or null
 * @param serverField      the field of a JSON payload naming the server, or null
 * @param proxyField       the field of a JSON payload naming the proxy, or null
 * @param startAt          where a group with no committed offset starts: {@code latest} or {@code earliest}
 * @param properties       passed to the Kafka client as they are: TLS, SASL and any tuning ({@code security.protocol},
 *                         {@code sasl.jaas.config}, {@code ssl.truststore.location}, ...); values may be {@code ${VAR}}
 */
public record KafkaConfig(String bootstrapServers, String groupId, List<String> topics, String topicPattern,
                          String payload, String server, String proxy, String serverHeader, String proxyHeader,
                          String serverField, String proxyField, String startAt, Map<String, String> properties) {
    public static final Set<String> PAYLOADS = Set.of("lines", "otlp_proto", "otlp_json");
    private static final Set<String> KEYS = Set.of("bootstrapServers", "groupId", "topics", "topicPattern", "payload",
            "server", "proxy", "serverHeader", "proxyHeader", "serverField", "proxyField", "startAt", "properties");
    /** Set by trafficviz itself: a user's value would break the source's guarantees. */
    private static final Set<String> OWN_PROPERTIES = Set.of("bootstrap.servers", "group.id", "enable.auto.commit",
            "key.deserializer", "value.deserializer", "auto.offset.reset");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    public KafkaConfig {
        topics = List.copyOf(topics);
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** The section as {@link ConfigLoader} finds it: missing (null: no Kafka source) or a map. */
    static KafkaConfig parse(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ConfigException("kafka", "must be a map of keys to values");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!KEYS.contains(field)) {
                throw new ConfigException("kafka." + field, "unknown key; known keys here: "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        String bootstrap = text(node, "bootstrapServers");
        if (bootstrap == null) {
            throw new ConfigException("kafka.bootstrapServers", "is required: the brokers as host:port[,host:port]");
        }
        String group = text(node, "groupId");
        List<String> topics = topics(node.path("topics"));
        String pattern = text(node, "topicPattern");
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new ConfigException("kafka.topicPattern", "is not a regular expression: " + e.getDescription());
            }
        }
        if (topics.isEmpty() == (pattern == null)) {
            throw new ConfigException("kafka.topics", "give either topics (a list of names) or topicPattern (a regular "
                    + "expression), not both and not neither");
        }
        String payload = text(node, "payload");
        if (payload == null) {
            payload = "lines";
        }
        if (!PAYLOADS.contains(payload)) {
            throw new ConfigException("kafka.payload", "must be one of lines, otlp_proto, otlp_json (was '" + payload
                    + "')");
        }
        String startAt = text(node, "startAt");
        if (startAt == null) {
            startAt = "latest";
        }
        if (!startAt.equals("latest") && !startAt.equals("earliest")) {
            throw new ConfigException("kafka.startAt", "must be latest or earliest (was '" + startAt + "')");
        }
        return new KafkaConfig(bootstrap, group == null ? "trafficviz" : group, topics, pattern, payload,
                text(node, "server"), text(node, "proxy"), text(node, "serverHeader"), text(node, "proxyHeader"),
                text(node, "serverField"), text(node, "proxyField"), startAt, properties(node.path("properties")));
    }

    private static List<String> topics(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException("kafka.topics", "must be a list of topic names");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String name = node.get(i).isTextual() ? node.get(i).asText().trim() : "";
            if (!TOPIC.matcher(name).matches()) {
                throw new ConfigException("kafka.topics[" + i + "]", "must be a topic name (letters, digits, '.', '_',"
                        + " '-'; was '" + node.get(i).asText() + "')");
            }
            out.add(name);
        }
        return out;
    }

    private static Map<String, String> properties(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new ConfigException("kafka.properties", "must be a map of Kafka client properties to values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "kafka.properties." + e.getKey();
            if (OWN_PROPERTIES.contains(e.getKey())) {
                throw new ConfigException(key, "is set by trafficviz (use kafka.bootstrapServers, kafka.groupId, "
                        + "kafka.startAt); offsets are committed by trafficviz once the lines are counted");
            }
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new ConfigException(key, "must be a single value");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new ConfigException("kafka." + field, "must be text");
        }
        return v.asText().trim();
    }
}
