package io.trafficviz.model;

/**
 * Something the resolver learnt about a node while resolving a line or applying an inventory, handed to the graph as a
 * value: the resolver decides who is who, the graph alone holds nodes. Facts come on the resolver's cache misses,
 * not on every line.
 */
public sealed interface NodeFact {
    NodeId id();

    /** The node exists (created unless the graph has it, or folded into its server's overflow node past the cap). */
    record Declared(NodeId id, String network) implements NodeFact {
    }

    /** The node was seen at, or discovered with, this address. */
    record SeenAt(NodeId id, String address) implements NodeFact {
    }

    /** The node called a private proxy it should not be calling. */
    record Outsider(NodeId id) implements NodeFact {
    }

    /** The node is drawn in this network from now on (a service several proxies route to, see the resolver). */
    record InNetwork(NodeId id, String network) implements NodeFact {
    }
}
