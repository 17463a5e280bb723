package io.trafficviz.publish.live;

import io.trafficviz.model.RequestEvent;
import io.trafficviz.publish.wire.Messages;

import java.util.List;

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
        Frames frames = new Frames(Messages.ENTRIES_HEAD, Messages.entriesBody(events));
        for (Client client : clients.all()) {
            if (client.channel != LiveHub.Channel.ACCESS_LOG || clients.skipBusy(client, events.size(), now)) {
                continue;
            }
            long dropped = client.dropped + overflow;
            if (events.isEmpty() && dropped == 0) {
                continue;
            }
            client.dropped = 0;
            clients.send(client, frames.with(dropped));
        }
    }
}
