package io.trafficviz.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which of a graph's changes go into the live stream's next {@link GraphDelta}, and takes them as values.
 * A new edge goes out at once (a request is about to cross it); the statistics of known ones only when the caller
 * asks for a rate refresh (once a second: as often as the page redraws them), together with every edge busy within
 * the last {@value #RATE_WINDOW_MILLIS} ms, whose rates fall after traffic stops with no request to carry the news.
 * Rendering an edge (three rate windows, three percentile scans) runs under the ingest lock, so this keeps it to the
 * edges a client needs.
 *
 * <p>One per stream that drains the graph. Not thread-safe: every method runs under the graph's lock.
 */
public final class DeltaTracker {
    /** The 10 s rate window, and a second more so that a rate is seen to reach 0. */
    public static final long RATE_WINDOW_MILLIS = 11_000;

    /** Edges sent in a delta at least once; bounded like the graph's edges. */
    private final Set<Edge> announcedEdges = Collections.newSetFromMap(new IdentityHashMap<>());
    /**
     * Known edges whose statistics changed since the last rate refresh, in the order they first did (an {@link Edge}
     * is equal only to itself): a refresh lists them in that order rather than in identity-hash order.
     */
    private final Set<Edge> staleEdges = new LinkedHashSet<>();

    /**
     * Drains {@code graph}'s changes: the new and changed nodes, the new edges, and with {@code refreshRates} the
     * known edges that changed since the last refresh or were busy recently, rates evaluated at {@code rateNow}.
     */
    public GraphDelta drain(TrafficGraph graph, long rateNow, boolean refreshRates) {
        TrafficGraph.Changes changes = graph.drainChanges();
        List<NodeView> nodes = new ArrayList<>(changes.nodes().size());
        for (Node n : changes.nodes()) {
            nodes.add(NodeView.of(n));
        }
        List<EdgeView> edges = new ArrayList<>();
        Set<Edge> sent = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Edge e : changes.edges()) {
            if (announcedEdges.add(e)) {
                edges.add(EdgeView.of(e, rateNow, 0));
                sent.add(e);
            } else {
                staleEdges.add(e);
            }
        }
        if (refreshRates) {
            for (Edge e : staleEdges) {
                if (sent.add(e)) {
                    edges.add(EdgeView.of(e, rateNow, 0));
                }
            }
            staleEdges.clear();
            for (Edge e : graph.hopEdges()) {
                if (rateNow - e.stats().lastSeenMillis() <= RATE_WINDOW_MILLIS && sent.add(e)) {
                    edges.add(EdgeView.of(e, rateNow, 0));
                }
            }
        }
        return nodes.isEmpty() && edges.isEmpty() ? GraphDelta.EMPTY : new GraphDelta(nodes, edges);
    }

    /** Forgets {@code graph}'s changes without rendering them (nobody is watching). */
    public void discard(TrafficGraph graph) {
        graph.discardChanges();
    }
}
