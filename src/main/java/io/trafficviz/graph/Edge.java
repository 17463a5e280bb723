package io.trafficviz.graph;

/** A directed edge: one network hop (hops view) or one caller → service relation (logical view). */
public final class Edge {
    private final String id;
    private final Node source;
    private final Node target;
    private final EdgeStats stats = new EdgeStats();
    /** Listed in the graph's dirty edges since the last drain (a flag check is cheaper than a set insert per line). */
    boolean dirty;

    Edge(Node source, Node target) {
        this.id = source.id() + "->" + target.id();
        this.source = source;
        this.target = target;
    }

    public String id() {
        return id;
    }

    public Node source() {
        return source;
    }

    public Node target() {
        return target;
    }

    public EdgeStats stats() {
        return stats;
    }
}
