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
    /** Trailing tokens must fail: readTree would otherwise silently ignore anything after the first value. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /**
     * For verdicts: the scanner checks every value of a repeated key, Jackson only keeps the last, so lines with
     * duplicate keys get no verdict.
     */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
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
        requireStrictUnicodeEscapes(line);
        JsonNode n = STRICT.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        AccessLogEntry e = new AccessLogEntry();
        e.format = AccessLogEntry.Format.JSON;
        e.clientAddr = text(n, "ClientAddr");
        e.clientHost = text(n, "ClientHost");
        e.firstClientHost = e.clientHost == null || !e.clientHost.contains(",") ? e.clientHost
                : e.clientHost.split(",", -1)[0].trim();
        if ("".equals(e.firstClientHost)) {
            e.firstClientHost = null;
        }
        e.clientPort = intNumber(n, "ClientPort", Integer.MIN_VALUE, Integer.MAX_VALUE);
        e.clientUsername = text(n, "ClientUsername");
        boolean hasDownstream = present(n, "DownstreamStatus");
        boolean hasOrigin = present(n, "OriginStatus");
        if (!hasDownstream && !hasOrigin) {
            throw new IllegalArgumentException("no status");
        }
        e.originStatus = intNumber(n, "OriginStatus", 0, 999);
        e.downstreamStatus = hasDownstream ? intNumber(n, "DownstreamStatus", 0, 999) : e.originStatus;
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
        e.retryAttempts = intNumber(n, "RetryAttempts", Integer.MIN_VALUE, Integer.MAX_VALUE);
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
        e.gzipRatio = ratio != null && ratio.isNumber() ? ratio.asDouble() : number(n, "GzipRatio");
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
                e.putHeader(key, value.isTextual() ? value.textValue() : rawText(value));
            }
        }
        return e;
    }

    private static final List<java.lang.reflect.Field> ENTRY_FIELDS = entryFields();

    /**
     * Jackson 2.21 decodes a backslash-u escape whose "hex digit" is a non-ASCII char by masking the char to 8 bits
     * (U+7F66 counts as 'f') instead of failing; found by the fuzz test. No verdict for such lines.
     */
    private static void requireStrictUnicodeEscapes(String line) throws IOException {
        for (int i = 0; i < line.length() - 1; i++) {
            if (line.charAt(i) != '\\') {
                continue;
            }
            if (line.charAt(i + 1) == 'u' && !line.substring(i + 2, Math.min(line.length(), i + 6))
                    .matches("[0-9a-fA-F]{4}")) {
                throw new IOException("bad \\u escape, which Jackson would accept");
            }
            i++; // skip the escaped char: an escaped backslash followed by 'u' is not an escape
        }
    }

    /**
     * Every field equal, the path's query-less form compared by value: it may be cached by the parser
     * ({@code pathBeforeQuery}), which an expected entry never is.
     */
    static void assertSameEntry(AccessLogEntry actual, AccessLogEntry expected, String line) {
        // A plain field loop first: AssertJ's recursive comparison is too slow for the fuzz test's 100k lines,
        // so it only runs to describe a difference.
        try {
            for (java.lang.reflect.Field field : ENTRY_FIELDS) {
                if (!java.util.Objects.equals(field.get(actual), field.get(expected))) {
                    assertThat(actual).as(line).usingRecursiveComparison().ignoringFields("pathBeforeQuery")
                            .isEqualTo(expected);
                    throw new AssertionError(field.getName() + " differs for " + line);
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        assertThat(actual.pathWithoutQuery()).as(line).isEqualTo(expected.pathWithoutQuery());
    }

    private static List<java.lang.reflect.Field> entryFields() {
        List<java.lang.reflect.Field> fields = new java.util.ArrayList<>();
        for (java.lang.reflect.Field field : AccessLogEntry.class.getDeclaredFields()) {
            if (!java.lang.reflect.Modifier.isStatic(field.getModifiers()) && !field.getName().equals("pathBeforeQuery")) {
                field.setAccessible(true);
                fields.add(field);
            }
        }
        return fields;
    }

    private static boolean present(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v != null && !v.isNull() && !(v.isTextual() && (v.textValue().isEmpty() || v.textValue().equals("-")));
    }

    private static String text(JsonNode n, String key) throws IOException {
        JsonNode v = n.get(key);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.isTextual() ? v.textValue() : rawText(v);
        return s.isEmpty() || s.equals("-") ? null : s;
    }

    /** The scanner keeps a number's JSON text; the tree model only knows it for integers and booleans. */
    private static String rawText(JsonNode v) throws IOException {
        if (v.isFloatingPointNumber()) {
            throw new IOException("a float in a text field: its JSON text is lost in the tree model");
        }
        return v.toString();
    }

    /** Whichever of two alias keys appears last in the line wins, as with duplicate keys. */
    private static String lastText(JsonNode n, String a, String b) throws IOException {
        String result = null;
        for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals(a) || name.equals(b)) {
                result = text(n, name);
            }
        }
        return result;
    }

    private static int intNumber(JsonNode n, String key, int min, int max) {
        long value = number(n, key);
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " out of range");
        }
        return (int) value;
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

    private static final java.util.regex.Pattern RFC3339 = java.util.regex.Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2})(?:\\.(\\d+))?([Zz]|[+-]\\d{2}:\\d{2})");

    private static long millis(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            return Long.MIN_VALUE;
        }
        // java.time is laxer than RFC 3339 (it takes "+02" or no seconds), so check the RFC shape first, and
        // stricter on the fraction (max 9 digits), so trim it; then let java.time do the calendar maths.
        java.util.regex.Matcher m = RFC3339.matcher(v.textValue());
        if (!m.matches()) {
            return Long.MIN_VALUE;
        }
        String fraction = m.group(2) == null ? "" : "." + (m.group(2) + "000000000").substring(0, 9);
        String zone = m.group(3).equalsIgnoreCase("z") ? "Z" : m.group(3);
        try {
            String dateTime = m.group(1).replace('t', 'T');
            return OffsetDateTime.parse(dateTime + fraction + zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Go's url.URL.String(), without user info. */
    private static String v2Url(JsonNode url) throws IOException {
        String scheme = text(url, "Scheme");
        String host = text(url, "Host");
        String path = text(url, "RawPath") != null ? text(url, "RawPath") : text(url, "Path");
        StringBuilder b = new StringBuilder();
        if (scheme != null) {
            b.append(scheme).append(':');
        }
        if (text(url, "Opaque") != null) {
            b.append(text(url, "Opaque"));
        } else {
            if (host != null) {
                b.append("//").append(host);
            }
            if (path != null) {
                b.append(host != null && !path.startsWith("/") ? "/" : "").append(path);
            }
        }
        JsonNode forceQuery = url.get("ForceQuery");
        if (text(url, "RawQuery") != null || (forceQuery != null && forceQuery.isBoolean() && forceQuery.asBoolean())) {
            b.append('?').append(text(url, "RawQuery") == null ? "" : text(url, "RawQuery"));
        }
        if (text(url, "Fragment") != null) {
            b.append('#').append(text(url, "Fragment"));
        }
        return b.length() == 0 ? null : b.toString();
    }
}
