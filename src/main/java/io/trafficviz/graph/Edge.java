package io.trafficviz.graph;

/** A directed edge: one network hop (hops view) or one caller → service relation (logical view). */
public final class Edge {
    private final String id;
    private final Node source;
    private final Node target;
    private final EdgeStats stats;

    Edge(Node source, Node target, PathPool paths) {
        this.stats = new EdgeStats(paths);
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
