package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Traefik's {@code common} and {@code genericCLF} lines. The "Traefik-written" ones are copied from the expected
 * output in Traefik's own tests (pkg/middlewares/accesslog/logger_formatters_test.go and logger_test.go, v3.7.13);
 * the rest are built by following CommonLogFormatter's Fprintf pattern.
 */
class ClfLineCasesTest {
    private final TraefikLogParser parser = new TraefikLogParser();

    @Test
    void typicalCommonLine() throws Exception {
        AccessLogEntry e = parser.parse("172.24.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /api/items?id=7 HTTP/1.1\""
                + " 200 62 \"https://public.localhost/\" \"curl/8.5.0\" 17 \"public-communicating-service@file\""
                + " \"http://public-communicating-service\" 22ms");
        assertThat(e.format).isEqualTo(AccessLogEntry.Format.COMMON);
        assertThat(e.clientHost).isEqualTo("172.24.0.1");
        assertThat(e.firstClientHost).isEqualTo("172.24.0.1");
        assertThat(e.clientUsername).isNull();
        assertThat(e.startMillis).isEqualTo(Instant.parse("2025-07-15T13:14:33Z").toEpochMilli());
        assertThat(e.requestMethod).isEqualTo("GET");
        assertThat(e.requestPath).isEqualTo("/api/items?id=7");
        assertThat(e.requestProtocol).isEqualTo("HTTP/1.1");
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.downstreamContentSize).isEqualTo(62);
        assertThat(e.requestHeader("Referer")).isEqualTo("https://public.localhost/");
        assertThat(e.requestHeader("User-Agent")).isEqualTo("curl/8.5.0");
        assertThat(e.requestCount).isEqualTo(17);
        assertThat(e.routerName).isEqualTo("public-communicating-service@file");
        assertThat(e.serviceUrl).isEqualTo("http://public-communicating-service");
        assertThat(e.serviceName).as("not in CLF; mapped from the router later").isNull();
        assertThat(e.originStatus).isEqualTo(200);
        assertThat(e.answeredByProxy()).isFalse();
        assertThat(e.durationNanos).isEqualTo(22_000_000L);
    }

    @Test
    void traefikWrittenCommonLines() throws Exception {
        AccessLogEntry all = parser.parse("10.0.0.1 - Client [10/Nov/2009:23:00:00 +0000] \"GET /foo http\" 123 132"
                + " \"referer\" \"agent\" - \"foo\" \"http://10.0.0.2/toto\" 123000ms");
        assertThat(all.clientUsername).isEqualTo("Client");
        assertThat(all.requestProtocol).isEqualTo("http");
        assertThat(all.status()).isEqualTo(123);
        assertThat(all.requestCount).isZero();
        assertThat(all.routerName).isEqualTo("foo");
        assertThat(all.serviceUrl).isEqualTo("http://10.0.0.2/toto");
        assertThat(all.durationNanos).isEqualTo(123_000_000_000L);
        assertThat(all.startMillis).isEqualTo(Instant.parse("2009-11-10T23:00:00Z").toEpochMilli());

        AccessLogEntry local = parser.parse("10.0.0.1 - Client [10/Nov/2009:14:00:00 -0900] \"GET /foo http\" 123 132"
                + " \"referer\" \"agent\" - \"foo\" \"http://10.0.0.2/toto\" 123000ms");
        assertThat(local.startMillis).isEqualTo(all.startMillis);

        AccessLogEntry escapedUa = parser.parse("10.0.0.1 - - [10/Nov/2009:23:00:00 +0000] \"GET / HTTP/1.1\" 200 0"
                + " \"-\" \"foo \\\" bar\" 1 \"test@file\" \"http://127.0.0.1:8080\" 1ms");
        assertThat(escapedUa.requestHeader("User-Agent")).isEqualTo("foo \" bar");
        assertThat(escapedUa.requestHeader("Referer")).isNull();
        assertThat(escapedUa.headers()).containsOnlyKeys("request_User-Agent");

        AccessLogEntry query = parser.parse(" TestHost - TestUser [13/Apr/2016:07:14:19 -0700] \"POST"
                + " testpath?param1=test1&param2=test2 HTTP/0.0\" 123 12 \"testReferer\" \"testUserAgent\" 1"
                + " \"testRouter\" \"http://127.0.0.1/testService\" 1ms");
        assertThat(query.clientHost).isEqualTo("TestHost");
        assertThat(query.requestPath).isEqualTo("testpath?param1=test1&param2=test2");
        assertThat(query.startMillis).isEqualTo(Instant.parse("2016-04-13T14:14:19Z").toEpochMilli());

        AccessLogEntry noHost = parser.parse("- - TestUser [13/Apr/2016:07:14:19 -0700] \"POST"
                + " testpath?param1=test1&param2=test2 HTTP/0.0\" 123 12 \"testReferer\" \"testUserAgent\" 23"
                + " \"testRouter\" \"http://127.0.0.1/testService\" 1ms");
        assertThat(noHost.clientHost).isNull();
        assertThat(noHost.firstClientHost).isNull();
        assertThat(noHost.clientUsername).isEqualTo("TestUser");
    }

    @Test
    void traefikWrittenLineWithoutStatusIsMalformed() {
        // Traefik writes this when DownstreamStatus is dropped by the fields config; without a status it is useless.
        assertThatThrownBy(() -> parser.parse("10.0.0.1 - Client [10/Nov/2009:23:00:00 +0000] \"GET /foo http\" - -"
                + " \"-\" \"-\" 0 \"-\" \"-\" 123000ms"))
                .isInstanceOf(MalformedLineException.class).hasMessageContaining("missing status");
    }

    @Test
    void traefikWrittenGenericClfLines() throws Exception {
        AccessLogEntry e = parser.parse("10.0.0.1 - Client [10/Nov/2009:14:00:00 -0900] \"GET /foo http\" 123 132"
                + " \"referer\" \"agent\"");
        assertThat(e.format).isEqualTo(AccessLogEntry.Format.GENERIC_CLF);
        assertThat(e.status()).isEqualTo(123);
        assertThat(e.downstreamContentSize).isEqualTo(132);
        assertThat(e.requestHeader("Referer")).isEqualTo("referer");
        assertThat(e.requestHeader("User-Agent")).isEqualTo("agent");
        assertThat(e.routerName).isNull();
        assertThat(e.requestCount).isZero();
        assertThat(e.durationNanos).isZero();
        assertThat(e.answeredByProxy()).as("genericCLF says nothing about backends").isTrue();

        AccessLogEntry query = parser.parse(" TestHost - TestUser [13/Apr/2016:07:14:19 -0700] \"POST testpath HTTP/0.0\""
                + " 123 12 \"testReferer\" \"testUserAgent\"");
        assertThat(query.requestMethod).isEqualTo("POST");
        assertThat(query.requestPath).isEqualTo("testpath");
    }

    @Test
    void notFoundWithoutRouterAndRedirectWithoutService() throws Exception {
        AccessLogEntry notFound = parser.parse("172.24.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /nope HTTP/1.1\""
                + " 404 19 \"-\" \"-\" 5 \"-\" \"-\" 0ms");
        assertThat(notFound.routerName).isNull();
        assertThat(notFound.serviceUrl).isNull();
        assertThat(notFound.originStatus).isZero();
        assertThat(notFound.answeredByProxy()).isTrue();
        assertThat(notFound.headers()).isEmpty();

        AccessLogEntry redirect = parser.parse("172.24.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\""
                + " 308 18 \"-\" \"Mozilla/5.0\" 6 \"web-to-websecure@internal\" \"-\" 0ms");
        assertThat(redirect.routerName).isEqualTo("web-to-websecure@internal");
        assertThat(redirect.answeredByProxy()).isTrue();
    }

    @Test
    void backendErrorsAndClientGone() throws Exception {
        for (int status : new int[] {499, 502, 504}) {
            AccessLogEntry e = parser.parse("10.0.0.5 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/2.0\" " + status
                    + " 21 \"-\" \"-\" 9 \"api@docker\" \"http://10.0.0.3:80\" 4677ms");
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.originStatus).isEqualTo(status);
            assertThat(e.answeredByProxy()).isFalse();
            assertThat(e.requestProtocol).isEqualTo("HTTP/2.0");
        }
    }

    @Test
    void forwardedForListInClientHost() throws Exception {
        AccessLogEntry e = parser.parse("203.0.113.7, 10.0.0.2 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\""
                + " 200 5 \"-\" \"-\" 1 \"r@file\" \"http://s\" 1ms");
        assertThat(e.clientHost).isEqualTo("203.0.113.7, 10.0.0.2");
        assertThat(e.firstClientHost).isEqualTo("203.0.113.7");
        assertThat(e.clientUsername).isNull();
    }

    @Test
    void quotesInPathAndUnescapedQuotesInUserAgentBeforeTraefik37() throws Exception {
        AccessLogEntry e = parser.parse("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /a\"b?q=\"x\" HTTP/1.1\" 200 5"
                + " \"-\" \"Mozilla \"quoted\" \\ ok\" 3 \"r@file\" \"http://s\" 1ms");
        assertThat(e.requestPath).isEqualTo("/a\"b?q=\"x\"");
        assertThat(e.requestHeader("User-Agent")).isEqualTo("Mozilla \"quoted\" \\ ok");

        AccessLogEntry generic = parser.parse("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5"
                + " \"http://r/?a=\\\"b\\\"\" \"UA \"x\" y\"");
        assertThat(generic.requestHeader("Referer")).isEqualTo("http://r/?a=\"b\"");
        assertThat(generic.requestHeader("User-Agent")).isEqualTo("UA \"x\" y");
    }

    @Test
    void dashSizeDashCountDashTimeAndOddRouterNames() throws Exception {
        AccessLogEntry e = parser.parse("10.0.0.1 - - [-] \"HEAD / HTTP/1.1\" 204 - \"-\" \"-\" -"
                + " \"parent@file -> child@file\" \"http://s\" 0ms");
        assertThat(e.downstreamContentSize).isZero();
        assertThat(e.requestCount).isZero();
        assertThat(e.startMillis).isZero();
        assertThat(e.routerName).isEqualTo("parent@file -> child@file");
    }

    @Test
    void traefik21WroteAnAbsentServiceUrlUnquoted() throws Exception {
        // traefik/traefik#6481
        AccessLogEntry e = parser.parse("127.0.0.1 - - [13/Mar/2020:18:49:07 +0000] \"GET /ping HTTP/1.1\" 200 2"
                + " \"-\" \"-\" 1 \"ping@internal\" - 0ms");
        assertThat(e.routerName).isEqualTo("ping@internal");
        assertThat(e.serviceUrl).isNull();
        assertThat(e.answeredByProxy()).isTrue();
    }

    @Test
    void trailingCarriageReturnAndSpacesAreIgnored() throws Exception {
        AccessLogEntry e = parser.parse("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5"
                + " \"-\" \"-\"\r\n");
        assertThat(e.format).isEqualTo(AccessLogEntry.Format.GENERIC_CLF);
    }

    @Test
    void reusedEntryIsClearedBetweenFormats() throws Exception {
        AccessLogEntry reused = new AccessLogEntry();
        parser.parseInto("{\"DownstreamStatus\":200,\"ServiceName\":\"s@file\",\"request_X-A\":\"1\",\"GzipRatio\":2.5}",
                reused);
        parser.parseInto("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 404 5 \"-\" \"-\"", reused);
        assertThat(reused.serviceName).isNull();
        assertThat(reused.gzipRatio).isZero();
        assertThat(reused.headers()).isEmpty();
        assertThat(reused.status()).isEqualTo(404);
    }

    @Test
    void aStringWithAnUnpairedSurrogateIsReadAsItIs() throws Exception {
        // Decoded text never holds one, but a String may; it has no UTF-8 form ('?' would stand in for it).
        AccessLogEntry e = parser.parse("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /a\uD800b HTTP/1.1\" 200 5"
                + " \"-\" \"UA \uDC00\"");
        assertThat(e.requestPath).isEqualTo("/a\uD800b");
        assertThat(e.requestHeader("User-Agent")).isEqualTo("UA \uDC00");
        assertThat(e.startMillis).isEqualTo(Instant.parse("2025-07-15T13:14:33Z").toEpochMilli());
    }

    @Test
    void nonAsciiAndEscapedQuotesAreReadFromTheLinesBytes() throws Exception {
        byte[] line = ("203.0.113.7, h\u00f6st - j\u00f6rg [15/Jul/2025:13:14:33 +0000] \"GET /caf\u00e9 HTTP/1.1\" 200 5"
                + " \"-\" \"Mozilla \\\"\ud83d\ude00\\\"\" 1 \"r\u00e9@file\" \"http://s\" 1ms").getBytes(StandardCharsets.UTF_8);
        AccessLogEntry e = new AccessLogEntry();
        parser.parseInto(line, 0, line.length, e);
        assertThat(e.clientHost).isEqualTo("203.0.113.7, h\u00f6st");
        assertThat(e.clientUsername).isEqualTo("j\u00f6rg");
        assertThat(e.requestPath).isEqualTo("/caf\u00e9");
        assertThat(e.requestHeader("User-Agent")).isEqualTo("Mozilla \"\ud83d\ude00\"");
        assertThat(e.routerName).isEqualTo("r\u00e9@file");
    }

    @Test
    void aVeryLongLineThatIsNotPlainAsciiIsReadWhole() throws Exception {
        String agent = "caf\u00e9 " + "x".repeat(100_000); // past the scratch a parser keeps between lines
        AccessLogEntry e = parser.parse("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \""
                + agent + "\"");
        assertThat(e.requestHeader("User-Agent")).isEqualTo(agent);
        AccessLogEntry next = parser.parse("10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /\u00e9 HTTP/1.1\" 200 5"
                + " \"-\" \"-\"");
        assertThat(next.requestPath).isEqualTo("/\u00e9");
    }
}
