package io.trafficviz.telemetry;

/**
 * The live streams' counters at one moment.
 *
 * @param graphClients     clients connected to {@code /ws/graph}
 * @param accessLogClients clients connected to {@code /access_logs}
 * @param sentMessages     messages written to clients (each client's copy counted)
 * @param sentBytes        bytes of those messages
 * @param droppedEvents    events not sent to slow or overloaded clients
 * @param slowDisconnects  clients disconnected for not keeping up
 */
public record LiveStats(int graphClients, int accessLogClients, long sentMessages, long sentBytes,
                        long droppedEvents, long slowDisconnects) {
}
