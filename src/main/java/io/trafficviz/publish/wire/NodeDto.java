package io.trafficviz.publish.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.trafficviz.graph.NodeView;

import java.util.List;

/**
 * A node object (docs/protocol.md, {@code /network_info}'s {@code nodes}): {@code outsider} only when true, {@code
 * ix} only in the graph stream (its index there).
 */
@JsonPropertyOrder({"id", "kind", "label", "server", "network", "addresses", "outsider", "ix"})
public record NodeDto(String id, String kind, String label, String server, String network, List<String> addresses,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean outsider,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Integer ix) {

    /** As {@code /network_info} lists it. */
    public static NodeDto of(NodeView n) {
        return new NodeDto(n.id(), n.kind().wireName(), n.label(), n.server(), n.network(), n.addresses(),
                n.outsider() ? Boolean.TRUE : null, null);
    }

    /** As the graph stream announces it, with its index there. */
    public static NodeDto of(NodeView n, int ix) {
        return of(n).withIx(ix);
    }

    public NodeDto withIx(int ix) {
        return new NodeDto(id, kind, label, server, network, addresses, outsider, ix);
    }
}
