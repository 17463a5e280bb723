package io.trafficviz.source.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a {@code POST /ingest} body into Traefik access-log lines, whatever log shipper sent it.
 *
 * <ul>
 *   <li>Raw lines, one per line (JSON or CLF; Vector's {@code text} codec, curl, a file): each line as it is.</li>
 *   <li>One JSON object per line (Vector's {@code json} codec with {@code newline_delimited} framing, Fluent Bit's
 *       {@code json_lines}; several objects on one line, Fluent Bit's {@code json_stream}, work too): an object that
 *       is itself a Traefik entry (it has {@code DownstreamStatus} or {@code OriginStatus}, as when Fluent Bit's tail
 *       input parsed the line as JSON and added {@code date}) is used whole; otherwise its {@code message} (Vector's
 *       file source) or {@code log} (Fluent Bit's tail input) string is the line.</li>
 *   <li>A JSON array of such objects or strings (Vector's {@code json} codec with its default framing, Fluent Bit's
 *       {@code json} format).</li>
 * </ul>
 *
 * Anything that is none of these goes to the parser as it is and is counted there as malformed.
 */
final class PushPayload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectReader VALUES = JSON.readerFor(JsonNode.class);
    private static final ObjectReader ARRAY = JSON.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PushPayload() {
    }

    static List<String> lines(String body) throws IntakeException {
        int first = firstNonBlank(body, 0, body.length());
        if (first < 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (body.charAt(first) == '[') {
            JsonNode array;
            try {
                array = ARRAY.readTree(body.substring(first));
            } catch (JsonProcessingException e) {
                throw new IntakeException(400, "the body starts with '[' but is not a JSON array: "
                        + e.getOriginalMessage());
            }
            for (JsonNode element : array) {
                out.add(unwrap(element, null));
            }
            return out;
        }
        int start = 0;
        int n = body.length();
        while (start < n) {
            int nl = body.indexOf('\n', start);
            int end = nl < 0 ? n : nl;
            int from = firstNonBlank(body, start, end);
            if (from >= 0) {
                String line = body.substring(from, trimEnd(body, from, end));
                if (line.charAt(0) == '{') {
                    objects(line, out);
                } else {
                    out.add(line);
                }
            }
            start = end + 1;
        }
        return out;
    }

    /** One line holding one JSON object (or several, concatenated). */
    private static void objects(String line, List<String> out) {
        List<JsonNode> nodes = new ArrayList<>(1);
        try (MappingIterator<JsonNode> it = VALUES.readValues(line)) {
            while (it.hasNextValue()) {
                nodes.add(it.nextValue());
            }
        } catch (Exception notJson) { // IOException or a RuntimeJsonMappingException from the iterator
            out.add(line); // the parser reports exactly what is wrong with it
            return;
        }
        if (nodes.size() == 1) {
            out.add(unwrap(nodes.get(0), line));
        } else {
            for (JsonNode node : nodes) {
                out.add(unwrap(node, null));
            }
        }
    }

    /**
     * The Traefik line a shipper's event carries. {@code original} is the event's own text when it was one line, so a
     * Traefik entry is passed on byte for byte rather than re-serialised.
     */
    static String unwrap(JsonNode event, String original) {
        if (event.isTextual()) {
            return event.asText();
        }
        if (event.isObject()) {
            if (isTraefikEntry(event)) {
                return original != null ? original : event.toString();
            }
            for (String key : new String[]{"message", "log"}) {
                JsonNode v = event.get(key);
                if (v != null && v.isTextual()) {
                    return v.asText();
                }
                if (v != null && v.isObject() && isTraefikEntry(v)) {
                    return v.toString(); // a shipper that parsed the line into the message field
                }
            }
        }
        return original != null ? original : event.toString();
    }

    private static boolean isTraefikEntry(JsonNode object) {
        return object.has("DownstreamStatus") || object.has("OriginStatus");
    }

    private static int firstNonBlank(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\uFEFF')) {
                return i;
            }
        }
        return -1;
    }

    private static int trimEnd(String s, int from, int to) {
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t' || s.charAt(to - 1) == '\r')) {
            to--;
        }
        return to;
    }
}
