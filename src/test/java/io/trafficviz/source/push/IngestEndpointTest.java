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

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Flow;

import static io.trafficviz.source.push.IntakeTestSupport.HTTP;
import static io.trafficviz.source.push.IntakeTestSupport.JSON;
import static io.trafficviz.source.push.IntakeTestSupport.fixture;
import static io.trafficviz.source.push.IntakeTestSupport.get;
import static io.trafficviz.source.push.IntakeTestSupport.gzip;
import static io.trafficviz.source.push.IntakeTestSupport.post;
import static io.trafficviz.source.push.IntakeTestSupport.requestsInto;
import static io.trafficviz.source.push.IntakeTestSupport.source;
import static io.trafficviz.source.push.IntakeTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code POST /ingest} against a running trafficviz, in every payload shape Vector and Fluent Bit send; the lines are
 * the concept's recorded Traefik logs, and what they did to the graph is read back from {@code /network_info}.
 */
class IngestEndpointTest {
    static final String TOKEN = "s3cret-token";
    static final String CONFIG = """
            listen: 127.0.0.1:0
            ingest:
              token: %s
              maxBodyBytes: 65536
            servers:
              - name: server-a
                proxies:
                  - name: public-proxy
                    role: public
                    network: public-server-proxy-network
                  - name: private-proxy
                    role: private
                    network: private-server-proxy-network
              - name: server-b
                proxies:
                  - name: edge
                    role: public
            """;
    static final String PUBLIC_PROXY = "proxy:server-a/public-proxy";
    static final String PUBLIC_SERVICE = "service:server-a/public-communicating-service";
    static final String AUTH = "Bearer " + TOKEN;

    @TempDir
    Path dir;
    TrafficvizApp app;
    String base;

    @BeforeEach
    void start() {
        app = TrafficvizApp.start(ConfigLoader.parse(CONFIG.formatted(TOKEN), dir));
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private String ingest(String query) {
        return base + "/ingest" + query;
    }

    private static JsonNode accepted(HttpResponse<String> r, int accepted, int rejected) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("accepted").asInt()).as(r.body()).isEqualTo(accepted);
        assertThat(body.path("rejected").asInt()).as(r.body()).isEqualTo(rejected);
        return body;
    }

    private void assertPublicProxyGot(int requests) throws Exception {
        JsonNode info = get(base + "/network_info");
        assertThat(requestsInto(info, PUBLIC_PROXY)).isEqualTo(requests);
        assertThat(requestsInto(info, PUBLIC_SERVICE)).isEqualTo(requests);
        JsonNode src = source(info, "push:server-a/public-proxy");
        assertThat(src.path("lines").asLong()).isEqualTo(requests);
        assertThat(src.path("malformed").asLong()).isZero();
        assertThat(src.path("state").asText()).isEqualTo("push");
    }

    @Test
    void rawTraefikJsonLinesWithQueryParameters() throws Exception {
        List<String> lines = fixture("public-proxy-access.json.log", 20);
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), utf8(String.join("\n", lines) + "\n"),
                "Authorization", AUTH, "Content-Type", "text/plain"), 20, 0);
        assertPublicProxyGot(20);
        JsonNode src = source(get(base + "/network_info"), "push:server-a/public-proxy");
        assertThat(src.path("requests").asLong()).isEqualTo(1);
        assertThat(src.path("lastSender").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void vectorNewlineDelimitedJsonEventsWithHeadersAndGzip() throws Exception {
        // Vector's file source → http sink, encoding.codec = "json", framing.method = "newline_delimited".
        StringBuilder body = new StringBuilder();
        for (String line : fixture("public-proxy-access.json.log", 15)) {
            ObjectNode event = JSON.createObjectNode();
            event.put("file", "/var/log/traefik/public.log");
            event.put("host", "server-a");
            event.put("message", line);
            event.put("source_type", "file");
            event.put("timestamp", "2025-07-15T10:41:53.384Z");
            body.append(event).append('\n');
        }
        accepted(post(ingest(""), gzip(utf8(body.toString())), "Authorization", AUTH,
                "Content-Type", "application/x-ndjson", "Content-Encoding", "gzip",
                "X-Trafficviz-Server", "server-a", "X-Trafficviz-Proxy", "public-proxy"), 15, 0);
        assertPublicProxyGot(15);
    }

    @Test
    void vectorJsonArrayAndTextCodec() throws Exception {
        // encoding.codec = "json" with the http sink's default framing: one JSON array per request.
        ArrayNode array = JSON.createArrayNode();
        for (String line : fixture("public-proxy-access.json.log", 6)) {
            array.addObject().put("message", line).put("host", "server-a");
        }
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), utf8(array.toString()),
                "Authorization", AUTH, "Content-Type", "application/json"), 6, 0);
        // encoding.codec = "text": the raw lines, newline-delimited (CRLF tolerated).
        String text = String.join("\r\n", fixture("public-proxy-access.json.log", 10).subList(6, 10));
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), utf8(text),
                "Authorization", AUTH, "Content-Type", "text/plain"), 4, 0);
        assertPublicProxyGot(10);
    }

    @Test
    void fluentBitJsonLinesJsonArrayAndJsonStream() throws Exception {
        List<String> lines = fixture("public-proxy-access.json.log", 12);
        // [OUTPUT] http, Format json_lines: {"date": <double>, "log": "<line>"} per line.
        StringBuilder jsonLines = new StringBuilder();
        for (String line : lines.subList(0, 4)) {
            jsonLines.append(JSON.createObjectNode().put("date", 1752576113.384001).put("log", line)).append('\n');
        }
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), gzip(utf8(jsonLines.toString())),
                "Authorization", AUTH, "Content-Type", "application/x-ndjson", "Content-Encoding", "gzip"), 4, 0);
        // Format json: one JSON array of the same records.
        ArrayNode array = JSON.createArrayNode();
        for (String line : lines.subList(4, 8)) {
            array.addObject().put("date", 1752576113.384001).put("log", line);
        }
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), utf8(array.toPrettyString()),
                "Authorization", AUTH, "Content-Type", "application/json"), 4, 0);
        // Format json_stream: the records concatenated without separators.
        StringBuilder stream = new StringBuilder();
        for (String line : lines.subList(8, 12)) {
            stream.append(JSON.createObjectNode().put("date", 1752576113.384001).put("log", line));
        }
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), utf8(stream.toString()),
                "Authorization", AUTH, "Content-Type", "application/json"), 4, 0);
        assertPublicProxyGot(12);
    }

    @Test
    void fluentBitWithAJsonParserSendsTheTraefikFieldsThemselves() throws Exception {
        // A tail input with Parser json: the record is Traefik's object plus Fluent Bit's date key.
        StringBuilder body = new StringBuilder();
        ArrayNode array = JSON.createArrayNode();
        List<String> lines = fixture("public-proxy-access.json.log", 8);
        for (int i = 0; i < lines.size(); i++) {
            ObjectNode record = (ObjectNode) JSON.readTree(lines.get(i));
            record.put("date", 1752576113.384001);
            if (i < 4) {
                body.append(record).append('\n');
            } else {
                array.add(record);
            }
        }
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), utf8(body.toString()),
                "Authorization", AUTH, "Content-Type", "application/x-ndjson"), 4, 0);
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), utf8(array.toString()),
                "Authorization", AUTH, "Content-Type", "application/json"), 4, 0);
        assertPublicProxyGot(8);
    }

    @Test
    void commonLogFormatLines() throws Exception {
        String clf = "172.24.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /api/items?id=7 HTTP/1.1\" 200 62"
                + " \"https://public.localhost/\" \"curl/8.5.0\" 17 \"public-communicating-service@file\""
                + " \"http://public-communicating-service\" 22ms";
        String generic = "172.24.0.1 - - [15/Jul/2025:13:14:34 +0000] \"GET / HTTP/1.1\" 404 19 \"-\" \"curl/8.5.0\"";
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), utf8(clf + "\n" + generic + "\n"),
                "Authorization", AUTH), 2, 0);
        JsonNode info = get(base + "/network_info");
        assertThat(requestsInto(info, PUBLIC_PROXY)).isEqualTo(2);
        assertThat(source(info, "push:server-a/public-proxy").path("malformed").asLong()).isZero();
    }

    @Test
    void garbageLinesAreRejectedCountedAndShown() throws Exception {
        List<String> lines = new ArrayList<>(fixture("public-proxy-access.json.log", 3));
        lines.add(1, "this is not a log line");
        lines.add(3, "{\"message\": 42, \"host\": \"server-a\"}");   // an event with no line in it
        lines.add("{\"DownstreamStatus\": 200, \"truncated");          // cut short
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), utf8(String.join("\n", lines)),
                "Authorization", AUTH), 3, 3);
        JsonNode info = get(base + "/network_info");
        JsonNode src = source(info, "push:server-a/public-proxy");
        assertThat(src.path("lines").asLong()).isEqualTo(6);
        assertThat(src.path("malformed").asLong()).isEqualTo(3);
        assertThat(src.path("lastError").asText()).isNotBlank();
        assertThat(src.path("recentMalformed").toString()).contains("this is not a log line").contains("truncated");
        assertThat(info.path("ingest").path("malformed").asLong()).isEqualTo(3);
        assertThat(requestsInto(info, PUBLIC_PROXY)).isEqualTo(3);
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("trafficviz_source_malformed_total{source=\"push:server-a/public-proxy\"} 3");
    }

    @Test
    void namingOnlyTheServerAttributesLinesByTheirNetworkHeader() throws Exception {
        // The concept's combined file: both proxies in one log, told apart by request_X-Network-Name.
        List<String> lines = fixture("combined-access.json.log", 60);
        long toPrivate = lines.stream().filter(l -> l.contains("\"private-server-proxy-network\"")).count();
        assertThat(toPrivate).isBetween(1L, 59L);
        accepted(post(ingest("?server=server-a"), utf8(String.join("\n", lines)), "Authorization", AUTH), 60, 0);
        JsonNode info = get(base + "/network_info");
        assertThat(requestsInto(info, "proxy:server-a/private-proxy")).isEqualTo(toPrivate);
        assertThat(requestsInto(info, PUBLIC_PROXY)).isEqualTo(60 - toPrivate);
        assertThat(source(info, "push:server-a").path("lines").asLong()).isEqualTo(60);
    }

    @Test
    void unknownOrMissingServerAndProxyAre400NamingThem() throws Exception {
        byte[] body = utf8(fixture("public-proxy-access.json.log", 1).get(0));
        HttpResponse<String> r = post(ingest("?server=server-z&proxy=public-proxy"), body, "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains("unknown server 'server-z'")
                .contains("server-a, server-b");
        r = post(ingest("?server=server-a&proxy=privat-proxy"), body, "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains("unknown proxy 'privat-proxy'")
                .contains("public-proxy, private-proxy");
        r = post(ingest(""), body, "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains("?server=").contains("X-Trafficviz-Proxy");
        // A proxy name that is unique across servers is enough.
        accepted(post(ingest("?proxy=edge"), body, "Authorization", AUTH), 1, 0);
        assertThat(requestsInto(get(base + "/network_info"), "proxy:server-b/edge")).isEqualTo(1);
        assertThat(app.ingest().totals().sources()).extracting(s -> s.origin())
                .containsExactly("push:server-b/edge");
    }

    @Test
    void missingOrWrongTokenIs401() throws Exception {
        byte[] body = utf8(fixture("public-proxy-access.json.log", 1).get(0));
        HttpResponse<String> none = post(ingest("?server=server-a&proxy=public-proxy"), body);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"trafficviz\"");
        assertThat(none.body()).contains("Authorization: Bearer");
        HttpResponse<String> wrong = post(ingest("?server=server-a&proxy=public-proxy"), body,
                "Authorization", "Bearer " + TOKEN + "x");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(post(ingest("?server=server-a&proxy=public-proxy"), body, "Authorization", "Basic " + TOKEN)
                .statusCode()).isEqualTo(401);
        assertThat(app.ingest().totals().lines()).isZero();
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), body, "Authorization", "bearer " + TOKEN), 1, 0);
    }

    @Test
    void bodiesOverTheLimitAre413CountingDecompressedBytes() throws Exception {
        String line = fixture("public-proxy-access.json.log", 1).get(0);
        StringBuilder big = new StringBuilder();
        while (big.length() <= 65536) {
            big.append(line).append('\n');
        }
        byte[] body = utf8(big.toString());
        HttpResponse<String> r = post(ingest("?server=server-a&proxy=public-proxy"), body, "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("ingest.maxBodyBytes").contains("65536");
        // Without a Content-Length (chunked), the count while reading stops it.
        r = HTTP.send(HttpRequest.newBuilder(URI.create(ingest("?server=server-a&proxy=public-proxy")))
                .header("Authorization", AUTH).POST(chunked(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        // A gzip bomb: 8 MiB of newlines compress to a few KiB, far under the limit on the wire.
        byte[] bomb = gzip(new byte[8 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(65536);
        r = post(ingest("?server=server-a&proxy=public-proxy"), bomb, "Authorization", AUTH, "Content-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("after decompression");
        assertThat(app.ingest().totals().lines()).isZero();
        // Just under the limit is fine.
        String fits = big.substring(0, big.lastIndexOf("\n", 60000) + 1);
        int n = (int) fits.chars().filter(c -> c == '\n').count();
        accepted(post(ingest("?server=server-a&proxy=public-proxy"), gzip(utf8(fits)), "Authorization", AUTH,
                "Content-Encoding", "gzip"), n, 0);
    }

    @Test
    void bodiesThatAreNotTextOrNotWhatTheyClaimAre400() throws Exception {
        String url = ingest("?server=server-a&proxy=public-proxy");
        byte[] binary = {(byte) 0x82, (byte) 0xa4, 'd', 'a', 't', 'e', (byte) 0xcb, 0x41, (byte) 0xda, 0, 0, 0};
        HttpResponse<String> r = post(url, binary, "Authorization", AUTH);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not UTF-8 text").contains("json_lines");
        r = post(url, utf8("x"), "Authorization", AUTH, "Content-Type", "application/x-protobuf");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("/v1/logs");
        r = post(url, utf8("not gzip at all"), "Authorization", AUTH, "Content-Encoding", "gzip");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not valid gzip");
        r = post(url, utf8("[{\"log\": \"a\"}, oops]"), "Authorization", AUTH, "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not a JSON array");
        r = post(url, utf8("x"), "Authorization", AUTH, "Content-Encoding", "br");
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(app.ingest().totals().lines()).isZero();
        // An empty body is simply nothing to do.
        accepted(post(url, new byte[0], "Authorization", AUTH), 0, 0);
    }

    @Test
    void withoutATokenOnlyLoopbackMayPush() throws Exception {
        String noToken = CONFIG.formatted("x").replace("  token: x\n", "").replace("127.0.0.1:0", "0.0.0.0:0")
                + "auth: {allowUnauthenticated: true}\n"; // every interface, no login: acknowledged, as it must be
        try (TrafficvizApp open = TrafficvizApp.start(ConfigLoader.parse(noToken, dir))) {
            byte[] body = utf8(fixture("public-proxy-access.json.log", 1).get(0));
            String query = "/ingest?server=server-a&proxy=public-proxy";
            accepted(post("http://127.0.0.1:" + open.port() + query, body), 1, 0);
            // Through a reverse proxy on this machine, or from a web page, loopback proves nothing.
            String local = "http://127.0.0.1:" + open.port() + query;
            assertThat(post(local, body, "X-Forwarded-For", "203.0.113.9").statusCode()).isEqualTo(403);
            // nginx's common setups add only X-Real-IP, or X-Forwarded-Host: any proxy header is a proxy.
            for (String header : List.of("X-Real-IP", "X-Forwarded-Host", "X-Forwarded-Proto", "Forwarded", "Via",
                    "True-Client-IP", "X-Original-Forwarded-For")) {
                HttpResponse<String> proxied = post(local, body, header, "203.0.113.9");
                assertThat(proxied.statusCode()).as(header).isEqualTo(403);
                assertThat(proxied.body()).containsIgnoringCase(header);
            }
            HttpResponse<String> page = post(local, body, "Origin", "http://evil.example", "Content-Type", "text/plain");
            assertThat(page.statusCode()).isEqualTo(403);
            assertThat(page.body()).contains("Origin");
            assertThat(open.ingest().totals().lines()).isEqualTo(1);
            InetAddress other = nonLoopbackAddress();
            assumeTrue(other != null, "this machine has no non-loopback IPv4 address to call from");
            HttpResponse<String> r = post("http://" + other.getHostAddress() + ":" + open.port() + query, body);
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("no ingest.token is configured").contains("loopback");
            assertThat(open.ingest().totals().lines()).isEqualTo(1);
        }
    }

    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    private static HttpRequest.BodyPublisher chunked(byte[] body) {
        HttpRequest.BodyPublisher whole = HttpRequest.BodyPublishers.ofByteArray(body);
        return new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                whole.subscribe(subscriber);
            }
        };
    }
}
