package io.trafficviz.graph;

import io.trafficviz.model.NodeKind;

import java.util.List;

/**
 * A node's description at one moment: what the live stream announces and {@code /network_info} lists. Taken under
 * the ingest lock; a value, safe to read anywhere after.
 *
 * @param addresses addresses the node was seen at or discovered with, sorted
 * @param outsider  whether it called a private proxy it should not call
 */
public record NodeView(String id, NodeKind kind, String label, String server, String network, List<String> addresses,
                       boolean outsider) {
    public NodeView {
        addresses = List.copyOf(addresses);
    }

    /** Under the lock of the graph {@code n} belongs to. */
    public static NodeView of(Node n) {
        return new NodeView(n.id(), n.kind(), n.label(), n.server(), n.network(), List.copyOf(n.addresses()),
                n.outsider());
    }
}
