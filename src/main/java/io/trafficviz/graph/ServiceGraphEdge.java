package io.trafficviz.graph;

/**
 * One logical edge (client → the node that answered) as Tempo's service-graph metrics count it: a value taken under
 * the ingest lock. The graph's caps bound how many there are (what they folded is counted on an overflow node's edge).
 *
 * @param atOrBelow  requests whose duration was at or below each of the bounds asked for
 * @param sumSeconds the durations' sum (each as the middle of its histogram bucket)
 */
public record ServiceGraphEdge(String client, String server, long requests, long failed, long[] atOrBelow,
                               double sumSeconds) {
    /** Under the lock of the graph {@code e} belongs to. */
    static ServiceGraphEdge of(Edge e, long[] boundsMicros) {
        EdgeStats s = e.stats();
        return new ServiceGraphEdge(e.source().id(), e.target().id(), s.requests(), s.errors(),
                s.latencyAtOrBelow(boundsMicros), s.latencySumSeconds());
    }
}
