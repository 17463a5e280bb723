package io.trafficviz.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.websocket.WsContext;
import io.trafficviz.graph.Edge;
import io.trafficviz.graph.Node;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.pipeline.EventListener;
import io.trafficviz.pipeline.Pipeline;
import io.trafficviz.resolve.RequestEvent;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Fans resolved requests and graph deltas out to WebSocket clients.
 *
 * <p>The ingest thread only appends to a bounded buffer ({@link #onEvent}); a flusher thread wakes every
 * {@value #ACCESS_LOG_FLUSH_MILLIS} ms, serialises each event once, sends access-log clients that tick's entries and,
 * every {@value #FLUSH_MILLIS} ms, graph clients one batch, asynchronously. A client whose
 * previous batch is still in flight gets nothing new: its events are counted as dropped, errors last, and after
 * {@value #STALL_MILLIS} ms of stall it is disconnected. Ingest and other clients never wait for a slow one.
 */
public final class LiveHub implements EventListener, AutoCloseable {
    /** Graph batches (nodes, edges, events) go out at most this often, as the protocol says. */
    static final long FLUSH_MILLIS = 50;
    /** Access-log entries go out this often: the live table should show a request within milliseconds. */
    static final long ACCESS_LOG_FLUSH_MILLIS = 5;
    private static final long GRAPH_EVERY_TICKS = FLUSH_MILLIS / ACCESS_LOG_FLUSH_MILLIS;
    static final long STALL_MILLIS = 15_000;
    /** Events per batch per client: past this, ok events are dropped (counted), errors still go. */
    static final int BATCH_BUDGET = 2_500;
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
    private final Map<WsContext, Client> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-hub-flush");
        t.setDaemon(true);
        return t;
    });
    private final Object pendingLock = new Object();
    private List<RequestEvent> pending = new ArrayList<>();
    private long pendingDropped;
    // Owned by the flusher thread: events rendered since the last graph batch.
    private List<Rendered> graphEvents = new ArrayList<>();
    private long graphOverflow;
    private long ticks;
    private long graphTicks;
    private volatile boolean watched;

    private final AtomicLong sentMessages = new AtomicLong();
    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong disconnectedSlow = new AtomicLong();

    private static final class Client {
        final WsContext ctx;
        final Channel channel;
        volatile boolean inFlight;
        volatile long inFlightSince;
        long dropped;

        Client(WsContext ctx, Channel channel) {
            this.ctx = ctx;
            this.channel = channel;
        }
    }

    public LiveHub(Pipeline pipeline, Supplier<Map<String, Object>> helloDocument) {
        this.pipeline = pipeline;
        this.helloDocument = helloDocument;
        flusher.scheduleWithFixedDelay(this::flushSafely, ACCESS_LOG_FLUSH_MILLIS, ACCESS_LOG_FLUSH_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    public void connect(WsContext ctx, Channel channel) {
        Client client = new Client(ctx, channel);
        if (channel == Channel.GRAPH) {
            Map<String, Object> hello = new LinkedHashMap<>();
            hello.put("type", "hello");
            hello.put("graph", helloDocument.get());
            send(client, toJson(hello));
        }
        clients.put(ctx, client);
        watched = true;
    }

    public void disconnect(WsContext ctx) {
        clients.remove(ctx);
        watched = !clients.isEmpty();
    }

    @Override
    public boolean wantsEvents() {
        return watched;
    }

    @Override
    public void onEvent(RequestEvent event) {
        synchronized (pendingLock) {
            if (pending.size() < MAX_PENDING) {
                pending.add(event);
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

    /** One event rendered once for every client that gets it. */
    private record Rendered(String json, boolean error) {
    }

    /**
     * Runs every {@value #ACCESS_LOG_FLUSH_MILLIS} ms: access-log clients get the events of that tick at once (so a
     * request shows up within milliseconds of its log line), graph clients every {@value #FLUSH_MILLIS} ms get the
     * events of all ticks since their last batch along with the graph's changes.
     */
    void flush() {
        List<RequestEvent> events;
        long overflow;
        synchronized (pendingLock) {
            events = pending;
            overflow = pendingDropped;
            pending = new ArrayList<>(Math.max(16, events.size()));
            pendingDropped = 0;
        }
        boolean graphTurn = ++ticks % GRAPH_EVERY_TICKS == 0;
        if (clients.isEmpty()) {
            graphEvents.clear();
            graphOverflow = 0;
            if (graphTurn) {
                // Nobody to tell: forget the changes without rendering them. Rendering an edge (three percentiles,
                // top paths) is the expensive part, and it runs under the pipeline lock: it would stall ingest.
                pipeline.withLock(() -> pipeline.graph().discardChanges());
            }
            return;
        }
        long now = System.currentTimeMillis();
        // Render each event once, whichever clients get it (graph clients take it up to 50 ms later).
        List<Rendered> rendered = new ArrayList<>(events.size());
        for (RequestEvent e : events) {
            rendered.add(new Rendered(EventJson.write(e), e.error()));
        }
        if (!rendered.isEmpty() || overflow > 0) {
            send(Channel.ACCESS_LOG, rendered, overflow, null, null, now);
        }
        int room = MAX_PENDING - graphEvents.size();
        if (rendered.size() <= room) {
            graphEvents.addAll(rendered);
        } else {
            graphEvents.addAll(rendered.subList(0, Math.max(0, room)));
            graphOverflow += rendered.size() - Math.max(0, room);
        }
        graphOverflow += overflow;
        if (!graphTurn) {
            return;
        }
        long rateNow = pipeline.rateClock();
        boolean refreshRates = ++graphTicks % RATE_REFRESH_TICKS == 0;
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<Map<String, Object>> edges = new ArrayList<>();
        pipeline.readGraph(graph -> {
            TrafficGraph.Changes changes = graph.drainChanges();
            for (Node n : changes.nodes()) {
                nodes.add(NetworkInfo.node(n));
            }
            Set<Edge> sent = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Edge e : changes.edges()) {
                edges.add(NetworkInfo.edge(e, rateNow));
                sent.add(e);
            }
            if (refreshRates) {
                // Rates fall after traffic stops, with no request to carry the news: resend recently busy edges.
                for (Edge e : graph.hopEdges()) {
                    if (!sent.contains(e) && rateNow - e.stats().lastSeenMillis() <= RATE_WINDOW_MILLIS) {
                        edges.add(NetworkInfo.edge(e, rateNow));
                    }
                }
            }
            return null;
        });
        List<Rendered> batch = graphEvents;
        long batchOverflow = graphOverflow;
        graphEvents = new ArrayList<>();
        graphOverflow = 0;
        if (batch.isEmpty() && nodes.isEmpty() && edges.isEmpty() && batchOverflow == 0) {
            return;
        }
        send(Channel.GRAPH, batch, batchOverflow, nodes.isEmpty() ? "[]" : toJson(nodes),
                edges.isEmpty() ? "[]" : toJson(edges), now);
    }

    /** Sends one message to every client of {@code channel} that is not still busy with its previous one. */
    private void send(Channel channel, List<Rendered> events, long overflow, String nodesJson, String edgesJson,
                      long now) {
        List<String> allJson = null;
        List<String> errorsFirst = null;
        String shared = null;
        List<String> sharedEvents = null;
        long sharedDropped = -1;
        for (Client client : clients.values()) {
            if (client.channel != channel) {
                continue;
            }
            if (client.inFlight) {
                client.dropped += events.size();
                droppedEvents.addAndGet(events.size());
                if (now - client.inFlightSince > STALL_MILLIS) {
                    disconnectedSlow.incrementAndGet();
                    clients.remove(client.ctx);
                    client.ctx.closeSession(1008, "too slow: could not keep up with the live stream");
                }
                // A stalled graph client loses deltas; it gets a fresh hello when it reconnects.
                continue;
            }
            List<String> chosen;
            long dropped = client.dropped + overflow;
            if (events.size() <= BATCH_BUDGET) {
                if (allJson == null) {
                    allJson = new ArrayList<>(events.size());
                    for (Rendered r : events) {
                        allJson.add(r.json());
                    }
                }
                chosen = allJson;
            } else {
                // Keep arrival order within each outcome; errors are placed first when the budget bites.
                if (errorsFirst == null) {
                    errorsFirst = new ArrayList<>(BATCH_BUDGET);
                    for (Rendered r : events) {
                        if (r.error() && errorsFirst.size() < BATCH_BUDGET) {
                            errorsFirst.add(r.json());
                        }
                    }
                    for (Rendered r : events) {
                        if (!r.error() && errorsFirst.size() < BATCH_BUDGET) {
                            errorsFirst.add(r.json());
                        }
                    }
                }
                chosen = errorsFirst;
                dropped += events.size() - chosen.size();
                droppedEvents.addAndGet(events.size() - chosen.size());
            }
            if (channel == Channel.ACCESS_LOG && chosen.isEmpty() && dropped == 0) {
                continue;
            }
            // Clients that kept up get byte-identical messages (same events, same dropped count): build it once.
            String message;
            if (shared != null && sharedEvents == chosen && sharedDropped == dropped) {
                message = shared;
            } else {
                message = render(channel, chosen, dropped, nodesJson, edgesJson);
                shared = message;
                sharedEvents = chosen;
                sharedDropped = dropped;
            }
            client.dropped = 0;
            send(client, message);
        }
    }

    private static String render(Channel channel, List<String> chosen, long dropped, String nodesJson,
                                 String edgesJson) {
        int size = 64 + (nodesJson == null ? 0 : nodesJson.length() + edgesJson.length());
        for (String json : chosen) {
            size += json.length() + 1;
        }
        StringBuilder msg = new StringBuilder(size);
        if (channel == Channel.GRAPH) {
            msg.append("{\"type\":\"batch\",\"nodes\":").append(nodesJson)
                    .append(",\"edges\":").append(edgesJson).append(",\"events\":");
        } else {
            msg.append("{\"type\":\"entries\",\"entries\":");
        }
        msg.append('[');
        for (int i = 0; i < chosen.size(); i++) {
            if (i > 0) {
                msg.append(',');
            }
            msg.append(chosen.get(i));
        }
        msg.append("],\"dropped\":").append(dropped).append('}');
        return msg.toString();
    }

    private void send(Client client, String message) {
        client.inFlight = true;
        client.inFlightSince = System.currentTimeMillis();
        try {
            client.ctx.session.getRemote().sendString(message, new WriteCallback() {
                @Override
                public void writeSuccess() {
                    client.inFlight = false;
                    sentMessages.incrementAndGet();
                }

                @Override
                public void writeFailed(Throwable x) {
                    client.inFlight = false;
                    clients.remove(client.ctx);
                }
            });
        } catch (RuntimeException e) {
            client.inFlight = false;
            clients.remove(client.ctx);
        }
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
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

    public long droppedEvents() {
        return droppedEvents.get();
    }

    public long disconnectedSlow() {
        return disconnectedSlow.get();
    }

    @Override
    public void close() {
        flusher.shutdownNow();
    }
}
