package io.trafficviz.publish.live;

import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.GraphDelta;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.NodeView;
import io.trafficviz.model.RequestEvent;
import io.trafficviz.ingest.IngestView;
import io.trafficviz.ingest.LiveRequest;
import io.trafficviz.publish.wire.BatchParts;
import io.trafficviz.publish.wire.CompactEvents;
import io.trafficviz.publish.wire.FoldedRoutes;
import io.trafficviz.publish.wire.HelloParts;
import io.trafficviz.publish.wire.JsonBytes;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.publish.wire.Messages;
import io.trafficviz.publish.wire.NetworkInfoDoc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /ws/graph}: every {@value LiveHub#FLUSH_MILLIS} ms one batch of the graph's changes and the requests since the
 * last one, in the compact form of docs/protocol.md, encoded once for every client that is free to take it. Nodes
 * travel by the small index this stream announced them with ({@link #ix}): in a client's hello, or in the {@code
 * nodes} of a batch before (or with) the first event or edge row that mentions them; a client that missed batches gets
 * the nodes they announced with its next one.
 *
 * <p>The budget: a batch sends at most {@value #BATCH_BUDGET} events one by one, failures first; the rest are counted
 * per route ({@link FoldedRoutes}). With only graph clients connected, a request certain not to be sent one by one is
 * counted on its route as it is read ({@link #foldedAtIngest}: no event object is built for it); with an access-log
 * client every request is built, and the budget is applied when the batch is sent. Both ways give the same batches.
 *
 * <p>The bytes: no message is larger than {@value BatchParts#MAX_MESSAGE_BYTES} bytes (a big batch goes in parts,
 * {@link BatchParts}), and no client holds more than {@value #MAX_CLIENT_BYTES} bytes queued and in flight; what a
 * client cannot take is owed to it (nodes, edge rows: their latest descriptions, delivered as it gets free) or counted
 * in its {@code dropped} (requests), so what its edges count is always the server's.
 *
 * <p>Everything here runs on the hub's flusher thread, except the two methods marked as running under the hub's
 * intake lock. The graph's changes arrive as values ({@link IngestView#drainDelta}): nothing here holds the ingest
 * lock.
 */
final class GraphStream {
    /**
     * Events sent one by one per batch (20,000/s): twice the budgeted rate, more than the page can animate (it folds
     * successful requests into particle streams past ~12 comets per edge). Past it, failures go first and the rest are
     * sent as counts per route ({@code folded}), not lost.
     */
    static final int BATCH_BUDGET = 1_000;
    /** Every this many batches (1 s), the statistics of known edges that changed or were busy recently are sent. */
    static final int RATE_REFRESH_TICKS = 20;
    /**
     * Bytes a graph client may have queued and in flight (docs/security.md): past them, what a batch would add is owed
     * to it (nodes, edge rows) or counted in its {@code dropped} (requests).
     */
    static final int MAX_CLIENT_BYTES = 256 * 1024;
    /**
     * A client owed at most this many nodes and edge rows gets them in its own encoding of the next batch it takes, if
     * that batch is one message; otherwise it gets them in parts as it takes them, encoded only as far as its bytes
     * allow, so a client that missed a burst costs what it can read, not the burst's size at every batch.
     */
    static final int MAX_OWED_WITH_BATCH = 256;

    /** A batch with nothing but its {@code dropped} count (read only, shared). */
    private static final JsonBytes EMPTY_BODY = new JsonBytes(64)
            .raw("\"nodes\":[],\"edges\":[],\"strings\":[],\"events\":[]}");

    private final IngestView ingest;
    private final ClientRegistry clients;
    private final Function<NetworkSnapshot, NetworkInfoDoc> helloDocument;

    // Under the hub's intake lock: this batch's requests counted on their routes at ingest instead of kept as events,
    // and how many errors and requests in all were kept as events for it.
    private FoldedRoutes ingestFolded = new FoldedRoutes();
    private int windowErrors;
    private int windowEvents;

    // Flusher thread: the table ingestFolded is swapped with at every batch, events since the last batch, the index.
    private FoldedRoutes spareFolded = new FoldedRoutes();
    private List<RequestEvent> events = new ArrayList<>();
    private long overflow;
    private long batches;
    private final Map<String, Integer> nodeIx = new HashMap<>();

    GraphStream(IngestView ingest, ClientRegistry clients, Function<NetworkSnapshot, NetworkInfoDoc> helloDocument) {
        this.ingest = ingest;
        this.clients = clients;
        this.helloDocument = helloDocument;
    }

    /**
     * Under the hub's intake lock, with only graph clients connected: whether {@code request} was counted on its route
     * instead of becoming an event. An error is once the batch holds {@value #BATCH_BUDGET} errors, any other request
     * once it holds {@value #BATCH_BUDGET} events (errors go first, so an event kept now may still be folded when the
     * batch is sent, never the other way round). Allocates nothing for a request past the budget, which is what a
     * burst consists of.
     */
    boolean foldedAtIngest(LiveRequest request) {
        boolean error = request.error();
        if (error ? windowErrors >= BATCH_BUDGET : windowEvents >= BATCH_BUDGET) {
            String toId = request.toId();
            ingestFolded.add(request.fromId(), request.proxyId(), toId,
                    CompactEvents.foldedFlags(error, request.answeredByProxy(), toId), 1);
            return true;
        }
        windowEvents++;
        if (error) {
            windowErrors++;
        }
        return false;
    }

    /**
     * Under the hub's intake lock, at a batch's turn: what ingest counted for this batch; ingest starts the next one
     * on an empty table. Clear the one returned once used: it comes back at the next turn.
     */
    FoldedRoutes takeIngestFolded() {
        FoldedRoutes folded = ingestFolded;
        ingestFolded = spareFolded;
        spareFolded = folded;
        windowErrors = 0;
        windowEvents = 0;
        return folded;
    }

    /** A new client's hello, the whole graph with every node's index; its batches start from this state. */
    byte[] hello(Masking masking) {
        NetworkSnapshot snapshot = ingest.snapshot(false, ingest.rateClock());
        // Indexes first, from the real ids: a masked client refers to the same nodes by the same numbers.
        return Messages.hello(masking.document(helloDocument.apply(snapshot).withNodeIx(this::ix)));
    }

    /** The next part of {@code client}'s hello, if it took the previous one. */
    void continueHello(Client client) {
        if (client.inFlight || client.helloParts == null) {
            return;
        }
        HelloParts parts = client.helloParts;
        byte[] part = parts.next();
        if (!parts.hasNext()) {
            client.helloParts = null;
        }
        clients.send(client, ByteBuffer.wrap(part));
    }

    /** No client at all: forget this tick's events and, at a batch's turn ({@code folded} not null), the changes. */
    void idle(FoldedRoutes folded) {
        events.clear();
        overflow = 0;
        if (folded != null) {
            folded.clear();
            // Nobody to tell: forget the changes without rendering them, which the ingest side does under its lock.
            ingest.discardChanges();
        }
    }

    /** One tick's events for the next batch ({@code tickOverflow} more were not buffered), if anyone is watching. */
    void collect(List<RequestEvent> tickEvents, long tickOverflow) {
        if (!clients.has(LiveHub.Channel.GRAPH)) {
            events.clear();
            overflow = 0;
            return;
        }
        int room = LiveHub.MAX_PENDING - events.size();
        if (tickEvents.size() <= room) {
            events.addAll(tickEvents);
        } else {
            events.addAll(tickEvents.subList(0, Math.max(0, room)));
            overflow += tickEvents.size() - Math.max(0, room);
        }
        overflow += tickOverflow;
    }

    /** The batch's turn. {@code folded}: its requests that ingest counted per route instead of building events. */
    void flush(long now, FoldedRoutes folded) {
        try {
            sendBatch(now, folded);
        } finally {
            folded.clear();
        }
    }

    private void sendBatch(long now, FoldedRoutes folded) {
        long rateNow = ingest.rateClock();
        GraphDelta delta = ingest.drainDelta(rateNow, ++batches % RATE_REFRESH_TICKS == 0);
        List<NodeView> announced = new ArrayList<>(delta.nodes().size());
        for (NodeView n : delta.nodes()) {
            ix(n.id());
            announced.add(n);
        }
        List<RequestEvent> batch = events;
        long batchOverflow = overflow;
        events = new ArrayList<>();
        overflow = 0;
        // Every request of this batch, those counted at ingest included (what a busy client misses).
        long batchRequests = batch.size() + folded.total();
        // The loops over a batch's events and clients are methods of their own, each compiled on its own: inlined
        // here they made this method one large compilation, redone whenever a burst took a branch a calm stream never
        // had (a busy client, a batch over budget), at 0.3-0.7 s of the JIT's time on the ingest's core each.
        List<RequestEvent> sent = budgeted(batch, folded);
        announceMentioned(delta.edges(), sent, folded, announced);
        if (batchRequests == 0 && announced.isEmpty() && delta.edges().isEmpty() && batchOverflow == 0) {
            catchUp(now);
            return;
        }
        send(delta.edges(), sent, folded, announced, batchRequests, batchOverflow, now);
    }

    /**
     * The events a batch sends one by one. Past the budget (here, or at ingest, which kept exactly the budget's worth)
     * failures go first and the rest are counted per route in {@code folded}.
     */
    private static List<RequestEvent> budgeted(List<RequestEvent> batch, FoldedRoutes folded) {
        if (batch.size() <= BATCH_BUDGET && folded.total() == 0) {
            return batch;
        }
        List<RequestEvent> rest = new ArrayList<>();
        List<RequestEvent> chosen = errorsFirst(batch, rest);
        for (RequestEvent e : rest) {
            folded.add(e.fromId(), e.proxyId(), e.toId(), CompactEvents.foldedFlags(e), 1);
        }
        return chosen;
    }

    /** The events of an over-budget batch sent one by one: failures first, each outcome in arrival order. */
    private static List<RequestEvent> errorsFirst(List<RequestEvent> batch, List<RequestEvent> rest) {
        List<RequestEvent> chosen = new ArrayList<>(BATCH_BUDGET);
        for (RequestEvent e : batch) {
            if (e.error()) {
                (chosen.size() < BATCH_BUDGET ? chosen : rest).add(e);
            }
        }
        for (RequestEvent e : batch) {
            if (!e.error()) {
                (chosen.size() < BATCH_BUDGET ? chosen : rest).add(e);
            }
        }
        return chosen;
    }

    /**
     * Gives every node this batch's edge rows, events and folded routes mention an index, announcing (in {@code
     * announced}) those that have none yet. Each normally was announced before (in a hello or an earlier batch: it
     * existed before its edge or event, and was drained by now); should one not have been, its description is asked
     * of the ingest side once for all of them. An id the graph does not know gets an index without a description
     * (the client skips its flash).
     */
    private void announceMentioned(List<EdgeView> edges, List<RequestEvent> sent, FoldedRoutes folded,
                                   List<NodeView> announced) {
        Set<String> unknown = new LinkedHashSet<>();
        for (EdgeView e : edges) {
            unannounced(e.source(), unknown);
            unannounced(e.target(), unknown);
        }
        mentionedByEvents(sent, unknown);
        mentionedByRoutes(folded, unknown);
        if (unknown.isEmpty()) {
            return;
        }
        Map<String, NodeView> found = new HashMap<>();
        for (NodeView n : ingest.nodes(unknown)) {
            found.put(n.id(), n);
        }
        for (String id : unknown) {
            ix(id);
            NodeView n = found.get(id);
            if (n != null) {
                announced.add(n);
            }
        }
    }

    private void mentionedByEvents(List<RequestEvent> sent, Set<String> unknown) {
        for (RequestEvent e : sent) {
            unannounced(e.fromId(), unknown);
            unannounced(e.proxyId(), unknown);
            unannounced(e.toId(), unknown);
        }
    }

    private void mentionedByRoutes(FoldedRoutes folded, Set<String> unknown) {
        for (int k = 0; k < folded.size(); k++) {
            unannounced(folded.fromId(k), unknown);
            unannounced(folded.proxyId(k), unknown);
            unannounced(folded.toId(k), unknown);
        }
    }

    private void unannounced(String id, Set<String> unknown) {
        if (!nodeIx.containsKey(id)) {
            unknown.add(id);
        }
    }

    /**
     * Hands the batch to every graph client, in parts of at most {@value BatchParts#MAX_MESSAGE_BYTES} bytes encoded
     * once per masking. A client still busy with earlier messages skips it: its nodes and edge rows are owed to the
     * client, its requests counted in the client's {@code dropped}. A free client takes, in order, what it is owed and
     * then as many of the batch's parts as fit in its {@value #MAX_CLIENT_BYTES} bytes; the nodes and edge rows of a
     * part that does not fit (and of every part after it) are owed to it, their requests counted in its {@code
     * dropped}. A part never goes out after one of the same batch that did not, so nothing refers to a node the client
     * was not told about.
     */
    private void send(List<EdgeView> edges, List<RequestEvent> sent, FoldedRoutes folded, List<NodeView> announced,
                      long batchRequests, long batchOverflow, long now) {
        Map<Masking, List<SharedPart>> byMasking = new IdentityHashMap<>(2);
        for (Client client : clients.all()) {
            if (client.channel != LiveHub.Channel.GRAPH) {
                continue;
            }
            client.dropped += batchOverflow;
            if (client.helloParts != null) { // still taking its hello: this batch waits like one for a busy client
                clients.countDropped(client, batchRequests);
                owe(client, announced, edges);
                continue;
            }
            if (busy(client)) { // what it misses now comes with a later batch: owed, or counted as dropped
                clients.countDropped(client, batchRequests);
                owe(client, announced, edges);
                clients.disconnectIfStalled(client, now);
                continue;
            }
            List<SharedPart> batchParts = byMasking.computeIfAbsent(client.masking, m -> shared(
                    BatchParts.of(announced, m, edges, m.masksNothing() ? sent : m.paths(sent), folded, this::ix)));
            List<SharedPart> parts = batchParts;
            int owed = client.owedNodes.size() + client.owedEdges.size();
            if (owed > 0 && owed <= MAX_OWED_WITH_BATCH && batchParts.size() == 1) {
                // It missed a little: its own encoding of a small batch, the latest of what it missed in front.
                owe(client, announced, edges);
                List<NodeView> nodes = new ArrayList<>(client.owedNodes.values());
                List<EdgeView> rows = new ArrayList<>(client.owedEdges.values());
                client.owedNodes.clear();
                client.owedEdges.clear();
                Masking m = client.masking;
                parts = shared(BatchParts.of(nodes, m, rows, m.masksNothing() ? sent : m.paths(sent), folded, this::ix));
            } else if (owed > 0) {
                // It missed a lot, or the batch is big: as much of what it missed as fits now, encoded only as far
                // as it goes, then the batch's shared parts if that was all.
                deliverOwed(client);
                if (!client.owedNodes.isEmpty() || !client.owedEdges.isEmpty()) {
                    clients.countDropped(client, batchRequests);
                    owe(client, announced, edges);
                    pump(client);
                    continue;
                }
            }
            int k = 0;
            for (; k < parts.size() && fits(client, parts.get(k).part().messageBytes()); k++) {
                SharedPart p = parts.get(k);
                long dropped = takeDropped(client);
                enqueue(client, dropped == 0 ? p.frames().with(0) : p.frames().once(dropped));
            }
            for (; k < parts.size(); k++) {
                BatchParts.Part p = parts.get(k).part();
                owe(client, p.nodes(), p.edges());
                clients.countDropped(client, p.requests());
            }
            pump(client);
        }
    }

    /** A batch's part and its frames, shared by the clients of one masking. */
    private record SharedPart(BatchParts.Part part, Frames frames) {
    }

    private static List<SharedPart> shared(List<BatchParts.Part> parts) {
        List<SharedPart> out = new ArrayList<>(parts.size());
        for (BatchParts.Part p : parts) {
            out.add(new SharedPart(p, new Frames(Messages.BATCH_HEAD, p.body())));
        }
        return out;
    }

    /**
     * A batch with nothing new: clients that lag get what they are owed, or a batch with no content that carries
     * their {@code dropped} count, so their counts are the server's without waiting for the next request.
     */
    private void catchUp(long now) {
        for (Client client : clients.all()) {
            if (client.channel != LiveHub.Channel.GRAPH || client.helloParts != null || busy(client)) {
                continue;
            }
            deliverOwed(client);
            if (client.dropped > 0 && client.owedNodes.isEmpty() && client.owedEdges.isEmpty()
                    && client.queuedParts.isEmpty()) {
                enqueue(client, new Frames(Messages.BATCH_HEAD, EMPTY_BODY).once(takeDropped(client)));
            }
            pump(client);
        }
    }

    /**
     * As much of what {@code client} is owed as fits in its bytes now: nodes first, then edge rows (their latest),
     * encoded for it alone. What does not fit stays owed.
     */
    private void deliverOwed(Client client) {
        if (client.owedNodes.isEmpty() && client.owedEdges.isEmpty()) {
            return;
        }
        int room = MAX_CLIENT_BYTES - held(client);
        if (room <= 0) {
            return;
        }
        for (BatchParts.Part p : BatchParts.owed(client.owedNodes.values(), client.masking, client.owedEdges.values(),
                this::ix, room)) {
            if (!fits(client, p.messageBytes())) {
                return;
            }
            enqueue(client, new Frames(Messages.BATCH_HEAD, p.body()).once(takeDropped(client)));
            for (NodeView n : p.nodes()) {
                client.owedNodes.remove(n.id());
            }
            for (EdgeView e : p.edges()) {
                client.owedEdges.remove(e.id());
            }
        }
    }

    /** Sends each graph client that is free its next queued message, or the next part of its hello. */
    void pump() {
        for (Client client : clients.all()) {
            if (client.channel != LiveHub.Channel.GRAPH) {
                continue;
            }
            if (!client.queuedParts.isEmpty()) {
                pump(client);
            } else if (client.helloParts != null) {
                continueHello(client);
            }
        }
    }

    private void pump(Client client) {
        while (!client.inFlight && !client.queuedParts.isEmpty()) {
            ByteBuffer next = client.queuedParts.poll();
            client.queuedBytes -= next.remaining();
            clients.send(client, next);
        }
    }

    private static void enqueue(Client client, ByteBuffer message) {
        client.queuedParts.add(message);
        client.queuedBytes += message.remaining();
    }

    /** Still writing an earlier message, or with parts of one queued: it takes no new batch. */
    private static boolean busy(Client client) {
        return client.inFlight || !client.queuedParts.isEmpty();
    }

    /** Bytes queued for {@code client} and in flight to it. */
    private static int held(Client client) {
        return (int) (client.queuedBytes + (client.inFlight ? client.inFlightBytes : 0));
    }

    private static boolean fits(Client client, int bytes) {
        return held(client) + bytes <= MAX_CLIENT_BYTES;
    }

    private static long takeDropped(Client client) {
        long dropped = client.dropped;
        client.dropped = 0;
        return dropped;
    }

    /**
     * Nodes announced and edges changed in a batch {@code client} is not sent: it gets their latest descriptions with
     * its next one.
     */
    private static void owe(Client client, List<NodeView> announced, List<EdgeView> edges) {
        if (announced.isEmpty() && edges.isEmpty()) {
            return;
        }
        for (NodeView n : announced) {
            client.owedNodes.put(n.id(), n);
        }
        for (EdgeView e : edges) {
            client.owedEdges.remove(e.id()); // re-inserted last: rows keep the order the edges last changed in
            client.owedEdges.put(e.id(), e);
        }
    }

    /** The stream's index of a node, assigned on first mention and kept for this process's life. */
    private int ix(String nodeId) {
        Integer known = nodeIx.get(nodeId);
        if (known != null) {
            return known;
        }
        int next = nodeIx.size();
        nodeIx.put(nodeId, next);
        return next;
    }
}
