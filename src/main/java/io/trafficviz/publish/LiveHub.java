package io.trafficviz.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.websocket.WsContext;
import io.trafficviz.graph.Edge;
import io.trafficviz.graph.EdgeStats;
import io.trafficviz.graph.Node;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.pipeline.EventListener;
import io.trafficviz.pipeline.LiveRequest;
import io.trafficviz.pipeline.Pipeline;
import io.trafficviz.model.RequestEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Fans resolved requests and graph deltas out to WebSocket clients.
 *
 * <p>The ingest thread only appends to a bounded buffer ({@link #onRequest}); a flusher thread wakes every
 * {@value #ACCESS_LOG_FLUSH_MILLIS} ms, sends access-log clients that tick's entries and, every {@value #FLUSH_MILLIS}
 * ms, graph clients one batch, asynchronously. Every message is encoded to UTF-8 bytes once and the same bytes go to
 * every client that gets it (only the {@code dropped} count in front can differ). Graph clients get events in the
 * compact form of docs/protocol.md ({@link CompactEvents}): nodes by the small index this hub announced them with.
 * A client whose previous message is still in flight gets nothing new: its events are counted as dropped (and the
 * nodes it missed are sent with its next batch); past a batch's budget failures go first and the other events as
 * counts per route; after
 * {@value #STALL_MILLIS} ms of stall it is disconnected. Ingest and other clients never wait for a slow one.
 *
 * <p>When only graph clients are connected, a request that is certain not to be sent one by one (its graph batch is
 * already over budget for it) is counted on its route as it is read: no event object is built for it. With an
 * access-log client every request is built, as that table gets each one in full, and the budget is applied when the
 * batch is sent; both ways give the same batches.
 */
public final class LiveHub implements EventListener, AutoCloseable {
    /** Graph batches (nodes, edges, events) go out at most this often, as the protocol says. */
    static final long FLUSH_MILLIS = 50;
    /** Access-log entries go out this often: the live table should show a request within milliseconds. */
    static final long ACCESS_LOG_FLUSH_MILLIS = 5;
    private static final long GRAPH_EVERY_TICKS = FLUSH_MILLIS / ACCESS_LOG_FLUSH_MILLIS;
    static final long STALL_MILLIS = 15_000;
    /**
     * Events sent one by one per batch (20,000/s): twice the budgeted rate, more than the page can animate (it folds
     * successful requests into particle streams past ~12 comets per edge). Past it, failures go first and the rest are
     * sent as counts per route ({@code folded}), not lost.
     */
    static final int BATCH_BUDGET = 1_000;
    /** Hard cap on events buffered between two flushes, whatever their outcome. */
    static final int MAX_PENDING = 100_000;
    /** Every this many flushes (1 s), edges busy within the 10 s rate window are resent so their rates decay. */
    static final int RATE_REFRESH_TICKS = 20;
    static final long RATE_WINDOW_MILLIS = 11_000;

    private static final Logger log = LoggerFactory.getLogger(LiveHub.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Channel { GRAPH, ACCESS_LOG }

    private final Pipeline pipeline;
    private final Supplier<Map<String, Object>> helloDocument;
    private final Map<Object, Client> clients = new ConcurrentHashMap<>();
    /** Null in tests that call {@link #flush()} themselves: work meant for the flusher then runs on the caller. */
    private final ScheduledExecutorService flusher;
    private final Object pendingLock = new Object();
    private List<RequestEvent> pending = new ArrayList<>();
    private long pendingDropped;
    /**
     * Under {@link #pendingLock}: the current graph batch's requests counted on their routes at ingest instead of
     * sent (see {@link #onRequest}), and how many errors and requests in all were kept as events for it.
     */
    private FoldedRoutes ingestFolded = new FoldedRoutes();
    private int windowErrors;
    private int windowEvents;
    /** Owned by the flusher: the table {@link #ingestFolded} is swapped with at every graph batch. */
    private FoldedRoutes spareFolded = new FoldedRoutes();
    /** Graph clients and no access-log client: requests past a batch's budget need no event object. */
    private volatile boolean foldAtIngest;
    // Owned by the flusher thread: events since the last graph batch, and the node index of the graph stream.
    private List<RequestEvent> graphEvents = new ArrayList<>();
    private long graphOverflow;
    private long ticks;
    private long graphTicks;
    private final Map<String, Integer> nodeIx = new HashMap<>();
    /** Edges sent in a batch at least once; bounded like the graph's edges. */
    private final Set<Edge> announcedEdges = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Known edges whose statistics changed since the last once-a-second refresh. */
    private final Set<Edge> staleEdges = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean watched;

    private final AtomicLong sentMessages = new AtomicLong();
    private final AtomicLong sentBytes = new AtomicLong();
    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong disconnectedSlow = new AtomicLong();

    private static final class Client {
        final Object key;
        final Peer peer;
        final Channel channel;
        volatile boolean inFlight;
        volatile long inFlightSince;
        long dropped;
        /** Nodes announced in graph batches this client missed: its event indexes would otherwise dangle. */
        final Set<Node> owedNodes = new LinkedHashSet<>();

        Client(Object key, Peer peer, Channel channel) {
            this.key = key;
            this.peer = peer;
            this.channel = channel;
        }
    }

    public LiveHub(Pipeline pipeline, Supplier<Map<String, Object>> helloDocument) {
        this(pipeline, helloDocument, true);
    }

    LiveHub(Pipeline pipeline, Supplier<Map<String, Object>> helloDocument, boolean autoFlush) {
        this.pipeline = pipeline;
        this.helloDocument = helloDocument;
        if (autoFlush) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "live-hub-flush");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushSafely, ACCESS_LOG_FLUSH_MILLIS, ACCESS_LOG_FLUSH_MILLIS,
                    TimeUnit.MILLISECONDS);
        } else {
            flusher = null;
        }
    }

    public void connect(WsContext ctx, Channel channel) {
        connect(ctx, Peer.of(ctx), channel);
    }

    public void disconnect(WsContext ctx) {
        disconnect((Object) ctx);
    }

    /**
     * Registers a client under {@code key}. A graph client's hello is built and sent on the flusher thread, between
     * two batches: every node it mentions gets its index there, and every later batch starts from that state, so
     * each index an event refers to reaches the client before the event.
     */
    void connect(Object key, Peer peer, Channel channel) {
        Client client = new Client(key, peer, channel);
        if (channel == Channel.ACCESS_LOG) {
            clients.put(key, client);
            clientsChanged();
            return;
        }
        onFlusher(() -> {
            Map<String, Object> graph = helloDocument.get();
            Object nodes = graph.get("nodes");
            if (nodes instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m && m.get("id") instanceof String id) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> node = (Map<String, Object>) m;
                        node.put("ix", ix(id));
                    }
                }
            }
            Map<String, Object> hello = new LinkedHashMap<>();
            hello.put("type", "hello");
            hello.put("graph", graph);
            clients.put(key, client);
            clientsChanged();
            send(client, ByteBuffer.wrap(toJsonBytes(hello)));
        });
    }

    void disconnect(Object key) {
        // Through the flusher too, so it cannot overtake the hello of the same client.
        onFlusher(() -> {
            clients.remove(key);
            clientsChanged();
        });
    }

    /** After clients came or went (from the flusher, Jetty's or Javalin's threads). */
    private synchronized void clientsChanged() {
        boolean graph = has(Channel.GRAPH);
        boolean table = has(Channel.ACCESS_LOG);
        foldAtIngest = graph && !table;
        watched = graph || table;
    }

    private void onFlusher(Runnable task) {
        Runnable safe = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("live hub task failed", e);
            }
        };
        if (flusher == null) {
            safe.run();
            return;
        }
        try {
            flusher.execute(safe);
        } catch (RejectedExecutionException e) {
            // Shutting down: nobody will be sent anything any more.
        }
    }

    /** The graph stream's index of a node, assigned on first mention and kept for this process's life. */
    private int ix(String nodeId) {
        Integer known = nodeIx.get(nodeId);
        if (known != null) {
            return known;
        }
        int next = nodeIx.size();
        nodeIx.put(nodeId, next);
        return next;
    }

    @Override
    public boolean wantsEvents() {
        return watched;
    }

    /**
     * Takes one request from the ingest thread. With only graph clients, a request the current graph batch will not
     * send one by one is counted on its route instead of becoming an event: an error once the batch holds {@value
     * #BATCH_BUDGET} errors, any other request once it holds {@value #BATCH_BUDGET} events (errors go first, so an
     * event kept now may still be folded when the batch is sent, never the other way round). This allocates nothing
     * for a request past the budget, which is what a burst consists of.
     */
    @Override
    public void onRequest(LiveRequest request) {
        boolean error = request.error();
        synchronized (pendingLock) {
            if (foldAtIngest) {
                if (error ? windowErrors >= BATCH_BUDGET : windowEvents >= BATCH_BUDGET) {
                    String toId = request.toId();
                    ingestFolded.add(request.fromId(), request.proxyId(), toId,
                            CompactEvents.foldedFlags(error, request.answeredByProxy(), toId), 1);
                    return;
                }
                windowEvents++;
                if (error) {
                    windowErrors++;
                }
            }
            if (pending.size() < MAX_PENDING) {
                pending.add(request.event());
            } else {
                pendingDropped++;
            }
        }
    }

    private void flushSafely() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("live flush failed", e);
        }
    }

    /**
     * Runs every {@value #ACCESS_LOG_FLUSH_MILLIS} ms: access-log clients get the events of that tick at once (so a
     * request shows up within milliseconds of its log line), graph clients every {@value #FLUSH_MILLIS} ms get the
     * events of all ticks since their last batch along with the graph's changes.
     */
    void flush() {
        List<RequestEvent> events;
        long overflow;
        boolean graphTurn = ++ticks % GRAPH_EVERY_TICKS == 0;
        FoldedRoutes folded = null; // on a graph turn: what ingest counted for this batch instead of building events
        synchronized (pendingLock) {
            events = pending;
            overflow = pendingDropped;
            pending = new ArrayList<>(Math.max(16, events.size()));
            pendingDropped = 0;
            if (graphTurn) {
                folded = ingestFolded;
                ingestFolded = spareFolded;
                windowErrors = 0;
                windowEvents = 0;
            }
        }
        if (folded != null) {
            spareFolded = folded; // cleared after use below; ingest gets it back at the next graph turn
        }
        if (clients.isEmpty()) {
            graphEvents.clear();
            graphOverflow = 0;
            if (folded != null) {
                folded.clear();
            }
            if (graphTurn) {
                // Nobody to tell: forget the changes without rendering them. Rendering an edge (three percentiles,
                // top paths) is the expensive part, and it runs under the pipeline lock: it would stall ingest.
                pipeline.withLock(() -> pipeline.graph().discardChanges());
            }
            return;
        }
        long now = System.currentTimeMillis();
        if ((!events.isEmpty() || overflow > 0) && has(Channel.ACCESS_LOG)) {
            sendEntries(events, overflow, now);
        }
        if (has(Channel.GRAPH)) {
            int room = MAX_PENDING - graphEvents.size();
            if (events.size() <= room) {
                graphEvents.addAll(events);
            } else {
                graphEvents.addAll(events.subList(0, Math.max(0, room)));
                graphOverflow += events.size() - Math.max(0, room);
            }
            graphOverflow += overflow;
        } else {
            graphEvents.clear();
            graphOverflow = 0;
        }
        if (graphTurn) {
            try {
                flushGraph(now, folded);
            } finally {
                folded.clear();
            }
        }
    }

    private boolean has(Channel channel) {
        for (Client c : clients.values()) {
            if (c.channel == channel) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ /access_logs

    private void sendEntries(List<RequestEvent> events, long overflow, long now) {
        // The entries once, as UTF-8; each distinct dropped count then costs one copy of them, not an encoding.
        JsonBytes body = new JsonBytes(events.size() * 720 + 16);
        body.raw("\"entries\":[");
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                body.raw(',');
            }
            body.raw(EventJson.writeBytes(events.get(i)));
        }
        body.raw("]}");
        Frames frames = new Frames("{\"type\":\"entries\",\"dropped\":", body);
        for (Client client : clients.values()) {
            if (client.channel != Channel.ACCESS_LOG || skipBusy(client, events.size(), now)) {
                continue;
            }
            long dropped = client.dropped + overflow;
            if (events.isEmpty() && dropped == 0) {
                continue;
            }
            client.dropped = 0;
            send(client, frames.with(dropped));
        }
    }

    // ------------------------------------------------------------------ /ws/graph

    /** {@code folded}: this batch's requests that ingest counted per route instead of building them as events. */
    private void flushGraph(long now, FoldedRoutes folded) {
        long rateNow = pipeline.rateClock();
        boolean refreshRates = ++graphTicks % RATE_REFRESH_TICKS == 0;
        List<Node> changedNodes = new ArrayList<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        JsonBytes edges = new JsonBytes(1024);
        edges.raw('[');
        pipeline.readGraph(graph -> {
            TrafficGraph.Changes changes = graph.drainChanges();
            for (Node n : changes.nodes()) {
                changedNodes.add(n);
                nodes.add(nodeJson(n));
            }
            // A new edge goes out at once (a request is about to cross it); the statistics of known ones at most once
            // a second, which is as often as the page redraws them. Rendering an edge (three percentile scans) runs
            // under the pipeline lock, and was most of each batch's bytes.
            Set<Edge> sent = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Edge e : changes.edges()) {
                if (announcedEdges.add(e)) {
                    edgeRow(edges, e, rateNow, changedNodes, nodes);
                    sent.add(e);
                } else {
                    staleEdges.add(e);
                }
            }
            if (refreshRates) {
                for (Edge e : staleEdges) {
                    if (sent.add(e)) {
                        edgeRow(edges, e, rateNow, changedNodes, nodes);
                    }
                }
                staleEdges.clear();
                // Rates fall after traffic stops, with no request to carry the news: resend recently busy edges.
                for (Edge e : graph.hopEdges()) {
                    if (rateNow - e.stats().lastSeenMillis() <= RATE_WINDOW_MILLIS && sent.add(e)) {
                        edgeRow(edges, e, rateNow, changedNodes, nodes);
                    }
                }
            }
            return null;
        });
        edges.raw(']');
        List<RequestEvent> batch = graphEvents;
        long batchOverflow = graphOverflow;
        graphEvents = new ArrayList<>();
        graphOverflow = 0;
        // Every request of this batch, those counted at ingest included (what a busy client misses).
        long batchRequests = batch.size() + folded.total();
        // The loops over a batch's events and clients are methods of their own, each compiled on its own: inlined
        // here they made this method one large compilation, redone whenever a burst took a branch a calm stream never
        // had (a busy client, a batch over budget), at 0.3-0.7 s of the JIT's time on the ingest's core each.
        List<RequestEvent> events = budgeted(batch, folded);
        announceMentioned(events, folded, changedNodes, nodes);
        if (batchRequests == 0 && nodes.isEmpty() && edges.length() == 2 && batchOverflow == 0) {
            return;
        }
        sendGraph(nodes.isEmpty() ? EMPTY_ARRAY : toJsonBytes(nodes), edges.toArray(), events, folded, changedNodes,
                batchRequests, batchOverflow, now);
    }

    /**
     * The events a graph batch sends one by one. Past the budget (here, or at ingest, which kept exactly the
     * budget's worth) failures go first and the rest are counted per route in {@code folded}.
     */
    private List<RequestEvent> budgeted(List<RequestEvent> batch, FoldedRoutes folded) {
        if (batch.size() <= BATCH_BUDGET && folded.total() == 0) {
            return batch;
        }
        List<RequestEvent> rest = new ArrayList<>();
        List<RequestEvent> events = errorsFirst(batch, rest);
        for (RequestEvent e : rest) {
            folded.add(e.fromId(), e.proxyId(), e.toId(), CompactEvents.foldedFlags(e), 1);
        }
        return events;
    }

    /**
     * Every node an event mentions was announced in a hello or a batch before it (it existed before its event, and
     * was drained by now). Should one not have been, it is looked up and announced with this batch.
     */
    private void announceMentioned(List<RequestEvent> events, FoldedRoutes folded, List<Node> changedNodes,
                                   List<Map<String, Object>> nodes) {
        for (RequestEvent e : events) {
            announceIfNew(e.fromId(), changedNodes, nodes);
            announceIfNew(e.proxyId(), changedNodes, nodes);
            announceIfNew(e.toId(), changedNodes, nodes);
        }
        for (int k = 0; k < folded.size(); k++) {
            announceIfNew(folded.fromId(k), changedNodes, nodes);
            announceIfNew(folded.proxyId(k), changedNodes, nodes);
            announceIfNew(folded.toId(k), changedNodes, nodes);
        }
    }

    private void sendGraph(byte[] nodesJson, byte[] edgesJson, List<RequestEvent> events, FoldedRoutes folded,
                           List<Node> changedNodes, long batchRequests, long batchOverflow, long now) {
        Frames frames = null; // built for the first client that is free: the same for all of them
        for (Client client : clients.values()) {
            if (client.channel != Channel.GRAPH) {
                continue;
            }
            if (skipBusy(client, batchRequests, now)) {
                client.owedNodes.addAll(changedNodes);
                continue;
            }
            long dropped = client.dropped + batchOverflow;
            if (frames == null) {
                frames = graphFrames(nodesJson, edgesJson, events, folded);
            }
            client.dropped = 0;
            if (client.owedNodes.isEmpty()) {
                send(client, frames.with(dropped));
            } else {
                // This client missed batches that announced nodes: tell it about them along with this one's.
                client.owedNodes.addAll(changedNodes);
                List<Map<String, Object>> owed = new ArrayList<>();
                pipeline.readGraph(g -> {
                    for (Node n : client.owedNodes) {
                        owed.add(nodeJson(n));
                    }
                    return null;
                });
                client.owedNodes.clear();
                send(client, frames.withNodes(dropped, toJsonBytes(owed)));
            }
        }
    }

    private Map<String, Object> nodeJson(Node n) {
        Map<String, Object> m = NetworkInfo.node(n);
        m.put("ix", ix(n.id()));
        return m;
    }

    /**
     * One edge's statistics as a row (docs/protocol.md, "Edge rows"): {@code [source ix, target ix, requests,
     * errors, 1xx, 2xx, 3xx, 4xx, 5xx, ratePerSec, rate1m, rate5m, p50Ms, p95Ms, p99Ms, bytes, lastSeen]}. Called
     * under the pipeline lock.
     */
    private void edgeRow(JsonBytes out, Edge e, long now, List<Node> changedNodes, List<Map<String, Object>> nodes) {
        announceIfNew(e.source(), changedNodes, nodes);
        announceIfNew(e.target(), changedNodes, nodes);
        EdgeStats s = e.stats();
        if (out.length() > 1) {
            out.raw(',');
        }
        // Rows, not chains of calls: see JsonBytes.numbers.
        long[] counts = {ix(e.source().id()), ix(e.target().id()), s.requests(), s.errors(), s.statusClass(1),
                s.statusClass(2), s.statusClass(3), s.statusClass(4), s.statusClass(5)};
        double[] figures = {s.ratePerSecond(now, 10), s.ratePerSecond(now, 60), s.ratePerSecond(now, 300),
                s.percentileMillis(50), s.percentileMillis(95), s.percentileMillis(99)};
        long[] tail = {s.bytes(), s.lastSeenMillis()};
        out.raw('[').numbers(counts, counts.length).raw(',').decimals(figures, figures.length)
                .raw(',').numbers(tail, tail.length).raw(']');
    }

    private void announceIfNew(Node n, List<Node> changedNodes, List<Map<String, Object>> nodes) {
        if (!nodeIx.containsKey(n.id())) {
            changedNodes.add(n);
            nodes.add(nodeJson(n));
        }
    }

    private void announceIfNew(String id, List<Node> changedNodes, List<Map<String, Object>> nodes) {
        if (nodeIx.containsKey(id)) {
            return;
        }
        Node n = pipeline.readGraph(g -> g.node(id));
        if (n == null) {
            ix(id); // unknown to the graph: an index without a description (the client skips its flash)
            return;
        }
        changedNodes.add(n);
        nodes.add(pipeline.readGraph(g -> nodeJson(n)));
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

    private static final byte[] EMPTY_ARRAY = {'[', ']'};
    private static final byte[] NODES_KEY = ",\"nodes\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * A batch: {@code {"type":"batch","dropped":D,"nodes":[..],"edges":[..],"strings":[..],"events":[..]}}, with
     * {@code "folded":[..]} when some of its requests were counted instead of sent.
     */
    private Frames graphFrames(byte[] nodesJson, byte[] edgesJson, List<RequestEvent> events, FoldedRoutes folded) {
        JsonBytes rest = new JsonBytes(edgesJson.length + events.size() * 96 + folded.size() * 32 + 64);
        rest.raw(",\"edges\":").raw(edgesJson).raw(',');
        CompactEvents.write(rest, events, this::ix);
        if (!folded.isEmpty()) {
            folded.write(rest, this::ix);
        }
        rest.raw('}');
        return new Frames("{\"type\":\"batch\",\"dropped\":", nodesJson, rest);
    }

    // ------------------------------------------------------------------ sending

    /**
     * The messages of one flush for one channel: a head that differs by dropped count (a few bytes), then a body
     * encoded once. Clients with the same count share one buffer; another count costs a copy of the body.
     */
    private static final class Frames {
        private final String head;
        private final byte[] nodes; // graph batches: the "nodes" part, which lagging clients get more of
        private final JsonBytes body;
        private final Map<Long, ByteBuffer> byDropped = new HashMap<>(4);

        Frames(String head, JsonBytes body) {
            this(head, null, body);
        }

        Frames(String head, byte[] nodes, JsonBytes body) {
            this.head = head;
            this.nodes = nodes;
            this.body = body;
        }

        ByteBuffer with(long dropped) {
            ByteBuffer shared = byDropped.computeIfAbsent(dropped, d -> build(d, nodes));
            return shared.duplicate(); // same bytes, this client's own position
        }

        ByteBuffer withNodes(long dropped, byte[] nodesJson) {
            return build(dropped, nodesJson);
        }

        private ByteBuffer build(long dropped, byte[] nodesJson) {
            JsonBytes out = new JsonBytes(head.length() + 24 + (nodesJson == null ? 0 : nodesJson.length + 10)
                    + body.length());
            out.raw(head).number(dropped);
            if (nodesJson != null) {
                out.raw(NODES_KEY).raw(nodesJson);
            } else {
                out.raw(',');
            }
            out.raw(body.array(), 0, body.length());
            return ByteBuffer.wrap(out.array(), 0, out.length());
        }
    }

    /**
     * Whether {@code client} is still busy with its previous message: then it gets nothing now, and the {@code
     * events} it misses are counted for it. One stalled past {@value #STALL_MILLIS} ms is disconnected.
     */
    private boolean skipBusy(Client client, long events, long now) {
        if (!client.inFlight) {
            return false;
        }
        client.dropped += events;
        droppedEvents.addAndGet(events);
        if (now - client.inFlightSince > STALL_MILLIS) {
            disconnectedSlow.incrementAndGet();
            clients.remove(client.key);
            clientsChanged();
            client.peer.close(1008, "too slow: could not keep up with the live stream");
        }
        return true;
    }

    private void send(Client client, ByteBuffer message) {
        client.inFlight = true;
        client.inFlightSince = System.currentTimeMillis();
        int bytes = message.remaining();
        try {
            client.peer.sendText(message, ok -> {
                client.inFlight = false;
                if (ok) {
                    sentMessages.incrementAndGet();
                    sentBytes.addAndGet(bytes);
                } else {
                    clients.remove(client.key);
                    clientsChanged();
                }
            });
        } catch (RuntimeException e) {
            client.inFlight = false;
            clients.remove(client.key);
            clientsChanged();
        }
    }

    private static byte[] toJsonBytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public int clientCount(Channel channel) {
        return (int) clients.values().stream().filter(c -> c.channel == channel).count();
    }

    public long sentMessages() {
        return sentMessages.get();
    }

    /** Bytes of the messages written to clients (each client's copy counted). */
    public long sentBytes() {
        return sentBytes.get();
    }

    public long droppedEvents() {
        return droppedEvents.get();
    }

    public long disconnectedSlow() {
        return disconnectedSlow.get();
    }

    @Override
    public void close() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
    }
}
