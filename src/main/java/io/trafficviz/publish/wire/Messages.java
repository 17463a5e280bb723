package io.trafficviz.publish.wire;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.graph.NodeView;
import io.trafficviz.model.RequestEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The messages of the two live streams (docs/protocol.md, "WebSocket /ws/graph" and "WebSocket /access_logs"), in
 * the parts the hub shares between clients: a head that differs by the {@code dropped} count, then a body encoded
 * once ({@code Frames} in {@code publish.live} puts them together per client).
 */
public final class Messages {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A batch starts with this, then the client's dropped count, a comma and the body ({@link BatchParts}). */
    public static final String BATCH_HEAD = "{\"type\":\"batch\",\"dropped\":";
    public static final String ENTRIES_HEAD = "{\"type\":\"entries\",\"dropped\":";
    /** Shared: never written to. */
    static final byte[] EMPTY_ARRAY = {'[', ']'};

    private Messages() {
    }

    @JsonPropertyOrder({"type", "graph"})
    private record Hello(String type, NetworkInfoDoc graph) {
    }

    /** {@code {"type":"hello","graph":<doc>}}; the doc's nodes carry their {@code ix} already. */
    public static byte[] hello(NetworkInfoDoc graph) {
        return json(new Hello("hello", graph));
    }

    /** A batch's {@code nodes}: each node object with its stream index {@code ix}. */
    public static byte[] nodes(Collection<NodeView> nodes, ToIntFunction<String> ix) {
        return nodes(nodes, ix, Masking.NONE);
    }

    /** The same, as {@code masking} lets a client see them (each keeps the index of its real id). */
    public static byte[] nodes(Collection<NodeView> nodes, ToIntFunction<String> ix, Masking masking) {
        if (nodes.isEmpty()) {
            return EMPTY_ARRAY;
        }
        List<NodeDto> dtos = new ArrayList<>(nodes.size());
        for (NodeView n : nodes) {
            dtos.add(masking.node(NodeDto.of(n, ix.applyAsInt(n.id()))));
        }
        return json(dtos);
    }

    /**
     * The body of a batch after its nodes: {@code ,"edges":[..],"strings":[..],"events":[..]}, with {@code
     * ,"folded":[..]} when some of its requests were counted instead of sent, and the closing brace.
     */
    public static JsonBytes batchBody(byte[] edgeRows, List<RequestEvent> events, FoldedRoutes folded,
                                      ToIntFunction<String> ix) {
        JsonBytes rest = new JsonBytes(edgeRows.length + events.size() * 96 + folded.size() * 32 + 64);
        rest.raw(",\"edges\":").raw(edgeRows).raw(',');
        CompactEvents.write(rest, events, ix);
        if (!folded.isEmpty()) {
            folded.write(rest, ix);
        }
        return rest.raw('}');
    }

    /** The body of an entries message after its dropped count: {@code "entries":[<event>...]}}. */
    public static JsonBytes entriesBody(List<RequestEvent> events) {
        JsonBytes body = new JsonBytes(events.size() * 720 + 16);
        body.raw("\"entries\":[");
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                body.raw(',');
            }
            body.raw(EventJson.writeBytes(events.get(i)));
        }
        return body.raw("]}");
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
