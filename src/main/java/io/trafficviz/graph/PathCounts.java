package io.trafficviz.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request counts per path of one edge: the first {@code maxPaths} distinct paths, then everything else under
 * {@link EdgeStats#OTHER_PATHS}.
 *
 * <p>Open addressing in which each slot's path hash and count share one {@code long} (hash in the high half, count in
 * the low half; the texts in a parallel array): a request reads and writes one slot, looks at a text only when the
 * hash matches, and an edge that is full turns an unknown path away by hashes alone, with no look-up anywhere else
 * (most paths of a busy service are rare: most requests of a line's three edges end there). 12 bytes a slot. The text
 * compare is usually by reference: a table stores {@link PathPool}'s copy of a text, shared by all the edges, and
 * {@link #add} returns the copy it holds for the graph to hand to the line's next edges.
 */
final class PathCounts {
    private static final long LOW = 0xFFFF_FFFFL;

    private final PathPool pool;
    private String[] keys = new String[8];
    /** Per slot: hash << 32 | count, the count kept in 1..2^32-1 (so a used slot is never 0) and carried below. */
    private long[] slots = new long[8];
    /** Lazily: the part of each slot's count that did not fit in its low half (4 billion requests on one path). */
    private long[] carried;
    private int size;
    private long other;
    private boolean hasOther;

    PathCounts(PathPool pool) {
        this.pool = pool;
    }

    /** Counts one request for {@code path}. */
    void add(String path, int maxPaths) {
        add(path, path.hashCode(), maxPaths);
    }

    /**
     * Counts one request for {@code path}, whose {@code hashCode()} is {@code hash}; returns the copy of the text this
     * table holds ({@code path} itself when it went to (other)), to pass to the next edge of the same line.
     */
    String add(String path, int hash, int maxPaths) {
        long[] s = slots;
        String[] k = keys;
        int mask = s.length - 1;
        int i = mix(hash) & mask;
        long w;
        while ((w = s[i]) != 0) {
            if ((int) (w >>> 32) == hash) {
                String key = k[i];
                if (key == path || key.equals(path)) {
                    if ((w & LOW) != LOW) {
                        s[i] = w + 1;
                    } else {
                        carry(i);
                    }
                    return key;
                }
            }
            i = (i + 1) & mask;
        }
        if (size >= maxPaths) {
            other++;
            hasOther = true;
            return path;
        }
        String key = pool.shared(path, hash);
        k[i] = key;
        s[i] = (long) hash << 32 | 1;
        if (++size * 4 > s.length * 3) {
            grow();
        }
        return key;
    }

    /**
     * Counts {@code count} requests for {@code path} at once (a past window's counts, summed by the store): as that
     * many {@link #add} calls in a row.
     */
    void add(String path, long count, int maxPaths) {
        int hash = path.hashCode();
        long[] s = slots;
        int mask = s.length - 1;
        int i = mix(hash) & mask;
        long w;
        while ((w = s[i]) != 0) {
            if ((int) (w >>> 32) == hash && keys[i].equals(path)) {
                setCount(i, count(i) + count);
                return;
            }
            i = (i + 1) & mask;
        }
        if (size >= maxPaths) {
            addOther(count);
            return;
        }
        keys[i] = pool.shared(path, hash);
        s[i] = (long) hash << 32 | 1;
        setCount(i, count);
        if (++size * 4 > s.length * 3) {
            grow();
        }
    }

    /** Counts {@code count} requests under (other) at once: paths that came after the table was full. */
    void addOther(long count) {
        other += count;
        hasOther = true;
    }

    private void setCount(int i, long count) {
        long low = Math.max(1, Math.min(LOW, count));
        slots[i] = (slots[i] & ~LOW) | low;
        if (count != low) {
            if (carried == null) {
                carried = new long[slots.length];
            }
            carried[i] = count - low;
        } else if (carried != null) {
            carried[i] = 0;
        }
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    private void carry(int i) {
        if (carried == null) {
            carried = new long[slots.length];
        }
        carried[i] += LOW; // the LOW counted so far move here; the low half restarts at 1 with this request
        slots[i] = (slots[i] & ~LOW) | 1;
    }

    private void grow() {
        String[] oldKeys = keys;
        long[] oldSlots = slots;
        long[] oldCarried = carried;
        keys = new String[oldKeys.length * 2];
        slots = new long[oldSlots.length * 2];
        carried = oldCarried == null ? null : new long[slots.length];
        int mask = slots.length - 1;
        for (int j = 0; j < oldSlots.length; j++) {
            if (oldSlots[j] != 0) {
                int i = mix((int) (oldSlots[j] >>> 32)) & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                slots[i] = oldSlots[j];
                if (oldCarried != null) {
                    carried[i] = oldCarried[j];
                }
            }
        }
    }

    /** Distinct paths held, (other) included. */
    int size() {
        return size + (hasOther ? 1 : 0);
    }

    private long count(int i) {
        return (slots[i] & LOW) + (carried == null ? 0 : carried[i]);
    }

    private String text(int i) {
        return keys[i];
    }

    /** A copy: path → {count}, (other) included when something overflowed. */
    Map<String, long[]> toMap() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != 0) {
                m.put(text(i), new long[]{count(i)});
            }
        }
        if (hasOther) {
            m.put(EdgeStats.OTHER_PATHS, new long[]{other});
        }
        return m;
    }

    /**
     * The {@code n} busiest paths, busiest first ((other) competes like any path, after the paths of its count); paths
     * of one count in the order of their texts' code points, so that the answer depends on the counts alone, not on
     * the order the paths came in (a past window's top paths are chosen by the store, which sorts the same way).
     */
    List<Map.Entry<String, Long>> top(int n) {
        int[] best = new int[n];
        Arrays.fill(best, -1);
        int found = 0;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == 0) {
                continue;
            }
            if (found >= n && !before(i, best[n - 1])) {
                continue;
            }
            int at = Math.min(found, n - 1);
            // insertion into the small sorted array
            while (at > 0 && before(i, best[at - 1])) {
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
            out.add(Map.entry(text(best[j]), count(best[j])));
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

    /** Whether slot {@code i} ranks before slot {@code j}: busier, or as busy with a text earlier in code points. */
    private boolean before(int i, int j) {
        long a = count(i);
        long b = count(j);
        return a != b ? a > b : compareCodePoints(keys[i], keys[j]) < 0;
    }

    /** As the store's (DuckDB's) text order, which compares UTF-8 bytes, i.e. code points (String's compares chars). */
    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int k = 0; k < n; k++) {
            char x = a.charAt(k);
            char y = b.charAt(k);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                return sx == Character.isSurrogate(y) ? x - y : sx ? 1 : -1;
            }
        }
        return a.length() - b.length();
    }

    /** For tests: makes the count of the held path {@code path} {@code count} (to reach the carry without 4 billion adds). */
    void setCountForTest(String path, long count) {
        for (int i = 0; i < slots.length; i++) {
            if (keys[i] != null && keys[i].equals(path)) {
                if (carried == null) {
                    carried = new long[slots.length];
                }
                long low = Math.max(1, Math.min(LOW, count));
                slots[i] = (slots[i] & ~LOW) | low;
                carried[i] = count - low;
                return;
            }
        }
        throw new IllegalArgumentException(path + " is not held");
    }
}
