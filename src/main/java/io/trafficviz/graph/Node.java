package io.trafficviz.graph;

import io.trafficviz.model.NodeId;
import io.trafficviz.model.NodeKind;

import java.util.Set;
import java.util.TreeSet;

/** A proxy, a workload or an unknown caller. Identity is {@link #id()}; the rest is description. */
public final class Node {
    private final NodeId id;
    private final NodeKind kind;
    private final String label;
    private final String server;
    private String network;
    private final Set<String> addresses = new TreeSet<>();
    private boolean outsider;
    /** Position in its graph (creation order), the key of the graph's route table; -1 until added to a graph. */
    int serial = -1;

    public Node(NodeId id, String label, String network) {
        this.id = id;
        this.kind = id.kind();
        this.label = label;
        this.server = id.server();
        this.network = network;
    }

    /** The id as the protocol writes it. */
    public String id() {
        return id.text();
    }

    public NodeId nodeId() {
        return id;
    }

    public NodeKind kind() {
        return kind;
    }

    public String label() {
        return label;
    }

    public String server() {
        return server;
    }

    public String network() {
        return network;
    }

    /** Addresses this node was seen at or discovered with (bounded: the resolver caps what it adds). */
    public Set<String> addresses() {
        return addresses;
    }

    /** Whether this node called a private proxy it should not be calling (see the outsider rule). */
    public boolean outsider() {
        return outsider;
    }

    void network(String network) {
        this.network = network;
    }

    void markOutsider() {
        outsider = true;
    }
}
