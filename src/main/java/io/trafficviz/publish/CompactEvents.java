package io.trafficviz.publish;

import io.trafficviz.resolve.RequestEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The {@code /ws/graph} form of events (docs/protocol.md, "Compact events"): each event is an array of numbers,
 * nodes by the small integer {@code ix} the stream announced them with, text (method, host, path) by index into a
 * per-batch string table, so a value repeated within a batch is sent once. What the full event object has on top
 * (labels, server, network, ids, hops) the client derives from the nodes it was told about.
 */
final class CompactEvents {
    /** Flag bits, the 8th element of an event. */
    static final int ERROR = 1;
    static final int ANSWERED_BY_PROXY = 2;
    static final int OUTSIDER = 4;
    /** The hops are [from, proxy]: the proxy answered, or it forwarded to another proxy whose own line goes on. */
    static final int HOPS_END_AT_PROXY = 8;

    private CompactEvents() {
    }

    /** Whether the event's journey ends at its proxy (the same rule as {@link EventJson}'s hops). */
    static boolean hopsEndAtProxy(RequestEvent e) {
        return e.answeredByProxy() || e.toId().startsWith("proxy:");
    }

    /**
     * Writes {@code "strings":[...],"events":[[...],...]} for {@code events}, in their order. {@code ix} gives a node
     * id's announced index. Sequence numbers and times are deltas from the previous event of the array (the first
     * from 0), as they mostly differ by little.
     */
    static void write(JsonBytes out, List<RequestEvent> events, ToIntFunction<String> ix) {
        int n = events.size();
        int[] text = new int[n * 3];
        Map<String, Integer> index = new HashMap<>();
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RequestEvent e = events.get(i);
            text[i * 3] = intern(e.method(), index, strings);
            text[i * 3 + 1] = intern(e.host(), index, strings);
            text[i * 3 + 2] = intern(e.path(), index, strings);
        }
        out.raw("\"strings\":[");
        for (int i = 0; i < strings.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            out.string(strings.get(i));
        }
        out.raw("],\"events\":[");
        long seq = 0;
        long time = 0;
        for (int i = 0; i < n; i++) {
            RequestEvent e = events.get(i);
            if (i > 0) {
                out.raw(',');
            }
            int flags = (e.error() ? ERROR : 0) | (e.answeredByProxy() ? ANSWERED_BY_PROXY : 0)
                    | (e.outsider() ? OUTSIDER : 0) | (hopsEndAtProxy(e) ? HOPS_END_AT_PROXY : 0);
            out.raw('[').number(e.seq() - seq).raw(',').number(e.time() - time)
                    .raw(',').number(ix.applyAsInt(e.fromId()))
                    .raw(',').number(ix.applyAsInt(e.proxyId()))
                    .raw(',').number(ix.applyAsInt(e.toId()))
                    .raw(',').number(e.status())
                    .raw(',').number(Math.round(e.durationMs() * 1000))
                    .raw(',').number(flags)
                    .raw(',').number(text[i * 3])
                    .raw(',').number(text[i * 3 + 1])
                    .raw(',').number(text[i * 3 + 2])
                    .raw(']');
            seq = e.seq();
            time = e.time();
        }
        out.raw(']');
    }

    /**
     * Writes {@code ,"folded":[[from, proxy, to, flags, count],...]}: events not sent one by one (over a batch's budget)
     * as counts per route and outcome, so the page can still account for them and show them as traffic.
     */
    static void writeFolded(JsonBytes out, List<RequestEvent> events, ToIntFunction<String> ix) {
        Map<List<Integer>, long[]> routes = new java.util.LinkedHashMap<>();
        for (RequestEvent e : events) {
            int flags = (e.error() ? ERROR : 0) | (e.answeredByProxy() ? ANSWERED_BY_PROXY : 0)
                    | (hopsEndAtProxy(e) ? HOPS_END_AT_PROXY : 0);
            List<Integer> key = List.of(ix.applyAsInt(e.fromId()), ix.applyAsInt(e.proxyId()),
                    ix.applyAsInt(e.toId()), flags);
            routes.computeIfAbsent(key, k -> new long[1])[0]++;
        }
        out.raw(",\"folded\":[");
        boolean first = true;
        for (Map.Entry<List<Integer>, long[]> r : routes.entrySet()) {
            if (!first) {
                out.raw(',');
            }
            first = false;
            List<Integer> k = r.getKey();
            out.raw('[').number(k.get(0)).raw(',').number(k.get(1)).raw(',').number(k.get(2)).raw(',').number(k.get(3))
                    .raw(',').number(r.getValue()[0]).raw(']');
        }
        out.raw(']');
    }

    private static int intern(String s, Map<String, Integer> index, List<String> strings) {
        if (s == null) {
            return -1;
        }
        Integer known = index.putIfAbsent(s, strings.size());
        if (known != null) {
            return known;
        }
        strings.add(s);
        return strings.size() - 1;
    }
}
