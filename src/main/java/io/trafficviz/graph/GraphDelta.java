package io.trafficviz.graph;

import java.util.List;

/**
 * What the live stream is told about the graph after one batch's worth of ingest (see {@link DeltaTracker}).
 *
 * @param nodes new nodes and nodes whose description changed, in the order they changed
 * @param edges new hop edges, and on a rate refresh the known ones whose statistics changed or are recently busy;
 *              without top paths
 */
public record GraphDelta(List<NodeView> nodes, List<EdgeView> edges) {
    public static final GraphDelta EMPTY = new GraphDelta(List.of(), List.of());

    public GraphDelta {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }
}
