package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19 item 6: the kept {@code X-Request-Id} header links one request's lines across proxies, so the pipeline's
 * parser reads it even when it keeps no other header, in any spelling of the header's name, by the byte scanner and
 * by the Jackson fallback alike, cut at 128 characters.
 */
class RequestIdTest {
    private static final TraefikLogParser PIPELINE = TraefikLogParser.essentialFields("json", false, null);

    private static String line(String key, String id, String path) {
        return "{\"ClientHost\":\"203.0.113.7\",\"DownstreamStatus\":200,\"OriginStatus\":200,\"RequestPath\":\"" + path
                + "\",\"RequestMethod\":\"GET\",\"" + key + "\":\"" + id + "\",\"request_X-Network-Name\":\"n\"}";
    }

    @Test
    void theRequestIdIsReadWhenNoOtherHeaderIsKept() throws Exception {
        AccessLogEntry e = PIPELINE.parse(line("request_X-Request-Id", "7f3c-01", "/a"));
        assertThat(e.requestId).isEqualTo("7f3c-01");
        assertThat(e.headers()).as("other headers are still not kept").isEmpty();
        assertThat(PIPELINE.parse(line("request_x-request-id", "lower", "/a")).requestId).isEqualTo("lower");
        assertThat(PIPELINE.parse(line("request_X-Request-ID", "upper", "/a")).requestId).isEqualTo("upper");
        assertThat(PIPELINE.parse(line("request_X-Other", "no", "/a")).requestId).isNull();
        assertThat(PIPELINE.parse(line("request_X-Request-Id", "-", "/a")).requestId).as("Traefik's none").isNull();
    }

    @Test
    void theFallbackReadsItTooAndALongIdIsCut() throws Exception {
        // An escaped quote in the path sends the line to the Jackson fallback.
        AccessLogEntry e = PIPELINE.parse(line("request_X-Request-Id", "fallback-id", "/a\\\"b"));
        assertThat(e.requestPath).isEqualTo("/a\"b");
        assertThat(e.requestId).isEqualTo("fallback-id");
        String longId = "x".repeat(300);
        assertThat(PIPELINE.parse(line("request_X-Request-Id", longId, "/a")).requestId).hasSize(128);
        assertThat(PIPELINE.parse(line("request_X-Request-Id", longId, "/a\\\"b")).requestId).hasSize(128);
        AccessLogEntry reset = PIPELINE.parse(line("request_X-Request-Id", "one", "/a"));
        reset.reset();
        assertThat(reset.requestId).isNull();
    }
}
