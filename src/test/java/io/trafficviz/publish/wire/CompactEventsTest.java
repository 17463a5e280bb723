package io.trafficviz.publish.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.model.RequestEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19 item 6 on the wire: an event whose line kept an X-Request-Id carries it as a twelfth element, an index into
 * the batch's strings (a request seen by two proxies in one batch sends its id once); events without one keep their
 * eleven elements. The access log's event object has {@code requestId} only when there is one.
 */
class CompactEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RequestEvent event(long seq, String from, String proxy, String to, String requestId) {
        return new RequestEvent(seq, 1_000 + seq, "a", "n", "p", from, to, from, proxy, to, "GET", "h", "/x", 200, 1.5,
                false, false, false, requestId);
    }

    @Test
    void aRequestIdIsATwelfthElementInternedOncePerBatch() throws Exception {
        Map<String, Integer> ix = Map.of("external:e/n", 0, "proxy:e/gw", 1, "proxy:a/pub", 2, "service:a/api", 3);
        List<RequestEvent> events = List.of(
                event(1, "external:e/n", "proxy:e/gw", "proxy:a/pub", "req-42"),
                event(2, "proxy:e/gw", "proxy:a/pub", "service:a/api", "req-42"),
                event(3, "external:e/n", "proxy:e/gw", "proxy:a/pub", null));
        JsonBytes out = new JsonBytes(256).raw('{');
        CompactEvents.write(out, events, ix::get);
        out.raw('}');
        JsonNode batch = JSON.readTree(new String(out.toArray(), StandardCharsets.UTF_8));
        JsonNode rows = batch.get("events");
        assertThat(rows.get(0).size()).isEqualTo(12);
        assertThat(rows.get(1).size()).isEqualTo(12);
        assertThat(rows.get(2).size()).as("no id, no twelfth element").isEqualTo(11);
        assertThat(rows.get(0).get(11).asInt()).isEqualTo(rows.get(1).get(11).asInt());
        assertThat(batch.get("strings").get(rows.get(0).get(11).asInt()).asText()).isEqualTo("req-42");
        long idsInStrings = 0;
        for (JsonNode s : batch.get("strings")) {
            idsInStrings += s.asText().equals("req-42") ? 1 : 0;
        }
        assertThat(idsInStrings).isEqualTo(1);
    }

    @Test
    void theEventObjectHasTheRequestIdOnlyWhenThereIsOne() throws Exception {
        JsonNode with = JSON.readTree(EventJson.write(event(1, "external:e/n", "proxy:e/gw", "proxy:a/pub", "req-7")));
        JsonNode without = JSON.readTree(EventJson.write(event(2, "external:e/n", "proxy:e/gw", "proxy:a/pub", null)));
        assertThat(with.get("requestId").asText()).isEqualTo("req-7");
        assertThat(without.has("requestId")).isFalse();
        assertThat(Masking.of(true, true).event(event(3, "external:e/n", "proxy:e/gw", "proxy:a/pub", "req-8"))
                .requestId()).as("not an address: kept for a viewer").isEqualTo("req-8");
    }
}
