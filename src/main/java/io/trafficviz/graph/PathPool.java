package io.trafficviz.graph;

import java.util.HashMap;
import java.util.Map;

/**
 * One copy of each path text for all the edges' path counters. Every line brings its own path String; an edge that
 * starts counting a path keeps it, so the same hot path used to be held once per edge (thousands of edges x up to
 * {@code maxPathsPerEdge} paths). Consulted only when an edge adds a path, never on the per-line fast path. Bounded:
 * once full, new paths are simply not shared.
 */
final class PathPool {
    private final int capacity;
    private final Map<String, String> pool = new HashMap<>();

    PathPool(int capacity) {
        this.capacity = capacity;
    }

    String shared(String path) {
        String existing = pool.get(path);
        if (existing != null) {
            return existing;
        }
        if (pool.size() < capacity) {
            pool.put(path, path);
        }
        return path;
    }
}
