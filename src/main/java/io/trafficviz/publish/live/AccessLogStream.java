package io.trafficviz.publish.live;

import io.trafficviz.model.RequestEvent;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.publish.wire.Messages;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /access_logs}: every request in full, every {@value LiveHub#ACCESS_LOG_FLUSH_MILLIS} ms, so a request shows up
 * within milliseconds of its log line. The entries are encoded once for all clients.
 */
final class AccessLogStream {
    private final ClientRegistry clients;

    AccessLogStream(ClientRegistry clients) {
        this.clients = clients;
    }

    /** One tick's {@code events}, and {@code overflow} more the hub could not buffer (flusher thread). */
    void send(List<RequestEvent> events, long overflow, long now) {
        // The entries once, as UTF-8; each distinct dropped count then costs one copy of them, not an encoding.
        // One encoding per masking in use (an admin's, a viewer's), whatever the number of clients.
        Map<Masking, Frames> byMasking = new IdentityHashMap<>(2);
        for (Client client : clients.all()) {
            if (client.channel != LiveHub.Channel.ACCESS_LOG || clients.skipBusy(client, events.size(), now)) {
                continue;
            }
            long dropped = client.dropped + overflow;
            if (events.isEmpty() && dropped == 0) {
                continue;
            }
            client.dropped = 0;
            Frames frames = byMasking.computeIfAbsent(client.masking,
                    m -> new Frames(Messages.ENTRIES_HEAD, Messages.entriesBody(m.events(events))));
            clients.send(client, frames.with(dropped));
        }
    }
}
