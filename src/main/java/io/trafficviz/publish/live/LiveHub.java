package io.trafficviz.publish.live;

import io.javalin.websocket.WsContext;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.model.RequestEvent;
import io.trafficviz.ingest.EventListener;
import io.trafficviz.ingest.IngestView;
import io.trafficviz.ingest.LiveRequest;
import io.trafficviz.publish.wire.FoldedRoutes;
import io.trafficviz.publish.wire.HelloParts;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.publish.wire.NetworkInfoDoc;
import io.trafficviz.telemetry.LiveStats;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Fans resolved requests and graph deltas out to WebSocket clients: the front of {@link ClientRegistry} (clients,
 * backpressure), {@link GraphStream} ({@code /ws/graph}) and {@link AccessLogStream} ({@code /access_logs}).
 *
 * <p>The ingest thread only appends to a bounded buffer ({@link #onRequest}); a flusher thread wakes every {@value
 * #ACCESS_LOG_FLUSH_MILLIS} ms, sends access-log clients that tick's entries and, every {@value #FLUSH_MILLIS} ms,
 * graph clients one batch. Every message is encoded to UTF-8 once and the same bytes go to every client that gets it
 * (only the {@code dropped} count in front can differ). The graph's state comes from the ingest side as values
 * ({@link IngestView}): the hub never holds the ingest lock.
 */
public final class LiveHub implements EventListener, AutoCloseable {
    /** Graph batches (nodes, edges, events) go out at most this often, as the protocol says. */
    static final long FLUSH_MILLIS = 50;
    /** Access-log entries go out this often: the live table should show a request within milliseconds. */
    static final long ACCESS_LOG_FLUSH_MILLIS = 5;
    private static final long GRAPH_EVERY_TICKS = FLUSH_MILLIS / ACCESS_LOG_FLUSH_MILLIS;
    /** How often open sockets are checked against their login (a session that expired or was signed out). */
    static final long LOGIN_CHECK_MILLIS = 1_000;
    private static final long LOGIN_CHECK_EVERY_TICKS = LOGIN_CHECK_MILLIS / ACCESS_LOG_FLUSH_MILLIS;
    /**
     * What one buffered event can cost until its flush: the event, its share of the access log's encoded messages
     * (all of a tick's events are encoded before each client's budget drops most of them) and the graph batch's copy.
     * Generous: an event's strings mostly come from ingest's caches.
     */
    static final long BYTES_PER_PENDING_EVENT = 1024;
    /**
     * Hard cap on events buffered between two flushes, whatever their outcome: a sixteenth of the heap (see
     * {@link #maxPendingFor}). A fixed 100,000 took ~100 MB when the flusher fell behind a push storm, and at a
     * 128 MiB heap (a 256 MiB container's) that ended the flusher with OutOfMemoryError (bench/run hostile).
     */
    static final int MAX_PENDING = maxPendingFor(Runtime.getRuntime().maxMemory());
    /** How often clients are checked for a stalled write and pinged when quiet. */
    static final long SWEEP_MILLIS = 1_000;

    public enum Channel { GRAPH, ACCESS_LOG }

    /** Events buffered between flushes in a sixteenth of {@code maxHeapBytes}: 8,192 at 128 MiB, 4,096 to 100,000. */
    static int maxPendingFor(long maxHeapBytes) {
        return (int) Math.max(4_096, Math.min(100_000, maxHeapBytes / 16 / BYTES_PER_PENDING_EVENT));
    }

    private final ClientRegistry clients = new ClientRegistry();
    private final GraphStream graph;
    private final AccessLogStream accessLog = new AccessLogStream(clients);
    /** Without a thread in tests that call {@link #flush()} themselves: its tasks then run on the caller. */
    private final Flusher flusher;
    /** Guards what the ingest thread hands over: {@link #pending}, {@link #pendingDropped}, the graph's ingest folds. */
    private final Object intakeLock = new Object();
    private List<RequestEvent> pending = new ArrayList<>();
    private long pendingDropped;
    private long ticks; // flusher thread
    private long lastSweep; // flusher thread

    /** @param helloDocument the {@code /network_info} document of a snapshot, for a graph client's hello */
    public LiveHub(IngestView ingest, Function<NetworkSnapshot, NetworkInfoDoc> helloDocument) {
        this(ingest, helloDocument, true);
    }

    LiveHub(IngestView ingest, Function<NetworkSnapshot, NetworkInfoDoc> helloDocument, boolean autoFlush) {
        this.graph = new GraphStream(ingest, clients, helloDocument);
        this.flusher = new Flusher(autoFlush ? this::flush : null, ACCESS_LOG_FLUSH_MILLIS);
    }

    public void connect(WsContext ctx, Channel channel) {
        connect(ctx, channel, Masking.NONE, () -> true);
    }

    /**
     * A client that sees the streams through {@code masking}, for as long as {@code stillAllowed} says (checked every
     * {@value #LOGIN_CHECK_MILLIS} ms; then it is closed with 1008).
     */
    public void connect(WsContext ctx, Channel channel, Masking masking, BooleanSupplier stillAllowed) {
        connect(new Client(ctx, Peer.of(ctx), channel, masking, stillAllowed));
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
        connect(new Client(key, peer, channel));
    }

    void connect(Client client) {
        Channel channel = client.channel;
        if (channel == Channel.ACCESS_LOG) {
            clients.add(client);
            return;
        }
        flusher.execute(() -> {
            byte[] hello = graph.hello(client.masking);
            clients.add(client);
            if (hello.length <= HelloParts.MAX_MESSAGE_BYTES) {
                clients.send(client, ByteBuffer.wrap(hello));
            } else {
                // Batches wait until the last part is out (they are counted and owed meanwhile, see GraphStream).
                client.helloParts = HelloParts.of(hello);
                graph.continueHello(client);
            }
        });
    }

    void disconnect(Object key) {
        flusher.execute(() -> clients.remove(key)); // through the flusher too: it cannot overtake the client's hello
    }

    @Override
    public boolean wantsEvents() {
        return clients.watched();
    }

    /** Takes one request from the ingest thread: an event for the next flush, or (graph clients only) a count. */
    @Override
    public void onRequest(LiveRequest request) {
        synchronized (intakeLock) {
            if (clients.graphOnly() && graph.foldedAtIngest(request)) {
                return;
            }
            if (pending.size() < MAX_PENDING) {
                pending.add(request.event());
            } else {
                pendingDropped++;
            }
        }
    }

    /**
     * Runs every {@value #ACCESS_LOG_FLUSH_MILLIS} ms: access-log clients get the events of that tick at once, graph
     * clients every {@value #FLUSH_MILLIS} ms the events of all ticks since their last batch with the graph's changes.
     */
    void flush() {
        boolean graphTurn = ++ticks % GRAPH_EVERY_TICKS == 0;
        if (ticks % LOGIN_CHECK_EVERY_TICKS == 0) {
            clients.closeSignedOut();
        }
        List<RequestEvent> events;
        long overflow;
        FoldedRoutes folded = null; // on a graph turn: what ingest counted for this batch instead of building events
        synchronized (intakeLock) {
            events = pending;
            overflow = pendingDropped;
            pending = new ArrayList<>(Math.max(16, events.size()));
            pendingDropped = 0;
            if (graphTurn) {
                folded = graph.takeIngestFolded();
            }
        }
        if (clients.isEmpty()) {
            graph.idle(folded);
            return;
        }
        long now = System.currentTimeMillis();
        if (now - lastSweep >= SWEEP_MILLIS) {
            lastSweep = now;
            clients.sweep(now);
        }
        if (clients.has(Channel.ACCESS_LOG)) { // every tick: queued messages go out as clients get free
            accessLog.send(events, overflow, now);
        }
        graph.pump(); // every tick: parts of a hello or of big batches go out as fast as the client takes them
        graph.collect(events, overflow);
        if (graphTurn) {
            graph.flush(now, folded);
        }
    }

    public int clientCount(Channel channel) {
        return clients.count(channel);
    }

    ClientRegistry registry() {
        return clients;
    }

    public LiveStats stats() {
        return clients.stats();
    }

    @Override
    public void close() {
        flusher.close();
    }
}
