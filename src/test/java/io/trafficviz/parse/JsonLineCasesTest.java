package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Constructed JSON lines for the situations the fixtures do not cover. Each valid line is also checked field by
 * field against Jackson (see {@link JacksonOracle}) on top of the behaviour asserted here.
 */
class JsonLineCasesTest {
    private static final String START = "\"StartLocal\":\"2025-07-15T13:14:33.78718654Z\","
            + "\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"";
    private static final long START_MILLIS = Instant.parse("2025-07-15T13:14:33.787Z").toEpochMilli();

    private final TraefikLogParser parser = new TraefikLogParser();

    /** Parses, and insists Jackson reads the same line the same way. */
    private AccessLogEntry parse(String line) throws Exception {
        AccessLogEntry entry = parser.parse(line);
        JacksonOracle.assertSameEntry(entry, JacksonOracle.expected(line), line);
        return entry;
    }

    @Test
    void notFoundWithoutRouterIsAnsweredByTheProxy() throws Exception {
        // What Traefik 3 writes when no router matches: the entry point initialised the Origin* fields to 0.
        AccessLogEntry e = parse("{\"ClientAddr\":\"172.24.0.1:35994\",\"ClientHost\":\"172.24.0.1\",\"ClientPort\":\"35994\","
                + "\"ClientUsername\":\"-\",\"DownstreamContentSize\":19,\"DownstreamStatus\":404,\"Duration\":114530,"
                + "\"OriginContentSize\":0,\"OriginDuration\":0,\"OriginStatus\":0,\"Overhead\":114530,"
                + "\"RequestAddr\":\"nope.localhost\",\"RequestContentSize\":0,\"RequestCount\":5,"
                + "\"RequestHost\":\"nope.localhost\",\"RequestMethod\":\"GET\",\"RequestPath\":\"/missing\","
                + "\"RequestPort\":\"-\",\"RequestProtocol\":\"HTTP/1.1\",\"RequestScheme\":\"http\",\"RetryAttempts\":0,"
                + START + ",\"entryPointName\":\"web\",\"level\":\"info\",\"msg\":\"\",\"time\":\"2025-07-15T13:14:33Z\"}");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.isError()).isTrue();
        assertThat(e.routerName).isNull();
        assertThat(e.serviceName).isNull();
        assertThat(e.serviceUrl).isNull();
        assertThat(e.originStatus).isZero();
        assertThat(e.answeredByProxy()).isTrue();
        assertThat(e.clientPort).isEqualTo(35994);
        assertThat(e.requestPort).isNull();
        assertThat(e.startMillis).isEqualTo(START_MILLIS);
        assertThat(e.format).isEqualTo(AccessLogEntry.Format.JSON);
    }

    @Test
    void redirectHasRouterButNoServiceAndOriginStatusZero() throws Exception {
        AccessLogEntry e = parse("{\"ClientHost\":\"10.0.0.9\",\"DownstreamContentSize\":17,\"DownstreamStatus\":308,"
                + "\"Duration\":50000,\"OriginContentSize\":0,\"OriginDuration\":0,\"OriginStatus\":0,"
                + "\"RequestHost\":\"example.com\",\"RequestMethod\":\"GET\",\"RequestPath\":\"/\","
                + "\"RouterName\":\"web-to-websecure@internal\"," + START + ",\"entryPointName\":\"web\"}");
        assertThat(e.status()).isEqualTo(308);
        assertThat(e.routerName).isEqualTo("web-to-websecure@internal");
        assertThat(e.serviceName).isNull();
        assertThat(e.answeredByProxy()).isTrue();
        assertThat(e.isError()).isFalse();
    }

    @Test
    void serviceWithoutHealthyServerIs503FromTheProxy() throws Exception {
        // ServiceName is only set by the per-server handler, so with no server it is absent.
        AccessLogEntry e = parse("{\"DownstreamContentSize\":19,\"DownstreamStatus\":503,\"Duration\":80000,"
                + "\"OriginStatus\":0,\"RouterName\":\"api@docker\"," + START + "}");
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.answeredByProxy()).isTrue();
    }

    @Test
    void clientGoneIs499WithBackendAnswerRecorded() throws Exception {
        AccessLogEntry e = parse("{\"DownstreamStatus\":499,\"OriginStatus\":499,\"Duration\":4677503481,"
                + "\"OriginDuration\":4677466851,\"Overhead\":36630,\"ServiceName\":\"svc@file\","
                + "\"ServiceURL\":\"http://svc\"," + START + "}");
        assertThat(e.status()).isEqualTo(499);
        assertThat(e.answeredByProxy()).isFalse();
        assertThat(e.durationMillis()).isEqualTo(4677.503481);
        assertThat(e.originDurationNanos).isEqualTo(4677466851L);
        assertThat(e.overheadNanos).isEqualTo(36630L);
    }

    @Test
    void badGatewayAndGatewayTimeoutComeFromTheServiceLayer() throws Exception {
        for (int status : new int[] {502, 504}) {
            AccessLogEntry e = parse("{\"DownstreamContentSize\":11,\"DownstreamStatus\":" + status
                    + ",\"OriginContentSize\":11,\"OriginStatus\":" + status + ",\"RetryAttempts\":2,"
                    + "\"RouterName\":\"api@file\",\"ServiceAddr\":\"10.0.0.3:80\",\"ServiceName\":\"api@file\","
                    + "\"ServiceURL\":\"http://10.0.0.3:80\"," + START + "}");
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.originStatus).isEqualTo(status);
            assertThat(e.retryAttempts).isEqualTo(2);
            assertThat(e.serviceAddr).isEqualTo("10.0.0.3:80");
            assertThat(e.isError()).isTrue();
        }
    }

    @Test
    void forwardedForListKeepsRawHostAndExposesTheFirstAddress() throws Exception {
        AccessLogEntry e = parse("{\"ClientAddr\":\"172.24.0.1:35994\",\"ClientHost\":\"203.0.113.7, 10.0.0.2\","
                + "\"DownstreamStatus\":200," + START + "}");
        assertThat(e.clientHost).isEqualTo("203.0.113.7, 10.0.0.2");
        assertThat(e.firstClientHost).isEqualTo("203.0.113.7");

        AccessLogEntry single = parse("{\"ClientHost\":\"172.24.0.1\",\"DownstreamStatus\":200}");
        assertThat(single.firstClientHost).isSameAs(single.clientHost);
    }

    @Test
    void dashAndEmptyTextMeanAbsentButHeadersAreVerbatim() throws Exception {
        AccessLogEntry e = parse("{\"ClientUsername\":\"-\",\"DownstreamStatus\":200,\"RequestPort\":\"\","
                + "\"RouterName\":null,\"ClientPort\":\"-\",\"request_X-Thing\":\"-\",\"TLSVersion\":\"-\"}");
        assertThat(e.clientUsername).isNull();
        assertThat(e.requestPort).isNull();
        assertThat(e.routerName).isNull();
        assertThat(e.clientPort).isZero();
        assertThat(e.tlsVersion).isNull();
        assertThat(e.requestHeader("X-Thing")).isEqualTo("-");
    }

    @Test
    void escapedQuotesInPathAndUserAgent() throws Exception {
        AccessLogEntry e = parse("{\"DownstreamStatus\":200,\"RequestPath\":\"/search?q=\\\"a b\\\"\","
                + "\"request_User-Agent\":\"Mozilla/5.0 \\\"quoted\\\" \\\\ back\"}");
        assertThat(e.requestPath).isEqualTo("/search?q=\"a b\"");
        assertThat(e.requestHeader("User-Agent")).isEqualTo("Mozilla/5.0 \"quoted\" \\ back");
    }

    @Test
    void unicodeAndOtherEscapes() throws Exception {
        // Go's encoder writes & < > as \u0026 \u003c \u003e, so query strings are full of them.
        AccessLogEntry e = parse("{\"DownstreamStatus\":200,"
                + "\"RequestPath\":\"/a?x=1\\u0026y=\\u003cb\\u003e\\/caf\\u00e9\\ud83d\\ude00\","
                + "\"request_X-Multi\":\"line1\\nline2\\ttab\\r\\b\\f\"}");
        assertThat(e.requestPath).isEqualTo("/a?x=1&y=<b>/caf\u00e9\uD83D\uDE00");
        assertThat(e.requestHeader("X-Multi")).isEqualTo("line1\nline2\ttab\r\b\f");
    }

    @Test
    void unknownKeysAndNestedValuesAreSkipped() throws Exception {
        AccessLogEntry e = parse("{\"zzz\":{\"a\":[1,2.5e3,{\"b\":\"}]\\\"\"},[],{}],\"c\":null,\"d\":true},"
                + "\"DownstreamStatus\":201,\"list\":[\"x\",false,-1],\"empty\":{},\"n\":-0.5E-3,"
                + "\"RequestMethod\":\"POST\",\"msg\":\"hello\",\"level\":\"info\"}");
        assertThat(e.status()).isEqualTo(201);
        assertThat(e.requestMethod).isEqualTo("POST");
        assertThat(e.headers()).isEmpty();
    }

    @Test
    void anyKeyOrderAndWhitespace() throws Exception {
        AccessLogEntry e = parse(" { \"time\" : \"2025-07-15T15:14:38+02:00\" ,\n\t\"RouterName\" : \"r@file\","
                + " \"OriginStatus\" : 204 , \"DownstreamStatus\" : 204 } \r");
        assertThat(e.routerName).isEqualTo("r@file");
        assertThat(e.status()).isEqualTo(204);
        assertThat(e.startMillis).isEqualTo(Instant.parse("2025-07-15T13:14:38Z").toEpochMilli());
    }

    @Test
    void tlsFields() throws Exception {
        AccessLogEntry e = parse("{\"DownstreamStatus\":200,\"RequestScheme\":\"https\",\"TLSCipher\":"
                + "\"TLS_AES_128_GCM_SHA256\",\"TLSClientSubject\":\"CN=client,O=Example\\u0026Co\","
                + "\"TLSVersion\":\"1.3\"}");
        assertThat(e.requestScheme).isEqualTo("https");
        assertThat(e.tlsVersion).isEqualTo("1.3");
        assertThat(e.tlsCipher).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(e.tlsClientSubject).isEqualTo("CN=client,O=Example&Co");
    }

    @Test
    void traefikV2ServiceUrlObjectIsRebuiltAsAString() throws Exception {
        // Verbatim shape from a Traefik 2.11 log (traefik/traefik#10891).
        AccessLogEntry e = parse("{\"DownstreamStatus\":200,\"OriginStatus\":200,\"RouterName\":\"whoami@docker\","
                + "\"ServiceAddr\":\"172.27.0.3:80\",\"ServiceName\":\"whoami-041-traefik@docker\","
                + "\"ServiceURL\":{\"Scheme\":\"http\",\"Opaque\":\"\",\"User\":null,\"Host\":\"172.27.0.3:80\","
                + "\"Path\":\"\",\"RawPath\":\"\",\"OmitHost\":false,\"ForceQuery\":false,\"RawQuery\":\"\","
                + "\"Fragment\":\"\",\"RawFragment\":\"\"}," + START + "}");
        assertThat(e.serviceUrl).isEqualTo("http://172.27.0.3:80");
        assertThat(e.answeredByProxy()).isFalse();

        AccessLogEntry withPath = parser.parse("{\"DownstreamStatus\":200,\"ServiceURL\":{\"Scheme\":\"https\","
                + "\"User\":{},\"Host\":\"api:8443\",\"Path\":\"/v1\",\"RawQuery\":\"a=1\",\"ForceQuery\":false}}");
        assertThat(withPath.serviceUrl).isEqualTo("https://api:8443/v1?a=1");
    }

    @Test
    void numbersInEveryShapeTraefikOrAPipelineMightWrite() throws Exception {
        AccessLogEntry e = parse("{\"DownstreamStatus\":200,\"Duration\":1.5e9,\"OriginDuration\":2E+3,"
                + "\"GzipRatio\":3.2547,\"RequestCount\":9223372036854775807,\"DownstreamContentSize\":\"1234\","
                + "\"RequestContentSize\":-1,\"OriginContentSize\":12.0}");
        assertThat(e.durationNanos).isEqualTo(1_500_000_000L);
        assertThat(e.originDurationNanos).isEqualTo(2000L);
        assertThat(e.gzipRatio).isEqualTo(3.2547);
        assertThat(e.requestCount).isEqualTo(Long.MAX_VALUE);
        assertThat(e.downstreamContentSize).isEqualTo(1234L);
        assertThat(e.requestContentSize).isEqualTo(-1L);
        assertThat(e.originContentSize).isEqualTo(12L);

        assertThat(parse("{\"DownstreamStatus\":200,\"GzipRatio\":1e-7}").gzipRatio).isEqualTo(1e-7);
        assertThat(parse("{\"DownstreamStatus\":200,\"GzipRatio\":0.1234567890123456789}").gzipRatio)
                .isEqualTo(0.1234567890123456789);
    }

    @Test
    void startFallsBackToStartLocalThenTime() throws Exception {
        assertThat(parse("{\"DownstreamStatus\":200,\"StartLocal\":\"2025-07-15T15:14:33.5+02:00\","
                + "\"time\":\"2025-07-15T15:14:38+02:00\"}").startMillis)
                .isEqualTo(Instant.parse("2025-07-15T13:14:33.500Z").toEpochMilli());
        assertThat(parse("{\"DownstreamStatus\":200,\"time\":\"2025-07-15T10:41:53-03:30\"}").startMillis)
                .isEqualTo(Instant.parse("2025-07-15T14:11:53Z").toEpochMilli());
        assertThat(parse("{\"DownstreamStatus\":200,\"StartUTC\":\"not a time\",\"time\":\"2025-07-15T10:41:53Z\"}")
                .startMillis).isEqualTo(Instant.parse("2025-07-15T10:41:53Z").toEpochMilli());
        assertThat(parse("{\"DownstreamStatus\":200}").startMillis).isZero();
    }

    @Test
    void headerPrefixesGoToHeaders() throws Exception {
        AccessLogEntry e = parse("{\"DownstreamStatus\":200,\"downstream_Content-Type\":\"text/html\","
                + "\"origin_Server\":\"nginx\",\"request_Authorization\":\"REDACTED\",\"request_\":\"not a header\"}");
        assertThat(e.headers()).containsOnly(
                org.assertj.core.api.Assertions.entry("downstream_Content-Type", "text/html"),
                org.assertj.core.api.Assertions.entry("origin_Server", "nginx"),
                org.assertj.core.api.Assertions.entry("request_Authorization", "REDACTED"));
    }

    @Test
    void chainedRouterNamesAndTraceIds() throws Exception {
        // Traefik 3.6+ concatenates parent and child routers with " -> ".
        AccessLogEntry e = parse("{\"DownstreamStatus\":200,\"RouterName\":\"parent@file -> child@file\","
                + "\"SpanId\":\"00f067aa0ba902b7\",\"TraceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                + "\"span_id\":\"00f067aa0ba902b7\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}");
        assertThat(e.routerName).isEqualTo("parent@file -> child@file");
        assertThat(e.traceId).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(e.spanId).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void onlyOriginStatusStandsInForTheDroppedDownstreamStatus() throws Exception {
        AccessLogEntry e = parse("{\"OriginStatus\":302}");
        assertThat(e.status()).isEqualTo(302);
    }

    @Test
    void escapedKeysAreStillRecognised() throws Exception {
        AccessLogEntry e = parse("{\"Downstream\\u0053tatus\":418,\"request_X-\\u0041\":\"a\"}");
        assertThat(e.status()).isEqualTo(418);
        assertThat(e.requestHeader("X-A")).isEqualTo("a");
    }

    @Test
    void duplicateKeysLastOneWins() throws Exception {
        AccessLogEntry e = parser.parse("{\"DownstreamStatus\":200,\"RouterName\":\"a\",\"RouterName\":\"b\","
                + "\"DownstreamStatus\":500}");
        assertThat(e.routerName).isEqualTo("b");
        assertThat(e.status()).isEqualTo(500);
    }

    @Test
    void aStringWithAnUnpairedSurrogateIsReadAsItIs() throws Exception {
        // Decoded text never holds one, but a String may; it has no UTF-8 form ('?' would stand in for it).
        AccessLogEntry e = parse("{\"DownstreamStatus\":200,\"RequestPath\":\"/a\uD800b\",\"RouterName\":\"r\uDC00\"}");
        assertThat(e.requestPath).isEqualTo("/a\uD800b");
        assertThat(e.routerName).isEqualTo("r\uDC00");
    }

    @Test
    void aVeryLongLineOutsideTraefiksShapeIsReadWhole() throws Exception {
        String path = "/caf\u00e9/" + "x".repeat(100_000); // past the scratch a parser keeps between lines
        assertThat(parse("{\"DownstreamStatus\":200,\"RequestPath\":\"" + path + "\"}").requestPath).isEqualTo(path);
    }
}
