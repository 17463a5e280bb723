package io.trafficviz.publish.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.NodeView;
import io.trafficviz.model.NodeKind;
import io.trafficviz.model.RequestEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch too big for one message, cut into parts that each fit and that a client applies in order. */
class BatchPartsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG = "ü".repeat(1_024); // 2 KiB of UTF-8 in each name and path

    private final Map<String, Integer> ix = new HashMap<>();

    private int ix(String id) {
        return ix.computeIfAbsent(id, k -> ix.size());
    }

    @Test
    void aBigBatchGoesInPartsOfAtMost64KiB_inOrder_andDecodesToEveryNodeEdgeEventAndFoldedRequest() throws Exception {
        int services = 2_000;
        List<NodeView> nodes = new ArrayList<>();
        List<EdgeView> edges = new ArrayList<>();
        List<RequestEvent> events = new ArrayList<>();
        FoldedRoutes folded = new FoldedRoutes();
        String proxy = "proxy:a/p";
        nodes.add(new NodeView(proxy, NodeKind.PROXY, "p", "a", "net", List.of(), false));
        for (int i = 0; i < services; i++) {
            String id = "service:a/svc-" + i + LONG;
            nodes.add(new NodeView(id, NodeKind.SERVICE, "svc-" + i + LONG, "a", "net", List.of("10.0.0." + i % 250),
                    false));
            edges.add(new EdgeView(proxy + "->" + id, proxy, id, 3, 1, 0, 2, 0, 0, 1, 0.1, 0.2, 0.3, 1, 2, 3, 99, 5,
                    List.of()));
            if (i < 1_000) {
                events.add(new RequestEvent(i, 1_000 + i, "a", "net", "p", "p", "svc", proxy, proxy, id, "GET",
                        "shop", "/" + i + LONG, i % 3 == 0 ? 500 : 200, 1.5, i % 3 == 0, false, false));
            }
            folded.add(proxy, proxy, id, 0, 2); // a route per service: thousands of rows
        }
        long requests = events.size() + folded.total();

        List<BatchParts.Part> parts = BatchParts.of(nodes, Masking.NONE, edges, events, folded, this::ix);

        GraphStreamDecoder decoder = new GraphStreamDecoder();
        List<ObjectNode> decoded = new ArrayList<>();
        List<String> sections = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            byte[] message = message(parts.get(k), k == 0 ? 17 : 0);
            assertThat(message.length).as("part %d", k).isLessThanOrEqualTo(64 * 1024)
                    .isLessThanOrEqualTo(parts.get(k).messageBytes());
            JsonNode json = JSON.readTree(message);
            assertThat(json.path("more").asBoolean()).as("more, part %d", k).isEqualTo(k < parts.size() - 1);
            sections.add(section(json));
            decoded.addAll(decoder.accept(new String(message, StandardCharsets.UTF_8))); // fails on an unknown ix
        }
        assertThat(parts.size()).isGreaterThan(100);
        // Nodes, then edge rows, then events, then folded routes: never a reference forward.
        assertThat(String.join("", sections)).matches("n+(e|ne)+(v|ev)+(f|vf)+");
        assertThat(decoder.nodeIds()).hasSize(services + 1);
        assertThat(decoder.edges).hasSize(services);
        assertThat(decoded).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            assertThat(decoded.get(i).path("path").asText()).isEqualTo(events.get(i).path());
            assertThat(decoded.get(i).path("seq").asLong()).isEqualTo(i);
        }
        assertThat(decoded.size() + decoder.folded + decoder.dropped).isEqualTo(requests + 17);
        long carried = 0;
        for (BatchParts.Part p : parts) {
            carried += p.requests();
        }
        assertThat(carried).as("each part says which requests it carries").isEqualTo(requests);
    }

    @Test
    void aBatchThatFits_isOneMessage_asBefore() {
        List<NodeView> nodes = List.of(new NodeView("proxy:a/p", NodeKind.PROXY, "p", "a", "net", List.of(), false));
        List<BatchParts.Part> parts = BatchParts.of(nodes, Masking.NONE, List.of(), List.of(), new FoldedRoutes(),
                this::ix);
        assertThat(parts).singleElement().satisfies(p -> assertThat(text(p.body()))
                .isEqualTo("\"nodes\":[{\"id\":\"proxy:a/p\",\"kind\":\"proxy\",\"label\":\"p\",\"server\":\"a\","
                        + "\"network\":\"net\",\"addresses\":[],\"ix\":0}],\"edges\":[],\"strings\":[],\"events\":[]}"));
    }

    @Test
    void whatAClientIsOwed_comesInPartsUpToItsRoom_nodesBeforeEdges() {
        List<NodeView> nodes = new ArrayList<>();
        List<EdgeView> edges = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            nodes.add(new NodeView("service:a/s" + i + LONG, NodeKind.SERVICE, "s" + LONG, "a", "n", List.of(), false));
            edges.add(new EdgeView("x" + i, "proxy:a/p", "service:a/s" + i + LONG, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
                    0, 0, 0, 0, List.of()));
        }
        List<BatchParts.Part> room = BatchParts.owed(nodes, Masking.NONE, edges, this::ix, 256 * 1024);
        int bytes = 0;
        int nodesIn = 0;
        for (BatchParts.Part p : room) {
            bytes += p.messageBytes();
            nodesIn += p.nodes().size();
            assertThat(p.edges()).as("no edge row before every node is out").isEmpty();
        }
        assertThat(bytes).isBetween(200 * 1024, 256 * 1024 + 4 * 1024);
        assertThat(nodesIn).isBetween(50, 499);
        List<BatchParts.Part> all = BatchParts.owed(nodes, Masking.NONE, edges, this::ix, 64 * 1024 * 1024);
        assertThat(all.stream().mapToInt(p -> p.nodes().size()).sum()).isEqualTo(500);
        assertThat(all.stream().mapToInt(p -> p.edges().size()).sum()).isEqualTo(500);
    }

    private static byte[] message(BatchParts.Part part, long dropped) {
        JsonBytes out = new JsonBytes(part.messageBytes());
        out.raw(Messages.BATCH_HEAD).number(dropped).raw(',').raw(part.body().array(), 0, part.body().length());
        return out.toArray();
    }

    private static String text(JsonBytes body) {
        return new String(body.array(), 0, body.length(), StandardCharsets.UTF_8);
    }

    /** Which sections a part carries: n(odes), e(dges), v (events), f(olded). */
    private static String section(JsonNode json) {
        StringBuilder s = new StringBuilder();
        if (!json.path("nodes").isEmpty()) {
            s.append('n');
        }
        if (!json.path("edges").isEmpty()) {
            s.append('e');
        }
        if (!json.path("events").isEmpty()) {
            s.append('v');
        }
        if (json.has("folded")) {
            s.append('f');
        }
        return s.toString();
    }
}
