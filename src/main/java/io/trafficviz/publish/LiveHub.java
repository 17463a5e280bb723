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
 * {@value #FLUSH_MILLIS} ms, serialises each event once and sends every client one batch, asynchronously. A client whose
 * previous batch is still in flight gets nothing new: its events are counted as dropped, errors last, and after
 * {@value #STALL_MILLIS} ms of stall it is disconnected. Ingest and other clients never wait for a slow one.
 */
public final class LiveHub implements EventListener, AutoCloseable {
    static final long FLUSH_MILLIS = 50;
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
    private volatile boolean watched;
    private long ticks;

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
        flusher.scheduleWithFixedDelay(this::flushSafely, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
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

    void flush() {
        List<RequestEvent> events;
        long overflow;
        synchronized (pendingLock) {
            events = pending;
            overflow = pendingDropped;
            pending = new ArrayList<>(Math.max(16, events.size()));
            pendingDropped = 0;
        }
        long now = pipeline.rateClock();
        boolean refreshRates = ++ticks % RATE_REFRESH_TICKS == 0;
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<Map<String, Object>> edges = new ArrayList<>();
        boolean nobodyWatching = clients.isEmpty();
        pipeline.readGraph(graph -> {
            TrafficGraph.Changes changes = graph.drainChanges();
            if (nobodyWatching) {
                return null; // a client that connects later gets the whole graph in its hello
            }
            for (Node n : changes.nodes()) {
                nodes.add(NetworkInfo.node(n));
            }
            Set<Edge> sent = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Edge e : changes.edges()) {
                edges.add(NetworkInfo.edge(e, now));
                sent.add(e);
            }
            if (refreshRates) {
                // Rates fall after traffic stops, with no request to carry the news: resend recently busy edges.
                for (Edge e : graph.hopEdges()) {
                    if (!sent.contains(e) && now - e.stats().lastSeenMillis() <= RATE_WINDOW_MILLIS) {
                        edges.add(NetworkInfo.edge(e, now));
                    }
                }
            }
            return null;
        });
        if (clients.isEmpty() || (events.isEmpty() && nodes.isEmpty() && edges.isEmpty() && overflow == 0)) {
            return;
        }
        List<String> okJson = new ArrayList<>();
        List<String> errorJson = new ArrayList<>();
        // Keep arrival order within each outcome; errors are placed first when the budget bites.
        List<String> allJson = new ArrayList<>(events.size());
        for (RequestEvent e : events) {
            String json = EventJson.write(e);
            allJson.add(json);
            (e.error() ? errorJson : okJson).add(json);
        }
        String nodesJson = nodes.isEmpty() ? "[]" : toJson(nodes);
        String edgesJson = edges.isEmpty() ? "[]" : toJson(edges);
        for (Client client : clients.values()) {
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
            if (allJson.size() <= BATCH_BUDGET) {
                chosen = allJson;
            } else {
                int okRoom = Math.max(0, BATCH_BUDGET - errorJson.size());
                chosen = new ArrayList<>(errorJson);
                chosen.addAll(okJson.subList(0, Math.min(okRoom, okJson.size())));
                dropped += allJson.size() - chosen.size();
                droppedEvents.addAndGet(allJson.size() - chosen.size());
            }
            if (client.channel == Channel.ACCESS_LOG && chosen.isEmpty() && dropped == 0) {
                continue;
            }
            StringBuilder msg = new StringBuilder(64 + chosen.size() * 400);
            if (client.channel == Channel.GRAPH) {
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
            client.dropped = 0;
            send(client, msg.toString());
        }
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
