package io.trafficviz.publish.wire;

import io.trafficviz.model.NodeId;
import io.trafficviz.model.RequestEvent;

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
public final class CompactEvents {
    /** Flag bits, the 8th element of an event. */
    public static final int ERROR = 1;
    public static final int ANSWERED_BY_PROXY = 2;
    public static final int OUTSIDER = 4;
    /** The hops are [from, proxy]: the proxy answered, or it forwarded to another proxy whose own line goes on. */
    public static final int HOPS_END_AT_PROXY = 8;

    private CompactEvents() {
    }

    /** Whether the event's journey ends at its proxy (the same rule as {@link EventJson}'s hops). */
    public static boolean hopsEndAtProxy(RequestEvent e) {
        return hopsEndAtProxy(e.answeredByProxy(), e.toId());
    }

    /** The proxy answered itself, or forwarded to another proxy whose own line carries the rest of the journey. */
    private static boolean hopsEndAtProxy(boolean answeredByProxy, String toId) {
        return answeredByProxy || isProxyId(toId);
    }

    /** Whether a node id names a proxy or a gateway (docs/protocol.md, "Node ids"). */
    private static boolean isProxyId(String nodeId) {
        return NodeId.isProxyText(nodeId);
    }

    /**
     * An event's numbers: seq, time (both as deltas), from, proxy, to, status, micros, flags, method, host, path; a
     * twelfth, the request id's string, only when the event has one.
     */
    private static final int EVENT_FIELDS = 11;
    private static final int TEXTS = 4;

    /**
     * Writes {@code "strings":[...],"events":[[...],...]} for {@code events}, in their order. {@code ix} gives a node
     * id's announced index. Sequence numbers and times are deltas from the previous event of the array (the first
     * from 0), as they mostly differ by little.
     *
     * <p>Each loop is a method of its own, so that the JIT compiles (and, after a burst's first over-budget batch,
     * recompiles) three small methods rather than one with everything inlined into it.
     */
    public static void write(JsonBytes out, List<RequestEvent> events, ToIntFunction<String> ix) {
        List<String> strings = new ArrayList<>();
        int[] text = internTexts(events, strings);
        out.raw("\"strings\":[");
        writeStrings(out, strings);
        out.raw("],\"events\":[");
        writeEvents(out, events, text, ix);
        out.raw(']');
    }

    /**
     * Each event's method, host, path and request id as an index into {@code strings}, which gets each distinct text
     * once (a request id that crossed two proxies within a batch is sent once).
     */
    private static int[] internTexts(List<RequestEvent> events, List<String> strings) {
        int n = events.size();
        int[] text = new int[n * TEXTS];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            RequestEvent e = events.get(i);
            text[i * TEXTS] = intern(e.method(), index, strings);
            text[i * TEXTS + 1] = intern(e.host(), index, strings);
            text[i * TEXTS + 2] = intern(e.path(), index, strings);
            text[i * TEXTS + 3] = intern(e.requestId(), index, strings);
        }
        return text;
    }

    private static void writeStrings(JsonBytes out, List<String> strings) {
        for (int i = 0; i < strings.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            out.string(strings.get(i));
        }
    }

    private static void writeEvents(JsonBytes out, List<RequestEvent> events, int[] text, ToIntFunction<String> ix) {
        long[] row = new long[EVENT_FIELDS + 1];
        long seq = 0;
        long time = 0;
        for (int i = 0; i < events.size(); i++) {
            RequestEvent e = events.get(i);
            if (i > 0) {
                out.raw(',');
            }
            row[0] = e.seq() - seq;
            row[1] = e.time() - time;
            row[2] = ix.applyAsInt(e.fromId());
            row[3] = ix.applyAsInt(e.proxyId());
            row[4] = ix.applyAsInt(e.toId());
            row[5] = e.status();
            row[6] = Math.round(e.durationMs() * 1000);
            row[7] = (e.error() ? ERROR : 0) | (e.answeredByProxy() ? ANSWERED_BY_PROXY : 0)
                    | (e.outsider() ? OUTSIDER : 0) | (hopsEndAtProxy(e) ? HOPS_END_AT_PROXY : 0);
            row[8] = text[i * TEXTS];
            row[9] = text[i * TEXTS + 1];
            row[10] = text[i * TEXTS + 2];
            row[11] = text[i * TEXTS + 3];
            out.raw('[').numbers(row, row[11] < 0 ? EVENT_FIELDS : EVENT_FIELDS + 1).raw(']');
            seq = e.seq();
            time = e.time();
        }
    }

    /**
     * The flags of a folded route (docs/protocol.md, "Folded requests"): bits 1, 2 and 8 as in an event; whether the
     * caller is an outsider is not kept for counts.
     */
    public static int foldedFlags(boolean error, boolean answeredByProxy, String toId) {
        return (error ? ERROR : 0) | (answeredByProxy ? ANSWERED_BY_PROXY : 0)
                | (hopsEndAtProxy(answeredByProxy, toId) ? HOPS_END_AT_PROXY : 0);
    }

    public static int foldedFlags(RequestEvent e) {
        return foldedFlags(e.error(), e.answeredByProxy(), e.toId());
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
