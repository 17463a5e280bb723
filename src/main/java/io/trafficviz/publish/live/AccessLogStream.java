package io.trafficviz.publish.live;

import io.trafficviz.model.RequestEvent;
import io.trafficviz.publish.wire.JsonBytes;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.publish.wire.Messages;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /access_logs}: every request in full, every {@value LiveHub#ACCESS_LOG_FLUSH_MILLIS} ms, so a request shows up
 * within milliseconds of its log line. The entries are encoded once for all clients, in messages of at most about
 * {@value #MAX_MESSAGE_BYTES} bytes (a burst of log lines would otherwise make one message of megabytes). A client
 * still writing its previous message keeps the next ones queued, up to {@value #MAX_BUFFERED_BYTES} bytes with the one
 * in flight; what does not fit is counted as dropped for it. So a client that stops reading holds at most that much
 * here, whatever the rate.
 */
final class AccessLogStream {
    static final int MAX_MESSAGE_BYTES = 64 * 1024;
    static final int MAX_BUFFERED_BYTES = 256 * 1024;

    /** One message's entries, encoded once and shared by the clients that get it. */
    record Chunk(Frames frames, int events, int bytes) {
    }

    private final ClientRegistry clients;

    AccessLogStream(ClientRegistry clients) {
        this.clients = clients;
    }

    /**
     * One tick's {@code events}, and {@code overflow} more the hub could not buffer (flusher thread). Called every
     * tick while access-log clients are connected, with no events too: queued messages go out as clients get free.
     */
    void send(List<RequestEvent> events, long overflow, long now) {
        // One encoding per masking in use (an admin's, a viewer's), whatever the number of clients.
        Map<Masking, List<Chunk>> byMasking = new IdentityHashMap<>(2);
        for (Client client : clients.all()) {
            if (client.channel != LiveHub.Channel.ACCESS_LOG) {
                continue;
            }
            client.dropped += overflow;
            List<Chunk> chunks = byMasking.computeIfAbsent(client.masking, m -> chunks(m.events(events)));
            for (Chunk chunk : chunks) {
                if (!client.inFlight && client.queued.isEmpty()) {
                    write(client, chunk);
                } else if (inFlightBytes(client) + client.queuedBytes + chunk.bytes() <= MAX_BUFFERED_BYTES) {
                    client.queued.add(chunk);
                    client.queuedBytes += chunk.bytes();
                } else {
                    clients.countDropped(client, chunk.events());
                }
            }
            while (!client.inFlight && !client.queued.isEmpty()) {
                Chunk next = client.queued.poll();
                client.queuedBytes -= next.bytes();
                write(client, next);
            }
            if (!client.inFlight && client.dropped > 0) {
                write(client, new Chunk(new Frames(Messages.ENTRIES_HEAD, Messages.entriesBody(List.of())), 0, 0));
            }
        }
    }

    private void write(Client client, Chunk chunk) {
        long dropped = client.dropped;
        client.dropped = 0;
        client.inFlightBytes = chunk.bytes();
        clients.send(client, dropped == 0 ? chunk.frames().with(0) : chunk.frames().once(dropped));
    }

    private static long inFlightBytes(Client client) {
        return client.inFlight ? client.inFlightBytes : 0;
    }

    /** The events as messages of at most about {@value #MAX_MESSAGE_BYTES} bytes (one entry may be larger alone). */
    static List<Chunk> chunks(List<RequestEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        JsonBytes all = Messages.entriesBody(events);
        if (all.length() <= MAX_MESSAGE_BYTES) {
            Frames frames = new Frames(Messages.ENTRIES_HEAD, all);
            return List.of(new Chunk(frames, events.size(), frames.length()));
        }
        // Rare (a burst): split by count into pieces of about the right size, then encode each piece.
        int pieces = (int) ((all.length() + MAX_MESSAGE_BYTES - 1) / MAX_MESSAGE_BYTES);
        int per = Math.max(1, (events.size() + pieces - 1) / pieces);
        List<Chunk> out = new ArrayList<>(pieces);
        for (int from = 0; from < events.size(); from += per) {
            List<RequestEvent> part = events.subList(from, Math.min(events.size(), from + per));
            Frames frames = new Frames(Messages.ENTRIES_HEAD, Messages.entriesBody(part));
            out.add(new Chunk(frames, part.size(), frames.length()));
        }
        return out;
    }
}
