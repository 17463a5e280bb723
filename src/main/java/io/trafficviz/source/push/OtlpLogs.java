package io.trafficviz.source.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.trafficviz.source.push.ProtoReader.ProtoException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an OTLP {@code ExportLogsServiceRequest} (protobuf or OTLP/JSON) into the little the receiver uses: each
 * resource's attributes and, per log record, its body and attributes. Scopes, timestamps, severities and ids are
 * skipped: the access-log fields carry what trafficviz needs.
 *
 * <p>Attribute and body values become plain Java values: {@code String}, {@code Long}, {@code Double},
 * {@code Boolean}, {@code byte[]}, {@code List} or {@code Map} (nested values), or null for an empty AnyValue.
 */
final class OtlpLogs {
    /** Nested arrays and key-value lists deeper than this are refused rather than recursed into. */
    private static final int MAX_DEPTH = 32;

    record Resource(Map<String, Object> attributes, List<LogRecord> records) {
    }

    record LogRecord(Object body, Map<String, Object> attributes) {
    }

    static final class DecodeException extends Exception {
        DecodeException(String message) {
            super(message);
        }
    }

    private OtlpLogs() {
    }

    // ---- protobuf (opentelemetry/proto/collector/logs/v1/logs_service.proto and logs/v1/logs.proto)

    static List<Resource> fromProtobuf(byte[] body) throws DecodeException {
        Collected out = new Collected();
        try {
            OtlpStream.protobuf(new java.io.ByteArrayInputStream(body), out, Integer.MAX_VALUE);
        } catch (IntakeException | java.io.IOException e) {
            throw new DecodeException(e.getMessage()); // a byte array neither fails to read nor refuses
        }
        return out.resources;
    }

    /** The whole request at once, for tests and fuzzing: what the streaming readers hand on, collected. */
    private static final class Collected implements OtlpStream.Records {
        final List<Resource> resources = new ArrayList<>();
        private Map<String, Object> attributes;
        private List<LogRecord> records;

        @Override
        public void startResourceLogs() {
            attributes = new LinkedHashMap<>();
            records = new ArrayList<>();
        }

        @Override
        public void resource(Map<String, Object> resourceAttributes) {
            attributes.putAll(resourceAttributes);
        }

        @Override
        public void record(LogRecord record) {
            records.add(record);
        }

        @Override
        public void oversized() {
            // not with an unlimited record size
        }

        @Override
        public void endResourceLogs() {
            resources.add(new Resource(attributes, records));
        }
    }

    /** Resource { repeated KeyValue attributes = 1; } */
    static Map<String, Object> resourceAttributes(ProtoReader resource) throws ProtoException {
        Map<String, Object> attributes = new LinkedHashMap<>();
        while (resource.hasMore()) {
            int rtag = resource.readTag();
            if (ProtoReader.field(rtag) == 1) {
                ProtoReader.expect(rtag, ProtoReader.LEN);
                keyValue(resource.readMessage(), attributes, 0);
            } else {
                resource.skip(rtag);
            }
        }
        return attributes;
    }

    static LogRecord logRecord(ProtoReader in) throws ProtoException {
        Object body = null;
        Map<String, Object> attributes = new LinkedHashMap<>();
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (ProtoReader.field(tag)) {
                case 5 -> { // AnyValue body = 5
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    body = anyValue(in.readMessage(), 0);
                }
                case 6 -> { // repeated KeyValue attributes = 6
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    keyValue(in.readMessage(), attributes, 0);
                }
                default -> in.skip(tag);
            }
        }
        return new LogRecord(body, attributes);
    }

    /** KeyValue { string key = 1; AnyValue value = 2; } */
    private static void keyValue(ProtoReader in, Map<String, Object> into, int depth) throws ProtoException {
        String key = null;
        Object value = null;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (ProtoReader.field(tag)) {
                case 1 -> {
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    key = in.readString();
                }
                case 2 -> {
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    value = anyValue(in.readMessage(), depth);
                }
                default -> in.skip(tag);
            }
        }
        if (key != null) {
            into.put(key, value);
        }
    }

    /** AnyValue: a oneof of string (1), bool (2), int64 (3), double (4), array (5), kvlist (6), bytes (7). */
    private static Object anyValue(ProtoReader in, int depth) throws ProtoException {
        if (depth > MAX_DEPTH) {
            throw new ProtoException("values nested deeper than " + MAX_DEPTH);
        }
        Object value = null;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (ProtoReader.field(tag)) {
                case 1 -> {
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    value = in.readString();
                }
                case 2 -> {
                    ProtoReader.expect(tag, ProtoReader.VARINT);
                    value = in.readVarint() != 0;
                }
                case 3 -> {
                    ProtoReader.expect(tag, ProtoReader.VARINT);
                    value = in.readVarint();
                }
                case 4 -> {
                    ProtoReader.expect(tag, ProtoReader.FIXED64);
                    value = Double.longBitsToDouble(in.readFixed64());
                }
                case 5 -> { // ArrayValue { repeated AnyValue values = 1; }
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    ProtoReader array = in.readMessage();
                    List<Object> list = new ArrayList<>();
                    while (array.hasMore()) {
                        int atag = array.readTag();
                        if (ProtoReader.field(atag) == 1) {
                            ProtoReader.expect(atag, ProtoReader.LEN);
                            list.add(anyValue(array.readMessage(), depth + 1));
                        } else {
                            array.skip(atag);
                        }
                    }
                    value = list;
                }
                case 6 -> { // KeyValueList { repeated KeyValue values = 1; }
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    ProtoReader kvs = in.readMessage();
                    Map<String, Object> map = new LinkedHashMap<>();
                    while (kvs.hasMore()) {
                        int ktag = kvs.readTag();
                        if (ProtoReader.field(ktag) == 1) {
                            ProtoReader.expect(ktag, ProtoReader.LEN);
                            keyValue(kvs.readMessage(), map, depth + 1);
                        } else {
                            kvs.skip(ktag);
                        }
                    }
                    value = map;
                }
                case 7 -> {
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    value = in.readBytes();
                }
                default -> in.skip(tag);
            }
        }
        return value;
    }

    // ---- OTLP/JSON (lowerCamelCase field names; the proto names are accepted too, as protobuf's JSON mapping does)

    static List<Resource> fromJson(byte[] body) throws DecodeException {
        Collected out = new Collected();
        try {
            OtlpStream.json(new java.io.ByteArrayInputStream(body), out, Integer.MAX_VALUE);
        } catch (IntakeException | java.io.IOException e) {
            throw new DecodeException(e.getMessage());
        }
        return out.resources;
    }

    /** A resource's attributes, from its OTLP/JSON {@code resource} object. */
    static Map<String, Object> jsonResourceAttributes(JsonNode resource) throws DecodeException {
        Map<String, Object> attributes = new LinkedHashMap<>();
        keyValues(resource, attributes, 0);
        return attributes;
    }

    /** One OTLP/JSON log record. */
    static LogRecord jsonLogRecord(JsonNode lr) throws DecodeException {
        Map<String, Object> recordAttributes = new LinkedHashMap<>();
        keyValues(lr, recordAttributes, 0);
        JsonNode body = lr.get("body");
        return new LogRecord(body == null ? null : jsonAnyValue(body, 0), recordAttributes);
    }

    /** The {@code attributes} list of {@code owner} into {@code into}. */
    private static void keyValues(JsonNode owner, Map<String, Object> into, int depth) throws DecodeException {
        if (owner == null) {
            return;
        }
        for (JsonNode kv : array(owner, "attributes", "attributes")) {
            keyValue(kv, into, depth);
        }
    }

    private static void keyValue(JsonNode kv, Map<String, Object> into, int depth) throws DecodeException {
        JsonNode key = kv.get("key");
        if (key == null || !key.isTextual()) {
            throw new DecodeException("an attribute without a string \"key\": " + abbreviate(kv));
        }
        JsonNode value = kv.get("value");
        into.put(key.asText(), value == null ? null : jsonAnyValue(value, depth));
    }

    private static Object jsonAnyValue(JsonNode v, int depth) throws DecodeException {
        if (depth > MAX_DEPTH) {
            throw new DecodeException("values nested deeper than " + MAX_DEPTH);
        }
        if (!v.isObject()) {
            throw new DecodeException("an AnyValue must be an object like {\"stringValue\": \"...\"}: " + abbreviate(v));
        }
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode x = e.getValue();
            switch (e.getKey()) {
                case "stringValue", "string_value":
                    return x.asText();
                case "boolValue", "bool_value":
                    return x.asBoolean();
                case "intValue", "int_value": // int64 is a JSON string in the proto3 mapping; numbers are accepted too
                    try {
                        return x.isIntegralNumber() ? x.longValue() : Long.parseLong(x.asText().trim());
                    } catch (NumberFormatException ex) {
                        throw new DecodeException("intValue is not a whole number: " + abbreviate(x));
                    }
                case "doubleValue", "double_value":
                    if (x.isNumber()) {
                        return x.doubleValue();
                    }
                    try {
                        return Double.parseDouble(x.asText().trim());
                    } catch (NumberFormatException ex) {
                        throw new DecodeException("doubleValue is not a number: " + abbreviate(x));
                    }
                case "bytesValue", "bytes_value":
                    try {
                        return Base64.getDecoder().decode(x.asText());
                    } catch (IllegalArgumentException ex) {
                        return x.asText();
                    }
                case "arrayValue", "array_value": {
                    List<Object> list = new ArrayList<>();
                    for (JsonNode item : array(x, "values", "values")) {
                        list.add(jsonAnyValue(item, depth + 1));
                    }
                    return list;
                }
                case "kvlistValue", "kvlist_value": {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (JsonNode kv : array(x, "values", "values")) {
                        keyValue(kv, map, depth + 1);
                    }
                    return map;
                }
                default:
                    // unknown member: ignored, as OTLP/JSON receivers must
            }
        }
        return null;
    }

    private static JsonNode field(JsonNode node, String camel, String snake) {
        JsonNode v = node.get(camel);
        return v != null ? v : node.get(snake);
    }

    private static Iterable<JsonNode> array(JsonNode node, String camel, String snake) throws DecodeException {
        JsonNode v = field(node, camel, snake);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new DecodeException("\"" + camel + "\" must be a JSON array");
        }
        return v;
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
