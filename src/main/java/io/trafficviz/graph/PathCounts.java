package io.trafficviz.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request counts per path of one edge: the first {@code maxPaths} distinct paths, then everything else under
 * {@link EdgeStats#OTHER_PATHS}. Open addressing over two arrays (keys, counts) rather than a HashMap of
 * {@code long[1]}: ~12 bytes per path instead of ~60, which over thousands of edges of 100 paths was tens of MB.
 */
final class PathCounts {
    private String[] keys = new String[8];
    private long[] counts = new long[8];
    private int size;
    private long other;
    private boolean hasOther;

    void add(String path, int maxPaths, PathPool pool) {
        String[] k = keys;
        int mask = k.length - 1;
        int i = mix(path.hashCode()) & mask;
        String key;
        while ((key = k[i]) != null) {
            if (key == path || key.equals(path)) {
                counts[i]++;
                return;
            }
            i = (i + 1) & mask;
        }
        if (size >= maxPaths) {
            other++;
            hasOther = true;
            return;
        }
        k[i] = pool == null ? path : pool.shared(path);
        counts[i] = 1;
        if (++size * 4 > k.length * 3) {
            grow();
        }
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    private void grow() {
        String[] oldKeys = keys;
        long[] oldCounts = counts;
        keys = new String[oldKeys.length * 2];
        counts = new long[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int i = mix(oldKeys[j].hashCode()) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                counts[i] = oldCounts[j];
            }
        }
    }

    /** Distinct paths held, (other) included. */
    int size() {
        return size + (hasOther ? 1 : 0);
    }

    /** A copy: path → {count}, (other) included when something overflowed. */
    Map<String, long[]> toMap() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                m.put(keys[i], new long[]{counts[i]});
            }
        }
        if (hasOther) {
            m.put(EdgeStats.OTHER_PATHS, new long[]{other});
        }
        return m;
    }

    /** The {@code n} busiest paths, busiest first ((other) competes like any path). */
    List<Map.Entry<String, Long>> top(int n) {
        int[] best = new int[n];
        Arrays.fill(best, -1);
        int found = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == null) {
                continue;
            }
            int at = Math.min(found, n - 1);
            if (found >= n && counts[i] <= counts[best[n - 1]]) {
                continue;
            }
            // insertion into the small sorted array
            while (at > 0 && counts[best[at - 1]] < counts[i]) {
                if (at < n) {
                    best[at] = best[at - 1];
                }
                at--;
            }
            best[at] = i;
            found = Math.min(found + 1, n);
        }
        List<Map.Entry<String, Long>> out = new ArrayList<>(n);
        for (int j = 0; j < found; j++) {
            out.add(Map.entry(keys[best[j]], counts[best[j]]));
        }
        if (hasOther) {
            int at = out.size();
            while (at > 0 && out.get(at - 1).getValue() < other) {
                at--;
            }
            if (at < n) {
                out.add(at, Map.entry(EdgeStats.OTHER_PATHS, other));
                if (out.size() > n) {
                    out.remove(out.size() - 1);
                }
            }
        }
        return out;
    }
}
