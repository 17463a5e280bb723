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
 * <p>Keyed by the paths' numbers in the graph's {@link PathPool}, not their texts: each slot is one {@code long}, the
 * number in the high half and the count in the low half, so counting a request reads and writes one slot and never
 * looks at a text (the line's path was looked up in the pool once for all its edges). 8 bytes a slot.
 */
final class PathCounts {
    private static final long LOW = 0xFFFF_FFFFL;

    private final PathPool pool;
    /** Per slot: (path number + 1) << 32 | count, the count kept in 1..2^32-1 (carried below); 0 is an empty slot. */
    private long[] slots = new long[8];
    /** Lazily: the part of each slot's count that did not fit in its low half (4 billion requests on one path). */
    private long[] carried;
    private int size;
    private long other;
    private boolean hasOther;

    PathCounts(PathPool pool) {
        this.pool = pool;
    }

    /** Counts one request for {@code path} (looked up in the pool here: for tests and single edges). */
    void add(String path, int maxPaths) {
        int hash = path.hashCode();
        add(pool.find(path, hash), path, hash, maxPaths);
    }

    /**
     * Counts one request for {@code path}, whose {@code hashCode()} is {@code hash} and whose number in the pool is
     * {@code id} (-1: not in the pool). Returns the path's number afterwards (-1 if still unknown: it went to (other)),
     * for the line's next edge.
     */
    int add(int id, String path, int hash, int maxPaths) {
        long[] s = slots;
        int mask = s.length - 1;
        if (id >= 0) {
            long key = (long) (id + 1) << 32;
            int i = mix(id) & mask;
            long w;
            while ((w = s[i]) != 0) {
                if ((w & ~LOW) == key) {
                    if ((w & LOW) != LOW) {
                        s[i] = w + 1;
                    } else {
                        carry(i);
                    }
                    return id;
                }
                i = (i + 1) & mask;
            }
        }
        if (size >= maxPaths) {
            other++;
            hasOther = true;
            return id;
        }
        if (id < 0) {
            id = pool.add(path, hash);
        }
        int i = mix(id) & mask;
        while (s[i] != 0) {
            i = (i + 1) & mask;
        }
        s[i] = (long) (id + 1) << 32 | 1;
        if (++size * 4 > s.length * 3) {
            grow();
        }
        return id;
    }

    private static int mix(int id) {
        int h = id * 0x9E3779B1;
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
        long[] oldSlots = slots;
        long[] oldCarried = carried;
        slots = new long[oldSlots.length * 2];
        carried = oldCarried == null ? null : new long[slots.length];
        int mask = slots.length - 1;
        for (int j = 0; j < oldSlots.length; j++) {
            if (oldSlots[j] != 0) {
                int i = mix(id(oldSlots[j])) & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = oldSlots[j];
                if (oldCarried != null) {
                    carried[i] = oldCarried[j];
                }
            }
        }
    }

    private static int id(long slot) {
        return (int) (slot >>> 32) - 1;
    }

    /** Distinct paths held, (other) included. */
    int size() {
        return size + (hasOther ? 1 : 0);
    }

    private long count(int i) {
        return (slots[i] & LOW) + (carried == null ? 0 : carried[i]);
    }

    private String text(int i) {
        return pool.text(id(slots[i]));
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

    /** The {@code n} busiest paths, busiest first ((other) competes like any path). */
    List<Map.Entry<String, Long>> top(int n) {
        int[] best = new int[n];
        Arrays.fill(best, -1);
        int found = 0;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == 0) {
                continue;
            }
            int at = Math.min(found, n - 1);
            if (found >= n && count(i) <= count(best[n - 1])) {
                continue;
            }
            // insertion into the small sorted array
            while (at > 0 && count(best[at - 1]) < count(i)) {
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

    /** For tests: makes the count of the held path {@code path} {@code count} (to reach the carry without 4 billion adds). */
    void setCountForTest(String path, long count) {
        int id = pool.find(path, path.hashCode());
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != 0 && id(slots[i]) == id) {
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
