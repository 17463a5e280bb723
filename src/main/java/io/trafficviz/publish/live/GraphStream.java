package io.trafficviz.publish.live;

import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.GraphDelta;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.NodeView;
import io.trafficviz.model.RequestEvent;
import io.trafficviz.ingest.IngestView;
import io.trafficviz.ingest.LiveRequest;
import io.trafficviz.publish.wire.CompactEvents;
import io.trafficviz.publish.wire.EdgeRows;
import io.trafficviz.publish.wire.FoldedRoutes;
import io.trafficviz.publish.wire.HelloParts;
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

    /** Sends each graph client that is free and still owed parts of its hello the next one. */
    void continueHellos() {
        for (Client client : clients.all()) {
            if (client.helloParts != null) {
                continueHello(client);
            }
        }
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
            return;
        }
        send(Messages.nodes(announced, this::ix), delta.edges(), sent, folded, announced, batchRequests, batchOverflow,
                now);
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

    private void send(byte[] nodes, List<EdgeView> edges, List<RequestEvent> sent, FoldedRoutes folded,
                      List<NodeView> announced, long batchRequests, long batchOverflow, long now) {
        byte[] edgeRows = EdgeRows.write(edges, this::ix);
        // Built for the first free client of each masking: the same bytes for all clients that see the same.
        Map<Masking, Frames> byMasking = new IdentityHashMap<>(2);
        for (Client client : clients.all()) {
            if (client.channel != LiveHub.Channel.GRAPH) {
                continue;
            }
            if (client.helloParts != null) { // still taking its hello: this batch waits like one for a busy client
                clients.countDropped(client, batchRequests);
                owe(client, announced, edges);
                continue;
            }
            if (clients.skipBusy(client, batchRequests, now)) {
                owe(client, announced, edges);
                continue;
            }
            long dropped = client.dropped + batchOverflow;
            client.dropped = 0;
            if (!client.owedEdges.isEmpty()) {
                // It missed edge changes: its own batch, with their latest rows and this batch's (a rare encoding).
                owe(client, announced, edges);
                byte[] owedNodes = Messages.nodes(client.owedNodes.values(), this::ix, client.masking);
                byte[] owedRows = EdgeRows.write(new ArrayList<>(client.owedEdges.values()), this::ix);
                client.owedNodes.clear();
                client.owedEdges.clear();
                List<RequestEvent> itsEvents = client.masking.masksNothing() ? sent : client.masking.paths(sent);
                Frames own = new Frames(Messages.BATCH_HEAD, owedNodes,
                        Messages.batchBody(owedRows, itsEvents, folded, this::ix));
                clients.send(client, own.once(dropped));
                continue;
            }
            Frames frames = byMasking.computeIfAbsent(client.masking, m -> m.masksNothing()
                    ? new Frames(Messages.BATCH_HEAD, nodes, Messages.batchBody(edgeRows, sent, folded, this::ix))
                    : new Frames(Messages.BATCH_HEAD, Messages.nodes(announced, this::ix, m),
                            Messages.batchBody(edgeRows, m.paths(sent), folded, this::ix)));
            if (client.owedNodes.isEmpty()) {
                clients.send(client, frames.with(dropped));
            } else {
                // This client missed batches that announced nodes: tell it about them along with this one's.
                owe(client, announced, List.of());
                byte[] owed = Messages.nodes(client.owedNodes.values(), this::ix, client.masking);
                client.owedNodes.clear();
                clients.send(client, frames.withNodes(dropped, owed));
            }
        }
    }

    /**
     * Nodes announced and edges changed in a batch {@code client} is not sent: it gets their latest descriptions with
     * its next one.
     */
    private static void owe(Client client, List<NodeView> announced, List<EdgeView> edges) {
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
