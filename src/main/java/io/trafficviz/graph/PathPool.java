package io.trafficviz.graph;

import java.util.Arrays;

/**
 * The path texts the edges count, each held once and numbered. An edge's path counts are keyed by these numbers, so
 * a line's path is looked up here once (its text hashed and compared once, against a copy that is in cache when the
 * path is a busy one) and each edge then finds its counter by comparing numbers only.
 *
 * <p>A text is added when an edge starts counting it, never on a mere look-up, so the pool holds exactly the texts
 * some edge holds: bounded by edges × {@code maxPathsPerEdge}, like the edges' own references before it. Nothing is
 * removed (edges are never removed either).
 */
final class PathPool {
    private String[] texts = new String[1024];
    /** Open addressing: per slot, the text's hash << 32 | (its number + 1); 0 is an empty slot. */
    private long[] table = new long[2048];
    private int size;

    /** The number of {@code path} (whose {@code hashCode()} is {@code hash}), or -1 if no edge counts it. */
    int find(String path, int hash) {
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

    /** The number of {@code path}, which {@link #find} did not know. */
    int add(String path, int hash) {
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
        return id;
    }

    private static void place(long[] t, long word) {
        int mask = t.length - 1;
        int i = mix((int) (word >>> 32)) & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = word;
    }

    String text(int id) {
        return texts[id];
    }

    int size() {
        return size;
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }
}
