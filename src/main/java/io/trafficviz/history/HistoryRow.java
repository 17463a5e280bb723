package io.trafficviz.history;

import io.trafficviz.ingest.LiveRequest;
import io.trafficviz.model.NodeId;

/**
 * One request as the store keeps it, handed from ingest's thread to the writer's as a value. The route is the
 * resolver's (before the live graph's caps folded anything), so a graph of any window counts it where a fresh replay
 * of that window's lines would.
 *
 * @param time          start time, epoch ms
 * @param callerNetwork the caller node's network in the live graph, null when unknown
 * @param target        null when the proxy answered itself
 * @param originNanos   the backend's own time, 0 when the log has none
 * @param path          as logged, query included
 * @param origin        the source of its line (a tailed file's path, {@code push:…})
 */
public record HistoryRow(String origin, long time, String server, String network, String proxyName, NodeId caller,
                         String callerNetwork, NodeId proxy, NodeId target, String targetNetwork, boolean outsider,
                         int status, long durationNanos, long originNanos, long bytes, String method, String host,
                         String path) implements Queued {
    static HistoryRow of(LiveRequest r) {
        return new HistoryRow(r.origin(), r.time(), r.serverName(), r.network(), r.proxyName(), r.route().caller(),
                r.callerNetwork(), r.route().proxy(), r.route().target(), r.targetNetwork(), r.route().outsider(),
                r.status(), r.durationNanos(), r.originDurationNanos(), r.bytes(), r.method(), r.host(), r.path());
    }

    /**
     * Roughly what the row holds on the heap while it waits in the writer's queue: its own strings (a path may be
     * tens of KiB of attacker-chosen text), two bytes a char at worst; the shared ones (names, ids) are not counted.
     */
    long queuedBytes() {
        return 160L + 2L * (length(method) + length(host) + length(path));
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    public boolean error() {
        return status < 200 || status > 399;
    }
}
