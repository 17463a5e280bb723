package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The String path's value caches keep repeated short values (the same String comes back) but never long ones, which are
 * sender-controlled and would otherwise each pin up to a line's length in a cache slot.
 */
class ValueCacheLimitTest {
    private static String jsonLine(String host, String router) {
        return "{\"ClientHost\":\"10.0.0.1\",\"DownstreamStatus\":200,\"Duration\":1000,\"RequestHost\":\"" + host
                + "\",\"RequestMethod\":\"GET\",\"RequestPath\":\"/\",\"RouterName\":\"" + router + "\"}";
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
    void valueCacheKeepsShortValuesAndNotLongOnes() {
        ValueCache cache = new ValueCache(16);
        String longValue = "x".repeat(ByteValueCache.MAX_CACHED_LENGTH + 1);
        String lineA = "[" + longValue + "|agent]";
        String lineB = "(" + longValue + "|agent)";
        int longEnd = 1 + longValue.length();

        String a = cache.get(lineA, 1, longEnd);
        String b = cache.get(lineB, 1, longEnd);
        assertThat(b).isEqualTo(longValue).isEqualTo(a).isNotSameAs(a);

        String agentA = cache.get(lineA, longEnd + 1, lineA.length() - 1);
        String agentB = cache.get(lineB, longEnd + 1, lineB.length() - 1);
        assertThat(agentB).isEqualTo("agent").isSameAs(agentA);
    }
}
