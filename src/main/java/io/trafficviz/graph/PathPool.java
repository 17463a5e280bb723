package io.trafficviz.graph;

import java.util.Arrays;

/**
 * One copy of each path text for all the edges' path counters. Every line brings its own path String; an edge that
 * starts counting a path keeps the pool's copy, so the same hot path is held once, not once per edge (thousands of
 * edges × up to {@code maxPathsPerEdge} paths), and the edges of a line compare it by reference. Consulted only when
 * an edge adds a path, never on the per-line fast path.
 *
 * <p>A text enters when an edge starts counting it, so the pool holds exactly the texts some edge holds: bounded by
 * edges × {@code maxPathsPerEdge}, like the edges' own references. Nothing is removed (edges are never removed either).
 * Open addressing over the texts' hashes, so a look-up compares a text only when its hash matches.
 */
final class PathPool {
    private String[] texts = new String[1024];
    /** Open addressing: per slot, the text's hash << 32 | (its number + 1); 0 is an empty slot. */
    private long[] table = new long[2048];
    private int size;

    /** The pool's copy of {@code path} (whose {@code hashCode()} is {@code hash}), {@code path} itself if new. */
    String shared(String path, int hash) {
        int id = find(path, hash);
        if (id >= 0) {
            return texts[id];
        }
        add(path, hash);
        return path;
    }

    /** The number of {@code path} (whose {@code hashCode()} is {@code hash}), or -1 if no edge counts it. */
    private int find(String path, int hash) {
        long[] t = table;
        int mask = t.length - 1;
        int i = mix(hash) & mask;
        long w;
        while ((w = t[i]) != 0) {
            if ((int) (w >>> 32) == hash) {
                String text = texts[(int) w - 1];
                if (text == path || text.equals(path)) {
                    return (int) w - 1;
                }
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private void add(String path, int hash) {
        if (size == texts.length) {
            texts = Arrays.copyOf(texts, size * 2);
        }
        int id = size++;
        texts[id] = path;
        place(table, (long) hash << 32 | (id + 1));
        if (size * 2 > table.length) {
            long[] bigger = new long[table.length * 2];
            for (long w : table) {
                if (w != 0) {
                    place(bigger, w);
                }
            }
            table = bigger;
        }
    }

    private static void place(long[] t, long word) {
        int mask = t.length - 1;
        int i = mix((int) (word >>> 32)) & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = word;
    }

    int size() {
        return size;
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }
}
