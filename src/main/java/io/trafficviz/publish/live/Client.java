package io.trafficviz.publish.live;

import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.NodeView;
import io.trafficviz.publish.wire.HelloParts;
import io.trafficviz.publish.wire.Masking;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** One connected client of a live stream, as {@link ClientRegistry} and the streams keep it. */
final class Client {
    final Object key;
    final Peer peer;
    final LiveHub.Channel channel;
    /** What this client may not see; clients with the same masking share each message's bytes. */
    final Masking masking;
    /** Whether its login still holds (a session can end or be signed out while the socket is open). */
    final BooleanSupplier stillAllowed;
    /** Its previous message is still being written; since when. Cleared by Jetty's write callback. */
    volatile boolean inFlight;
    volatile long inFlightSince;
    /** When it was last written to or pinged (flusher thread only). */
    long lastActivity;
    /** Events it was not sent since its last message (flusher thread only). */
    long dropped;
    /**
     * Graph clients: nodes announced in batches this client missed, by id with their latest description, in the order
     * they were first missed; its event indexes would otherwise dangle (flusher thread only).
     */
    final Map<String, NodeView> owedNodes = new LinkedHashMap<>();
    /**
     * Graph clients: the latest rows of edges that changed in batches this client missed, by id; its edge counts would
     * otherwise lag the server's until the edge's next refresh, or for good once the edge went quiet (flusher thread).
     */
    final Map<String, EdgeView> owedEdges = new LinkedHashMap<>();
    /**
     * Graph clients: the rest of a hello sent in parts, one part at a time as the client takes them; it gets no batch
     * before the last (flusher thread only). Null once the hello is out.
     */
    HelloParts helloParts;
    /**
     * Access-log clients: messages waiting for the one in flight, shared with other clients (flusher thread only);
     * with {@link #queuedBytes} their size, bounded by {@link AccessLogStream#MAX_BUFFERED_BYTES}.
     */
    final ArrayDeque<AccessLogStream.Chunk> queued = new ArrayDeque<>();
    /**
     * Graph clients: messages waiting for the one in flight, each this client's to send as it is (flusher thread);
     * with {@link #queuedBytes} their size, bounded by {@link GraphStream#MAX_CLIENT_BYTES} with the one in flight.
     */
    final ArrayDeque<java.nio.ByteBuffer> queuedParts = new ArrayDeque<>();
    long queuedBytes;
    /** The size of the message in flight (flusher thread only). */
    long inFlightBytes;

    Client(Object key, Peer peer, LiveHub.Channel channel) {
        this(key, peer, channel, Masking.NONE, () -> true);
    }

    Client(Object key, Peer peer, LiveHub.Channel channel, Masking masking, BooleanSupplier stillAllowed) {
        this.key = key;
        this.peer = peer;
        this.channel = channel;
        this.masking = masking;
        this.stillAllowed = stillAllowed;
        this.lastActivity = System.currentTimeMillis();
    }
}
