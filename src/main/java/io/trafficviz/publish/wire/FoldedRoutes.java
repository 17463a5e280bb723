package io.trafficviz.publish.wire;

import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * Requests counted per route and flags instead of sent one by one: the {@code folded} part of a graph batch
 * (docs/protocol.md, "Folded requests"). A route is its three node ids (the nodes' own {@code id()} Strings, so
 * their hashes are cached and they compare by reference) and the flags; counting one request allocates nothing once
 * the route is in the table. Routes keep the order they were first counted in. Not thread-safe.
 */
public final class FoldedRoutes {
    private String[] from;
    private String[] proxy;
    private String[] to;
    private int[] flags;
    private long[] counts;
    /** Slot of each route, in the order they were first counted (also what {@link #clear()} has to empty). */
    private int[] order;
    private int size;
    private long total;

    public FoldedRoutes() {
        allocate(64);
    }

    private void allocate(int capacity) {
        from = new String[capacity];
        proxy = new String[capacity];
        to = new String[capacity];
        flags = new int[capacity];
        counts = new long[capacity];
        order = new int[capacity / 2];
    }

    /** Counts {@code n} requests along {@code fromId → proxyId → toId} with {@code flags} (compact-event bits). */
    public void add(String fromId, String proxyId, String toId, int flags, long n) {
        int mask = from.length - 1;
        int i = hash(fromId, proxyId, toId, flags) & mask;
        while (from[i] != null) {
            if (this.flags[i] == flags && same(from[i], fromId) && same(proxy[i], proxyId) && same(to[i], toId)) {
                counts[i] += n;
                total += n;
                return;
            }
            i = (i + 1) & mask;
        }
        if (size == order.length) {
            grow();
            add(fromId, proxyId, toId, flags, n);
            return;
        }
        from[i] = fromId;
        proxy[i] = proxyId;
        to[i] = toId;
        this.flags[i] = flags;
        counts[i] = n;
        order[size++] = i;
        total += n;
    }

    private static boolean same(String a, String b) {
        return a == b || a.equals(b);
    }

    private static int hash(String a, String b, String c, int flags) {
        int h = ((a.hashCode() * 31 + b.hashCode()) * 31 + c.hashCode()) * 31 + flags;
        return h ^ (h >>> 16);
    }

    private void grow() {
        String[] oldFrom = from;
        String[] oldProxy = proxy;
        String[] oldTo = to;
        int[] oldFlags = flags;
        long[] oldCounts = counts;
        int[] oldOrder = order;
        int n = size;
        allocate(from.length * 2);
        size = 0;
        long keep = total;
        for (int k = 0; k < n; k++) {
            int s = oldOrder[k];
            add(oldFrom[s], oldProxy[s], oldTo[s], oldFlags[s], oldCounts[s]);
        }
        total = keep;
    }

    /** Routes counted. */
    public int size() {
        return size;
    }

    /** Requests counted, over all routes. */
    public long total() {
        return total;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The route first counted {@code k}-th: {@code [fromId, proxyId, toId]}. */
    public String[] route(int k) {
        int s = order[k];
        return new String[] {from[s], proxy[s], to[s]};
    }

    public String fromId(int k) {
        return from[order[k]];
    }

    public String proxyId(int k) {
        return proxy[order[k]];
    }

    public String toId(int k) {
        return to[order[k]];
    }

    public int flags(int k) {
        return flags[order[k]];
    }

    public long count(int k) {
        return counts[order[k]];
    }

    /** Writes {@code ,"folded":[[from, proxy, to, flags, count],...]}, nodes by their stream index {@code ix}. */
    public void write(JsonBytes out, ToIntFunction<String> ix) {
        write(out, ix, 0, size);
    }

    /** The same for the routes first counted {@code first}-th to before {@code end}-th (a batch sent in parts). */
    public void write(JsonBytes out, ToIntFunction<String> ix, int first, int end) {
        out.raw(",\"folded\":[");
        for (int k = first; k < end; k++) {
            int s = order[k];
            if (k > first) {
                out.raw(',');
            }
            out.raw('[').number(ix.applyAsInt(from[s])).raw(',').number(ix.applyAsInt(proxy[s]))
                    .raw(',').number(ix.applyAsInt(to[s])).raw(',').number(flags[s])
                    .raw(',').number(counts[s]).raw(']');
        }
        out.raw(']');
    }

    /**
     * Forgets every route, in time proportional to their number. The table keeps its size (bounded by the graph's
     * routes: a burst's routes are likely to come back).
     */
    public void clear() {
        for (int k = 0; k < size; k++) {
            int s = order[k];
            from[s] = null;
            proxy[s] = null;
            to[s] = null;
        }
        size = 0;
        total = 0;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("FoldedRoutes[");
        for (int k = 0; k < size; k++) {
            b.append(Arrays.toString(route(k))).append('/').append(flags(k)).append('=').append(count(k)).append(' ');
        }
        return b.append(']').toString();
    }
}
