package io.trafficviz.graph;

import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.OutsiderSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The whole graph and the ingest counters at one moment, all taken under one acquisition of the ingest lock: the
 * lines {@code totals} counts are exactly the ones the edges hold. What {@code /network_info} and a graph client's
 * hello are rendered from.
 *
 * @param generatedAt     the time rates were evaluated at (epoch ms)
 * @param logical         whether {@code edges} are the logical (client → service) edges rather than the hops
 * @param nodes           every node, by id
 * @param edges           every edge of the view, by id, each with its {@value #TOP_PATHS} busiest paths
 * @param overflowedNodes nodes folded into an overflow node past the node cap
 * @param overflowedEdges requests counted on an overflow edge past the edge cap
 */
public record NetworkSnapshot(long generatedAt, boolean logical, List<NodeView> nodes, List<EdgeView> edges,
                              long overflowedNodes, long overflowedEdges, IngestTotals totals,
                              OutsiderSnapshot outsiders) {
    /** Busiest paths listed per edge. */
    public static final int TOP_PATHS = 5;

    public NetworkSnapshot {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /**
     * Under the graph's lock, with {@code totals} and {@code outsiders} taken under the same acquisition. Nodes and
     * edges are listed by id, so two snapshots of the same network list it the same way whatever order it was seen in.
     */
    public static NetworkSnapshot of(TrafficGraph graph, boolean logical, long nowMillis, IngestTotals totals,
                                     OutsiderSnapshot outsiders) {
        return of(graph, logical, nowMillis, TOP_PATHS, totals, outsiders);
    }

    /** As above, with each edge's {@code topPaths} busiest paths. */
    public static NetworkSnapshot of(TrafficGraph graph, boolean logical, long nowMillis, int topPaths,
                                     IngestTotals totals, OutsiderSnapshot outsiders) {
        List<Node> byId = new ArrayList<>(graph.nodes());
        byId.sort(Comparator.comparing(Node::id));
        List<NodeView> nodes = new ArrayList<>(byId.size());
        for (Node n : byId) {
            nodes.add(NodeView.of(n));
        }
        List<Edge> all = logical ? graph.logicalEdges() : graph.hopEdges();
        all.sort(Comparator.comparing(Edge::id));
        List<EdgeView> edges = new ArrayList<>(all.size());
        for (Edge e : all) {
            edges.add(EdgeView.of(e, nowMillis, topPaths));
        }
        return new NetworkSnapshot(nowMillis, logical, nodes, edges, graph.overflowedNodes(), graph.overflowedEdges(),
                totals, outsiders);
    }
}
