package io.trafficviz.source.push;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * Turns one OTLP log record from Traefik's {@code accessLog.otlp} export into an access-log line for the parser.
 *
 * <p>What Traefik v3.6 sends (pkg/middlewares/accesslog/logger.go and the otellogrus bridge it uses): the record's
 * <b>body</b> is the line its configured formatter would have written ({@code accessLog.format}: JSON, or a CLF line
 * by default), and its <b>attributes</b> are the same fields one by one, named as in the JSON format
 * ({@code DownstreamStatus}, {@code ServiceName}, {@code request_X-Network-Name}, ...), with durations as int64
 * nanoseconds and {@code StartUTC}/{@code StartLocal} as int64 Unix nanoseconds.
 *
 * <p>So: a JSON body is used as it is. Otherwise, when the attributes carry a status, they are written out as a JSON
 * line (richer than a CLF body, which lacks ServiceName and the headers). Otherwise the body text goes to the parser as
 * it is (a CLF line from another sender, say), and a record with neither is written out from its attributes so that
 * the malformed-line report shows what arrived.
 */
final class TraefikOtlpRecord {
    private static final JsonFactory JSON = new JsonFactory();

    private TraefikOtlpRecord() {
    }

    static String line(OtlpLogs.LogRecord record) {
        String body = record.body() instanceof String s ? s : null;
        if (body != null && startsWithBrace(body)) {
            return body;
        }
        Map<String, Object> attributes = record.attributes();
        boolean hasStatus = attributes.get("DownstreamStatus") instanceof Long
                || attributes.get("OriginStatus") instanceof Long;
        if (!hasStatus && body != null && !body.isBlank()) {
            return body;
        }
        return toJson(attributes);
    }

    private static boolean startsWithBrace(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{';
            }
        }
        return false;
    }

    /** The scalar attributes as one JSON object, timestamps as RFC 3339 text as Traefik's JSON format writes them. */
    static String toJson(Map<String, Object> attributes) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : attributes.entrySet()) {
                String key = e.getKey();
                Object v = e.getValue();
                if (v instanceof String s) {
                    g.writeStringField(key, s);
                } else if (v instanceof Long n) {
                    if (key.equals("StartUTC") || key.equals("StartLocal")) {
                        g.writeStringField(key, Instant.ofEpochSecond(0, n).toString());
                    } else {
                        g.writeNumberField(key, n);
                    }
                } else if (v instanceof Double d) {
                    if (Double.isFinite(d)) {
                        g.writeNumberField(key, d);
                    }
                } else if (v instanceof Boolean b) {
                    g.writeBooleanField(key, b);
                }
                // bytes, arrays and maps: Traefik sends none of its access-log fields that way
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
