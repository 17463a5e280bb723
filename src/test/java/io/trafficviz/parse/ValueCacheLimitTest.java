package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scanners' value caches keep repeated short values (the same String comes back) but never long ones, which are
 * sender-controlled and would otherwise each pin up to a line's length in a cache slot.
 */
class ValueCacheLimitTest {
    private static String jsonLine(String host, String router) {
        return "{\"ClientHost\":\"10.0.0.1\",\"DownstreamStatus\":200,\"Duration\":1000,\"RequestHost\":\"" + host
                + "\",\"RequestMethod\":\"GET\",\"RequestPath\":\"/\",\"RouterName\":\"" + router + "\"}";
    }

    private static String clfLine(String userAgent, String router) {
        return "10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"" + userAgent + "\" 1 \""
                + router + "\" \"http://s\" 1ms";
    }

    @Test
    void jsonScannerKeepsShortValuesAndNotLongOnes() throws Exception {
        TraefikLogParser parser = TraefikLogParser.essentialFields("json", false, null);
        String longHost = "h".repeat(ByteValueCache.MAX_CACHED_LENGTH + 1);
        AccessLogEntry first = new AccessLogEntry();
        AccessLogEntry second = new AccessLogEntry();
        parser.parseInto(jsonLine(longHost, "r@file"), first);
        String firstHost = first.requestHost;
        String firstRouter = first.routerName;
        parser.parseInto(jsonLine(longHost, "r@file"), second);

        assertThat(second.requestHost).isEqualTo(longHost).isEqualTo(firstHost).isNotSameAs(firstHost);
        assertThat(second.routerName).isEqualTo("r@file").isSameAs(firstRouter);
    }

    @Test
    void clfScannerKeepsShortValuesAndNotLongOnes() throws Exception {
        TraefikLogParser parser = TraefikLogParser.forFormat("common");
        String longAgent = "x".repeat(ByteValueCache.MAX_CACHED_LENGTH + 1);
        AccessLogEntry first = new AccessLogEntry();
        AccessLogEntry second = new AccessLogEntry();
        parser.parseInto(clfLine(longAgent, "r@file"), first);
        String firstAgent = first.requestHeader("User-Agent");
        String firstRouter = first.routerName;
        parser.parseInto(clfLine(longAgent, "r@file"), second);

        assertThat(second.requestHeader("User-Agent")).isEqualTo(longAgent).isEqualTo(firstAgent)
                .isNotSameAs(firstAgent);
        assertThat(second.routerName).isEqualTo("r@file").isSameAs(firstRouter);
    }
}
