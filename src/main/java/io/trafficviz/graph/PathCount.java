package io.trafficviz.graph;

/** One of an edge's busiest paths and its requests. */
public record PathCount(String path, long requests) {
}
