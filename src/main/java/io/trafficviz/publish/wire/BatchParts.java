package io.trafficviz.publish.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.NodeView;
import io.trafficviz.model.RequestEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A graph batch as {@code /ws/graph} messages of at most {@value #MAX_MESSAGE_BYTES} bytes (docs/protocol.md, "Big
 * batches"). A batch that fits is one message, byte for byte the usual one. A bigger one (a burst of new nodes with
 * long, attacker-chosen labels, or of long paths) becomes several {@code batch} messages, each complete in itself and
 * applied in order: its nodes first, then its edge rows, events (each message with its own {@code strings}) and
 * folded routes, so a message only refers to nodes announced in it or before it. Every message but the last says
 * {@code "more":true}.
 *
 * <p>Each part is the body after a message's {@code "dropped":N,} ({@link Messages#BATCH_HEAD}), encoded once and
 * shared by every client of the same masking; a part also says which nodes, edges and requests it carries, so a client
 * that cannot take it is owed exactly those.
 */
public final class BatchParts {
    /** No graph-stream message is larger than this (the hello's parts have the same bound). */
    public static final int MAX_MESSAGE_BYTES = HelloParts.MAX_MESSAGE_BYTES;
    /** The head, the largest dropped count and {@code ,"more":true} around a part's body. */
    private static final int HEAD_ROOM = 80;
    static final int MAX_BODY_BYTES = MAX_MESSAGE_BYTES - HEAD_ROOM;
    /** A part's sections when empty, so a section's piece may take the rest: {@code "nodes":[],"edges":[],...}. */
    private static final int EMPTY_SECTIONS = 64;
    private static final int MAX_PIECE_BYTES = MAX_BODY_BYTES - EMPTY_SECTIONS;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One message's body: {@code "nodes":[..],"edges":[..],"strings":[..],"events":[..]}, maybe {@code
     * ,"folded":[..]} and {@code ,"more":true}, and the closing brace; with what it carries.
     */
    public record Part(JsonBytes body, List<NodeView> nodes, List<EdgeView> edges, int events, long requests) {
        /** The size of its message, give or take the dropped count's digits. */
        public int messageBytes() {
            return body.length() + Messages.BATCH_HEAD.length() + 24;
        }
    }

    private BatchParts() {
    }

    /**
     * The batch in parts: {@code nodes} as {@code masking} shows them, {@code events} already masked. {@code folded}
     * is read, not kept.
     */
    public static List<Part> of(List<NodeView> nodes, Masking masking, List<EdgeView> edges, List<RequestEvent> events,
                                FoldedRoutes folded, ToIntFunction<String> ix) {
        byte[] nodesJson = Messages.nodes(nodes, ix, masking);
        byte[] edgeRows = EdgeRows.write(edges, ix);
        JsonBytes whole = new JsonBytes(nodesJson.length + edgeRows.length + events.size() * 96 + 96);
        whole.raw("\"nodes\":").raw(nodesJson);
        JsonBytes rest = Messages.batchBody(edgeRows, events, folded, ix);
        whole.raw(rest.array(), 0, rest.length());
        if (whole.length() <= MAX_BODY_BYTES) {
            return List.of(new Part(whole, nodes, edges, events.size(), events.size() + folded.total()));
        }
        List<Piece> pieces = new ArrayList<>();
        nodePieces(nodes, masking, ix, Integer.MAX_VALUE, pieces);
        edgePieces(edges, ix, Integer.MAX_VALUE, pieces);
        eventPieces(events, ix, 0, events.size(), pieces);
        foldedPieces(folded, ix, 0, folded.size(), pieces);
        return pack(pieces);
    }

    /**
     * What a client missed (nodes and edge rows only), in parts of at most {@value #MAX_MESSAGE_BYTES} bytes that
     * add up to at most about {@code maxBytes}: the first items in order, encoded one by one as they fit, so a client
     * owed much costs only what it can take now. Nothing when even one part would not fit.
     */
    public static List<Part> owed(Collection<NodeView> nodes, Masking masking, Collection<EdgeView> edges,
                                  ToIntFunction<String> ix, int maxBytes) {
        List<Piece> pieces = new ArrayList<>();
        int left = nodePieces(new ArrayList<>(nodes), masking, ix, maxBytes - HEAD_ROOM - EMPTY_SECTIONS, pieces);
        if (left >= 0) { // edge rows only after every node they may refer to
            edgePieces(new ArrayList<>(edges), ix, left, pieces);
        }
        return pack(pieces);
    }

    private enum Section { NODES, EDGES, EVENTS, FOLDED }

    /** One section's slice: its JSON (an array, or for events {@code "strings":[..],"events":[..]}) and contents. */
    private record Piece(Section section, JsonBytes json, List<NodeView> nodes, List<EdgeView> edges, int events,
                         long requests) {
    }

    /**
     * Nodes, one by one, into pieces of at most {@link #MAX_PIECE_BYTES}, until {@code budget} bytes are used;
     * returns the budget left, or -1 when some nodes did not fit.
     */
    private static int nodePieces(List<NodeView> nodes, Masking masking, ToIntFunction<String> ix, int budget,
                                  List<Piece> out) {
        JsonBytes json = null;
        List<NodeView> in = new ArrayList<>();
        for (NodeView n : nodes) {
            byte[] one = json(masking.node(NodeDto.of(n, ix.applyAsInt(n.id()))));
            if (json != null && json.length() + 1 + one.length + 1 > MAX_PIECE_BYTES) {
                out.add(new Piece(Section.NODES, json.raw(']'), in, List.of(), 0, 0));
                json = null;
                in = new ArrayList<>();
            }
            if (budget < one.length + 1) {
                budget = -1;
                break;
            }
            budget -= one.length + 1;
            json = json == null ? new JsonBytes(Math.min(MAX_PIECE_BYTES, one.length * 8)).raw('[') : json.raw(',');
            json.raw(one);
            in.add(n);
        }
        if (json != null) {
            out.add(new Piece(Section.NODES, json.raw(']'), in, List.of(), 0, 0));
        }
        return budget;
    }

    private static void edgePieces(List<EdgeView> edges, ToIntFunction<String> ix, int budget, List<Piece> out) {
        JsonBytes json = null;
        List<EdgeView> in = new ArrayList<>();
        JsonBytes one = new JsonBytes(256);
        for (EdgeView e : edges) {
            one.reset();
            EdgeRows.row(one, e, ix);
            if (json != null && json.length() + 1 + one.length() + 1 > MAX_PIECE_BYTES) {
                out.add(new Piece(Section.EDGES, json.raw(']'), List.of(), in, 0, 0));
                json = null;
                in = new ArrayList<>();
            }
            if (budget < one.length() + 1) {
                break;
            }
            budget -= one.length() + 1;
            json = json == null ? new JsonBytes(4096).raw('[') : json.raw(',');
            json.raw(one.array(), 0, one.length());
            in.add(e);
        }
        if (json != null) {
            out.add(new Piece(Section.EDGES, json.raw(']'), List.of(), in, 0, 0));
        }
    }

    /** Events {@code from}..{@code to}: encoded whole, halved while too big (a burst's batch only). */
    private static void eventPieces(List<RequestEvent> events, ToIntFunction<String> ix, int from, int to,
                                    List<Piece> out) {
        if (from == to) {
            return;
        }
        List<RequestEvent> slice = events.subList(from, to);
        JsonBytes json = new JsonBytes(slice.size() * 96 + 32);
        CompactEvents.write(json, slice, ix);
        if (json.length() <= MAX_PIECE_BYTES || to - from == 1) {
            out.add(new Piece(Section.EVENTS, json, List.of(), List.of(), slice.size(), slice.size()));
            return;
        }
        int mid = (from + to) >>> 1;
        eventPieces(events, ix, from, mid, out);
        eventPieces(events, ix, mid, to, out);
    }

    private static void foldedPieces(FoldedRoutes folded, ToIntFunction<String> ix, int from, int to,
                                     List<Piece> out) {
        if (from == to) {
            return;
        }
        JsonBytes json = new JsonBytes((to - from) * 32 + 16);
        folded.write(json, ix, from, to);
        if (json.length() <= MAX_PIECE_BYTES || to - from == 1) {
            long requests = 0;
            for (int k = from; k < to; k++) {
                requests += folded.count(k);
            }
            out.add(new Piece(Section.FOLDED, json, List.of(), List.of(), 0, requests));
            return;
        }
        int mid = (from + to) >>> 1;
        foldedPieces(folded, ix, from, mid, out);
        foldedPieces(folded, ix, mid, to, out);
    }

    /** Pieces in order into parts: consecutive pieces of different sections share a part while it fits. */
    private static List<Part> pack(List<Piece> pieces) {
        List<Part> parts = new ArrayList<>();
        List<Piece> current = new ArrayList<>();
        int bytes = 0;
        for (Piece p : pieces) {
            boolean sectionTaken = !current.isEmpty()
                    && current.get(current.size() - 1).section.compareTo(p.section) >= 0;
            if (!current.isEmpty() && (sectionTaken || bytes + p.json.length() > MAX_PIECE_BYTES)) {
                parts.add(part(current, true));
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(p);
            bytes += p.json.length();
        }
        if (!current.isEmpty()) {
            parts.add(part(current, false));
        }
        return parts;
    }

    private static Part part(List<Piece> pieces, boolean more) {
        Piece nodes = null;
        Piece edges = null;
        Piece events = null;
        Piece folded = null;
        for (Piece p : pieces) {
            switch (p.section) {
                case NODES -> nodes = p;
                case EDGES -> edges = p;
                case EVENTS -> events = p;
                default -> folded = p;
            }
        }
        int size = EMPTY_SECTIONS;
        for (Piece p : pieces) {
            size += p.json.length();
        }
        JsonBytes body = new JsonBytes(size + 16);
        body.raw("\"nodes\":");
        if (nodes == null) {
            body.raw("[]");
        } else {
            body.raw(nodes.json.array(), 0, nodes.json.length());
        }
        body.raw(",\"edges\":");
        if (edges == null) {
            body.raw("[]");
        } else {
            body.raw(edges.json.array(), 0, edges.json.length());
        }
        body.raw(',');
        if (events == null) {
            body.raw("\"strings\":[],\"events\":[]");
        } else {
            body.raw(events.json.array(), 0, events.json.length());
        }
        if (folded != null) {
            body.raw(folded.json.array(), 0, folded.json.length());
        }
        if (more) {
            body.raw(",\"more\":true");
        }
        body.raw('}');
        return new Part(body, nodes == null ? List.of() : nodes.nodes, edges == null ? List.of() : edges.edges,
                events == null ? 0 : events.events,
                (events == null ? 0 : events.requests) + (folded == null ? 0 : folded.requests));
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
