package io.trafficviz.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expected AccessLogEntry for a JSON line, computed independently with Jackson's tree model, applying the
 * mapping rules the scanner promises (normalising "-", numeric strings, timestamp fall-backs, header prefixes).
 */
final class JacksonOracle {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/traefik-3.4");

    private JacksonOracle() {
    }

    static List<String> fixtureLines() {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files.sorted()
                    .flatMap(JacksonOracle::readLines)
                    .filter(line -> !line.isBlank())
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws IllegalArgumentException where the scanner must report the line as malformed. */
    static AccessLogEntry expected(String line) throws IOException {
        JsonNode n = MAPPER.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        AccessLogEntry e = new AccessLogEntry();
        e.format = AccessLogEntry.Format.JSON;
        e.clientAddr = text(n, "ClientAddr");
        e.clientHost = text(n, "ClientHost");
        e.firstClientHost = e.clientHost == null ? null : e.clientHost.split(",", -1)[0].trim();
        if ("".equals(e.firstClientHost)) {
            e.firstClientHost = null;
        }
        e.clientPort = (int) number(n, "ClientPort");
        e.clientUsername = text(n, "ClientUsername");
        boolean hasDownstream = present(n, "DownstreamStatus");
        boolean hasOrigin = present(n, "OriginStatus");
        if (!hasDownstream && !hasOrigin) {
            throw new IllegalArgumentException("no status");
        }
        e.originStatus = (int) number(n, "OriginStatus");
        e.downstreamStatus = hasDownstream ? (int) number(n, "DownstreamStatus") : e.originStatus;
        e.downstreamContentSize = number(n, "DownstreamContentSize");
        e.originContentSize = number(n, "OriginContentSize");
        e.durationNanos = number(n, "Duration");
        e.originDurationNanos = number(n, "OriginDuration");
        e.overheadNanos = number(n, "Overhead");
        e.requestAddr = text(n, "RequestAddr");
        e.requestHost = text(n, "RequestHost");
        e.requestPort = text(n, "RequestPort");
        e.requestMethod = text(n, "RequestMethod");
        e.requestPath = text(n, "RequestPath");
        e.requestProtocol = text(n, "RequestProtocol");
        e.requestScheme = text(n, "RequestScheme");
        e.requestContentSize = number(n, "RequestContentSize");
        e.requestCount = number(n, "RequestCount");
        e.routerName = text(n, "RouterName");
        e.serviceName = text(n, "ServiceName");
        JsonNode url = n.get("ServiceURL");
        e.serviceUrl = url != null && url.isObject() ? v2Url(url) : text(n, "ServiceURL");
        e.serviceAddr = text(n, "ServiceAddr");
        e.entryPointName = text(n, "entryPointName");
        e.retryAttempts = (int) number(n, "RetryAttempts");
        long start = millis(n, "StartUTC");
        if (start == Long.MIN_VALUE) {
            start = millis(n, "StartLocal");
        }
        if (start == Long.MIN_VALUE) {
            start = millis(n, "time");
        }
        e.startMillis = start == Long.MIN_VALUE ? 0 : start;
        e.tlsVersion = text(n, "TLSVersion");
        e.tlsCipher = text(n, "TLSCipher");
        e.tlsClientSubject = text(n, "TLSClientSubject");
        JsonNode ratio = n.get("GzipRatio");
        e.gzipRatio = ratio != null && ratio.isNumber() ? ratio.asDouble() : 0;
        e.traceId = lastText(n, "TraceId", "trace_id");
        e.spanId = lastText(n, "SpanId", "span_id");
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            boolean header = (key.startsWith("request_") && key.length() > 8)
                    || (key.startsWith("downstream_") && key.length() > 11)
                    || (key.startsWith("origin_") && key.length() > 7);
            JsonNode value = field.getValue();
            if (header && !value.isNull() && !value.isContainerNode()) {
                e.putHeader(key, value.isTextual() ? value.textValue() : value.toString());
            }
        }
        return e;
    }

    static void assertSameEntry(AccessLogEntry actual, AccessLogEntry expected, String line) {
        assertThat(actual).as(line).usingRecursiveComparison().isEqualTo(expected);
    }

    private static boolean present(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && !v.isNull() && !(v.isTextual() && (v.textValue().isEmpty() || v.textValue().equals("-")));
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.isTextual() ? v.textValue() : v.toString();
        return s.isEmpty() || s.equals("-") ? null : s;
    }

    /** Whichever of two alias keys appears last in the line wins, as with duplicate keys. */
    private static String lastText(JsonNode n, String a, String b) {
        String result = null;
        for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals(a) || name.equals(b)) {
                result = text(n, name);
            }
        }
        return result;
    }

    private static long number(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw new IllegalArgumentException(key + " out of range");
            }
            return v.longValue();
        }
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (!(d >= -9.2e18 && d <= 9.2e18)) {
                throw new IllegalArgumentException(key + " out of range");
            }
            return (long) d;
        }
        if (v.isTextual()) {
            String s = v.textValue();
            if (s.isEmpty() || s.equals("-")) {
                return 0;
            }
            if (!s.matches("-?[0-9]{1,18}")) {
                throw new IllegalArgumentException(key + " is not a number");
            }
            return Long.parseLong(s);
        }
        throw new IllegalArgumentException(key + " is not a number");
    }

    private static long millis(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            return Long.MIN_VALUE;
        }
        try {
            return OffsetDateTime.parse(v.textValue()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    private static String v2Url(JsonNode url) {
        String scheme = text(url, "Scheme");
        String host = text(url, "Host");
        String path = text(url, "RawPath") != null ? text(url, "RawPath") : text(url, "Path");
        StringBuilder b = new StringBuilder();
        if (scheme != null) {
            b.append(scheme).append(':');
        }
        if (host != null) {
            b.append("//").append(host);
        }
        if (path != null) {
            b.append(path);
        }
        if (text(url, "RawQuery") != null) {
            b.append('?').append(text(url, "RawQuery"));
        }
        return b.length() == 0 ? null : b.toString();
    }
}
