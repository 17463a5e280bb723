package io.trafficviz.publish.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FoldedRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void countsEveryRequestOnItsRouteAndFlagsInFirstSeenOrder() throws Exception {
        FoldedRoutes routes = new FoldedRoutes();
        Random random = new Random(7);
        Map<String, Long> expected = new LinkedHashMap<>();
        long total = 0;
        // Enough routes to make the table grow several times; ids as new Strings (equal, not the same objects).
        for (int i = 0; i < 200_000; i++) {
            int from = random.nextInt(300);
            int to = random.nextInt(4);
            int flags = random.nextInt(4) == 0 ? CompactEvents.ERROR : 0;
            routes.add(new String("from:" + from), "proxy:p", "to:" + to, flags, 1);
            expected.merge("from:" + from + " proxy:p to:" + to + " " + flags, 1L, Long::sum);
            total++;
        }
        routes.add("from:1", "proxy:p", "to:1", 0, 41);
        expected.merge("from:1 proxy:p to:1 0", 41L, Long::sum);
        total += 41;

        assertThat(routes.size()).isEqualTo(expected.size());
        assertThat(routes.total()).isEqualTo(total);
        Map<String, Long> actual = new LinkedHashMap<>();
        for (int k = 0; k < routes.size(); k++) {
            String[] r = routes.route(k);
            actual.put(r[0] + " " + r[1] + " " + r[2] + " " + routes.flags(k), routes.count(k));
        }
        assertThat(actual).containsExactlyEntriesOf(expected); // same counts, same (first-seen) order

        // The wire form: nodes by index, one row per route and flags.
        Map<String, Integer> ix = new HashMap<>();
        JsonBytes out = new JsonBytes(64);
        out.raw('{').raw("\"x\":0");
        routes.write(out, id -> ix.computeIfAbsent(id, k -> ix.size()));
        out.raw('}');
        JsonNode folded = JSON.readTree(new String(out.array(), 0, out.length(), StandardCharsets.UTF_8)).path("folded");
        assertThat(folded).hasSize(expected.size());
        long written = 0;
        for (JsonNode row : folded) {
            assertThat(row).hasSize(5);
            written += row.get(4).asLong();
        }
        assertThat(written).isEqualTo(total);
        JsonNode first = folded.get(0);
        String[] firstRoute = routes.route(0);
        assertThat(List.of(first.get(0).asInt(), first.get(1).asInt(), first.get(2).asInt()))
                .containsExactly(ix.get(firstRoute[0]), ix.get(firstRoute[1]), ix.get(firstRoute[2]));
    }

    @Test
    void clearForgetsEveryRouteAndTheTableCountsAfresh() {
        FoldedRoutes routes = new FoldedRoutes();
        for (int i = 0; i < 5_000; i++) {
            routes.add("a" + i, "p", "b", 0, 2);
        }
        routes.clear();
        assertThat(routes.isEmpty()).isTrue();
        assertThat(routes.total()).isZero();
        routes.add("a7", "p", "b", 0, 1);
        routes.add("a7", "p", "b", CompactEvents.ERROR, 1);
        routes.add("a7", "p", "b", 0, 1);
        assertThat(routes.size()).isEqualTo(2);
        assertThat(routes.count(0)).isEqualTo(2);
        assertThat(routes.count(1)).isEqualTo(1);
        assertThat(routes.total()).isEqualTo(3);
    }
}
