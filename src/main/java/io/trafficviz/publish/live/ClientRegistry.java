package io.trafficviz.publish.live;

import io.trafficviz.telemetry.LiveStats;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connected clients of both live streams, and backpressure: a message goes to a client only once its previous
 * one was written (the streams queue a bounded number of bytes behind it, and count what they cannot send as dropped
 * for it), and a client stalled past {@value #STALL_MILLIS} ms is disconnected. Ingest and other clients never wait
 * for a slow one, and a stalled client holds at most 256 KiB of messages here (plus what the kernel's socket buffers
 * took before it stopped reading). Quiet clients are pinged every {@value #PING_MILLIS} ms.
 *
 * <p>Clients come and go on Jetty's and Javalin's threads (through the flusher) and on Jetty's write callbacks; the
 * streams read and send from the flusher thread.
 */
final class ClientRegistry {
    /**
     * A write that has not completed after this long means the client stopped reading. {@link #sweep} looks every
     * second, so a stalled client is gone within 8 s of the write it stopped reading in; a working client takes this
     * long for one message (a hello goes in parts of at most 64 KiB) only on a link of under ~100 kbit/s.
     */
    static final long STALL_MILLIS = 7_000;
    /**
     * Quiet clients are pinged this often: Jetty closes a WebSocket after 30 s without traffic (and proxies after
     * 60 s or so), and the page would then reconnect and fetch the whole graph again.
     */
    static final long PING_MILLIS = 10_000;

    private final Map<Object, Client> clients = new ConcurrentHashMap<>();
    /** Graph clients and no access-log client: requests past a graph batch's budget need no event object. */
    private volatile boolean graphOnly;
    private volatile boolean watched;

    private final AtomicLong sentMessages = new AtomicLong();
    private final AtomicLong sentBytes = new AtomicLong();
    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong disconnectedSlow = new AtomicLong();

    void add(Client client) {
        clients.put(client.key, client);
        changed();
    }

    void remove(Object key) {
        clients.remove(key);
        changed();
    }

    /** After clients came or went (from the flusher, Jetty's or Javalin's threads). */
    private synchronized void changed() {
        boolean graph = has(LiveHub.Channel.GRAPH);
        boolean table = has(LiveHub.Channel.ACCESS_LOG);
        graphOnly = graph && !table;
        watched = graph || table;
    }

    /** Whether anyone is connected to either stream. */
    boolean watched() {
        return watched;
    }

    /** Whether only graph clients are connected (so no request needs its full event unless a batch sends it). */
    boolean graphOnly() {
        return graphOnly;
    }

    boolean isEmpty() {
        return clients.isEmpty();
    }

    Collection<Client> all() {
        return clients.values();
    }

    boolean has(LiveHub.Channel channel) {
        for (Client c : clients.values()) {
            if (c.channel == channel) {
                return true;
            }
        }
        return false;
    }

    int count(LiveHub.Channel channel) {
        int n = 0;
        for (Client c : clients.values()) {
            if (c.channel == channel) {
                n++;
            }
        }
        return n;
    }

    /** {@code events} that {@code client} will not get (flusher thread). */
    void countDropped(Client client, long events) {
        client.dropped += events;
        droppedEvents.addAndGet(events);
    }

    /** Every second or so (flusher thread): stalled clients are disconnected, quiet ones pinged. */
    void sweep(long now) {
        for (Client client : clients.values()) {
            if (client.inFlight) {
                disconnectIfStalled(client, now);
            } else if (now - client.lastActivity >= PING_MILLIS) {
                client.lastActivity = now;
                try {
                    client.peer.ping();
                } catch (RuntimeException e) {
                    remove(client.key);
                }
            }
        }
    }

    /** Disconnects {@code client} if its write has been in flight for over {@value #STALL_MILLIS} ms; whether it did. */
    boolean disconnectIfStalled(Client client, long now) {
        if (client.inFlight && now - client.inFlightSince > STALL_MILLIS && clients.remove(client.key) != null) {
            changed();
            disconnectedSlow.incrementAndGet();
            client.peer.close(1008, "too slow: could not keep up with the live stream");
            return true;
        }
        return false;
    }

    /** Closes the clients whose login no longer holds (flusher thread). */
    void closeSignedOut() {
        for (Client c : clients.values()) {
            if (!c.stillAllowed.getAsBoolean()) {
                remove(c.key);
                c.peer.close(1008, "signed out or session expired");
            }
        }
    }

    /** Writes {@code message} to {@code client} asynchronously; a client whose write fails is forgotten. */
    void send(Client client, ByteBuffer message) {
        client.inFlight = true;
        client.inFlightSince = System.currentTimeMillis();
        client.lastActivity = client.inFlightSince;
        int bytes = message.remaining();
        client.inFlightBytes = bytes;
        try {
            client.peer.sendText(message, ok -> {
                client.inFlight = false;
                if (ok) {
                    sentMessages.incrementAndGet();
                    sentBytes.addAndGet(bytes);
                } else {
                    remove(client.key);
                }
            });
        } catch (RuntimeException e) {
            client.inFlight = false;
            remove(client.key);
        }
    }

    LiveStats stats() {
        return new LiveStats(count(LiveHub.Channel.GRAPH), count(LiveHub.Channel.ACCESS_LOG), sentMessages.get(),
                sentBytes.get(), droppedEvents.get(), disconnectedSlow.get());
    }
}
