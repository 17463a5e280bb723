package io.trafficviz.source.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.trafficviz.source.push.IntakeTestSupport.JSON;
import static io.trafficviz.source.push.IntakeTestSupport.fixture;
import static io.trafficviz.source.push.IntakeTestSupport.get;
import static io.trafficviz.source.push.IntakeTestSupport.gzip;
import static io.trafficviz.source.push.IntakeTestSupport.post;
import static io.trafficviz.source.push.IntakeTestSupport.postForBytes;
import static io.trafficviz.source.push.IntakeTestSupport.requestsInto;
import static io.trafficviz.source.push.IntakeTestSupport.source;
import static io.trafficviz.source.push.IntakeTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/logs} with OTLP requests shaped like Traefik's access-log export (the record body is the formatted
 * line, the attributes are the fields one by one), in protobuf and OTLP/JSON. {@link RealTraefikOtlpIT} checks the
 * same against a real Traefik.
 */
class OtlpReceiverTest {
    static final String AUTH = "Bearer " + IngestEndpointTest.TOKEN;
    static final String PROTOBUF = "application/x-protobuf";

    @TempDir
    Path dir;
    TrafficvizApp app;
    String url;
    String base;

    @BeforeEach
    void start() {
        app = TrafficvizApp.start(ConfigLoader.parse(IngestEndpointTest.CONFIG.formatted(IngestEndpointTest.TOKEN), dir));
        base = "http://127.0.0.1:" + app.port();
        url = base + "/v1/logs";
    }

    @AfterEach
    void stop() {
        app.close();
    }

    // ---- building requests the way Traefik's exporter does

    /** Traefik's record for one JSON access-log line: the attributes as otellogrus converts the logrus fields. */
    static Map<String, Object> attributesOf(String jsonLine) throws Exception {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(jsonLine).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            JsonNode v = f.getValue();
            if (key.equals("level") || key.equals("msg") || key.equals("time")) {
                continue; // logrus' own keys are not fields
            }
            if (key.equals("StartUTC") || key.equals("StartLocal")) {
                Instant t = Instant.parse(v.asText());
                attributes.put(key, t.getEpochSecond() * 1_000_000_000L + t.getNano()); // time.Time → UnixNano
            } else if (v.isIntegralNumber()) {
                attributes.put(key, v.longValue());
            } else if (v.isNumber()) {
                attributes.put(key, v.doubleValue());
            } else {
                attributes.put(key, v.asText());
            }
        }
        return attributes;
    }

    static ProtoWriter anyValue(Object v) {
        ProtoWriter w = new ProtoWriter();
        if (v instanceof String s) {
            w.string(1, s);
        } else if (v instanceof Long n) {
            w.varint(3, n);
        } else if (v instanceof Double d) {
            w.fixed64(4, Double.doubleToLongBits(d));
        } else if (v instanceof Boolean b) {
            w.varint(2, b ? 1 : 0);
        }
        return w;
    }

    static ProtoWriter keyValue(String key, Object value) {
        return new ProtoWriter().string(1, key).message(2, anyValue(value));
    }

    static ProtoWriter logRecord(String body, Map<String, Object> attributes) {
        ProtoWriter r = new ProtoWriter().fixed64(1, System.currentTimeMillis() * 1_000_000L).varint(2, 9)
                .string(3, "info");
        if (body != null) {
            r.message(5, anyValue(body));
        }
        attributes.forEach((k, v) -> r.message(6, keyValue(k, v)));
        return r.fixed64(11, System.currentTimeMillis() * 1_000_000L);
    }

    static byte[] request(Map<String, Object> resource, List<ProtoWriter> records) {
        ProtoWriter res = new ProtoWriter();
        resource.forEach((k, v) -> res.message(1, keyValue(k, v)));
        ProtoWriter scope = new ProtoWriter().message(1, new ProtoWriter().string(1, "traefik"));
        records.forEach(r -> scope.message(2, r));
        ProtoWriter resourceLogs = new ProtoWriter().message(1, res).message(2, scope)
                .string(3, "https://opentelemetry.io/schemas/1.37.0");
        return new ProtoWriter().message(1, resourceLogs).toByteArray();
    }

    static Map<String, Object> resource(String... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host.name", "server-a-host");
        m.put("process.pid", 4242L);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** google.rpc.Status { int32 code = 1; string message = 2; } */
    static String statusMessage(byte[] body) throws Exception {
        ProtoReader in = new ProtoReader(body);
        String message = null;
        while (in.hasMore()) {
            int tag = in.readTag();
            if (ProtoReader.field(tag) == 2) {
                message = in.readString();
            } else {
                in.skip(tag);
            }
        }
        return message;
    }

    // ---- tests

    @Test
    void protobufGzipWithJsonBodiesAndServiceNameNamingTheProxy() throws Exception {
        List<ProtoWriter> records = new ArrayList<>();
        for (String line : fixture("public-proxy-access.json.log", 5)) {
            records.add(logRecord(line + "\n", attributesOf(line))); // logrus' JSON formatter ends with a newline
        }
        HttpResponse<byte[]> r = postForBytes(url, gzip(request(resource("service.name", "public-proxy"), records)),
                "Content-Type", PROTOBUF, "Content-Encoding", "gzip", "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains(PROTOBUF); // exactly: Go's exporter compares it
        assertThat(r.body()).isEmpty(); // ExportLogsServiceResponse without partial_success
        JsonNode info = get(base + "/network_info");
        assertThat(requestsInto(info, IngestEndpointTest.PUBLIC_PROXY)).isEqualTo(5);
        assertThat(requestsInto(info, IngestEndpointTest.PUBLIC_SERVICE)).isEqualTo(5);
        JsonNode src = source(info, "otlp:server-a/public-proxy");
        assertThat(src.path("lines").asLong()).isEqualTo(5);
        assertThat(src.path("state").asText()).isEqualTo("push");
    }

    @Test
    void withACommonBodyTheAttributesAreUsedHeadersIncluded() throws Exception {
        // accessLog.format common: the body is a CLF line without ServiceName or headers; the attributes have both,
        // so naming only the server still attributes each record to the proxy its network header names.
        List<String> lines = fixture("combined-access.json.log", 30);
        List<ProtoWriter> records = new ArrayList<>();
        for (String line : lines) {
            records.add(logRecord("172.24.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 21 \"-\" \"-\" 1"
                    + " \"some-router@file\" \"http://some-url\" 4677ms\n", attributesOf(line)));
        }
        long toPrivate = lines.stream().filter(l -> l.contains("\"private-server-proxy-network\"")).count();
        HttpResponse<byte[]> r = postForBytes(url,
                request(resource("service.name", "traefik", "trafficviz.server", "server-a"), records),
                "Content-Type", PROTOBUF, "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode info = get(base + "/network_info");
        assertThat(requestsInto(info, "proxy:server-a/private-proxy")).isEqualTo(toPrivate);
        assertThat(requestsInto(info, IngestEndpointTest.PUBLIC_PROXY)).isEqualTo(30 - toPrivate);
        assertThat(requestsInto(info, "service:server-a/some-router")).as("the CLF body was not used").isZero();
        assertThat(info.path("nodes").toString()).contains("service:server-a/private-non-communicating-service");
        assertThat(source(info, "otlp:server-a").path("malformed").asLong()).isZero();
    }

    @Test
    void otlpJsonWithResourceAttributesAndAPartialSuccess() throws Exception {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode rl = root.putArray("resourceLogs").addObject();
        ArrayNode resAttrs = rl.putObject("resource").putArray("attributes");
        resAttrs.addObject().put("key", "service.name").putObject("value").put("stringValue", "traefik");
        resAttrs.addObject().put("key", "trafficviz.server").putObject("value").put("stringValue", "server-b");
        resAttrs.addObject().put("key", "trafficviz.proxy").putObject("value").put("stringValue", "edge");
        ArrayNode logRecords = rl.putArray("scopeLogs").addObject().putArray("logRecords");
        for (String line : fixture("public-proxy-access.json.log", 3)) {
            ObjectNode rec = logRecords.addObject();
            rec.put("timeUnixNano", "1752576113384001772");
            rec.putObject("body").put("stringValue", line);
            ArrayNode attrs = rec.putArray("attributes");
            attributesOf(line).forEach((k, v) -> {
                ObjectNode value = attrs.addObject().put("key", k).putObject("value");
                if (v instanceof Long n) {
                    value.put("intValue", Long.toString(n)); // int64 as a string, per the proto3 JSON mapping
                } else {
                    value.put("stringValue", String.valueOf(v));
                }
            });
        }
        logRecords.addObject().putObject("body").put("stringValue", "traefik started");
        HttpResponse<String> r = post(url, utf8(root.toString()), "Content-Type", "application/json",
                "Authorization", AUTH);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode partial = JSON.readTree(r.body()).path("partialSuccess");
        assertThat(partial.path("rejectedLogRecords").asText()).isEqualTo("1");
        assertThat(partial.path("errorMessage").asText()).contains("1 of 4");
        JsonNode info = get(base + "/network_info");
        assertThat(requestsInto(info, "proxy:server-b/edge")).isEqualTo(3);
        JsonNode src = source(info, "otlp:server-b/edge");
        assertThat(src.path("malformed").asLong()).isEqualTo(1);
        assertThat(src.path("recentMalformed").toString()).contains("traefik started");
    }

    @Test
    void headersCanNameTheProxyAndProtobufPartialSuccessIsEncoded() throws Exception {
        String line = fixture("public-proxy-access.json.log", 1).get(0);
        byte[] body = request(resource("service.name", "traefik"),
                List.of(logRecord(line, attributesOf(line)), logRecord(null, Map.of("foo", "bar"))));
        HttpResponse<byte[]> r = postForBytes(url, body, "Content-Type", PROTOBUF, "Authorization", AUTH,
                "X-Trafficviz-Server", "server-a", "X-Trafficviz-Proxy", "public-proxy");
        assertThat(r.statusCode()).isEqualTo(200);
        // ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1 { rejected = 1; message = 2 } }
        ProtoReader response = new ProtoReader(r.body());
        int tag = response.readTag();
        assertThat(ProtoReader.field(tag)).isEqualTo(1);
        ProtoReader partial = response.readMessage();
        assertThat(ProtoReader.field(partial.readTag())).isEqualTo(1);
        assertThat(partial.readVarint()).isEqualTo(1);
        assertThat(ProtoReader.field(partial.readTag())).isEqualTo(2);
        assertThat(partial.readString()).contains("not Traefik access-log entries");
        JsonNode src = source(get(base + "/network_info"), "otlp:server-a/public-proxy");
        assertThat(src.path("lines").asLong()).isEqualTo(2);
        assertThat(src.path("recentMalformed").toString()).contains("foo").contains("bar");
    }

    @Test
    void aProxyThatCannotBeIdentifiedIs400AndNothingIsIngested() throws Exception {
        String line = fixture("public-proxy-access.json.log", 1).get(0);
        List<ProtoWriter> records = List.of(logRecord(line, attributesOf(line)));
        HttpResponse<byte[]> r = postForBytes(url, request(resource("service.name", "traefik"), records),
                "Content-Type", PROTOBUF, "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(statusMessage(r.body())).contains("service.name 'traefik' is no configured proxy's name")
                .contains("accesslog.otlp.serviceName").contains("trafficviz.proxy");
        r = postForBytes(url, request(resource("trafficviz.server", "server-a", "trafficviz.proxy", "nope"), records),
                "Content-Type", PROTOBUF, "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(statusMessage(r.body())).contains("unknown proxy 'nope' on server 'server-a'");
        assertThat(app.ingest().totals().lines()).isZero();
        assertThat(app.ingest().totals().sources()).isEmpty();
    }

    @Test
    void authContentTypeMalformedAndOversizedRequestsAreRefusedWithAStatus() throws Exception {
        String line = fixture("public-proxy-access.json.log", 1).get(0);
        byte[] body = request(resource("service.name", "public-proxy"), List.of(logRecord(line, Map.of())));
        HttpResponse<byte[]> r = postForBytes(url, body, "Content-Type", PROTOBUF);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(statusMessage(r.body())).contains("Authorization: Bearer");
        HttpResponse<String> json = post(url, utf8("{}"), "Content-Type", "application/json",
                "Authorization", "Bearer nope");
        assertThat(json.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(json.body()).path("code").asInt()).isEqualTo(16);
        r = postForBytes(url, body, "Content-Type", "text/plain", "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(415);
        r = postForBytes(url, java.util.Arrays.copyOf(body, body.length - 7), "Content-Type", PROTOBUF,
                "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(statusMessage(r.body())).contains("not a valid OTLP ExportLogsServiceRequest");
        json = post(url, utf8("{\"resourceLogs\": 7}"), "Content-Type", "application/json", "Authorization", AUTH);
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(json.body()).path("message").asText()).contains("resourceLogs");
        r = postForBytes(url, gzip(new byte[1 << 20]), "Content-Type", PROTOBUF, "Content-Encoding", "gzip",
                "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("ingest.maxBodyBytes");
        assertThat(app.ingest().totals().lines()).isZero();
        // An empty export (no records) is a success.
        r = postForBytes(url, new byte[0], "Content-Type", PROTOBUF, "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(200);
    }
}
