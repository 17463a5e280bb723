package io.trafficviz.ingest;

import io.trafficviz.config.Cidr;
import io.trafficviz.model.NodeId;
import io.trafficviz.model.NodeKind;
import io.trafficviz.telemetry.CallerTraffic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per caller and proxy, requests and how many of them matched no router; per external node, proxy and client prefix
 * the same and errors. Under ingest's lock, like the graph. Bounded: past {@link #MAX_PAIRS} caller–proxy pairs or
 * {@link #MAX_PREFIXES} prefixes, new ones are only counted as untracked (caller nodes are capped by the graph already;
 * prefixes of the outside world are not, and a scan from a /8 would otherwise grow this without end).
 */
final class CallerTally {
    static final int MAX_PAIRS = 20_000;
    static final int MAX_PREFIXES = 10_000;
    private static final int ADDRESS_CACHE = 4_096;

    /** caller → proxy → {requests, unrouted}; NodeIds are the resolver's cached instances: no key built per line. */
    private final Map<NodeId, Map<NodeId, long[]>> pairs = new HashMap<>();
    /** external node → proxy → prefix → {requests, unrouted, errors}. */
    private final Map<NodeId, Map<NodeId, Map<String, long[]>>> prefixes = new HashMap<>();
    /**
     * Address → its prefix text: callers repeat, and parsing a literal per line is the costly part. Emptied when full
     * (a plain map: an access-ordered one would relink an entry on every line).
     */
    private final Map<String, String> prefixOf = new HashMap<>();
    private int pairCount;
    private int prefixCount;
    private long untracked;

    /**
     * A request from {@code caller} to {@code proxy}; {@code unrouted}: Traefik answered it itself because no router
     * matched. {@code address}: the client address as logged (only read for external callers).
     */
    void record(NodeId caller, NodeId proxy, String address, boolean unrouted, boolean error) {
        Map<NodeId, long[]> byProxy = pairs.get(caller);
        long[] counts = byProxy == null ? null : byProxy.get(proxy);
        if (counts == null) {
            if (pairCount >= MAX_PAIRS) {
                untracked++;
                return;
            }
            counts = new long[2];
            pairs.computeIfAbsent(caller, c -> new HashMap<>()).put(proxy, counts);
            pairCount++;
        }
        counts[0]++;
        if (unrouted) {
            counts[1]++;
        }
        if (caller.kind() == NodeKind.EXTERNAL) {
            recordPrefix(caller, proxy, address, unrouted, error);
        }
    }

    private void recordPrefix(NodeId external, NodeId proxy, String address, boolean unrouted, boolean error) {
        String prefix = address == null ? null : prefixOf.get(address);
        if (prefix == null && address != null) {
            prefix = prefix(address);
            if (prefix != null) {
                if (prefixOf.size() >= ADDRESS_CACHE) {
                    prefixOf.clear();
                }
                prefixOf.put(address, prefix);
            }
        }
        if (prefix == null) {
            prefix = "unknown";
        }
        Map<String, long[]> byPrefix = prefixes.computeIfAbsent(external, e -> new HashMap<>())
                .computeIfAbsent(proxy, p -> new HashMap<>());
        long[] counts = byPrefix.get(prefix);
        if (counts == null) {
            if (prefixCount >= MAX_PREFIXES) {
                untracked++;
                return;
            }
            counts = new long[3];
            byPrefix.put(prefix, counts);
            prefixCount++;
        }
        counts[0]++;
        if (unrouted) {
            counts[1]++;
        }
        if (error) {
            counts[2]++;
        }
    }

    /** {@code 203.0.113.0/24}, {@code 2001:db8:1::/48}, or null when {@code address} is not an IP literal. */
    static String prefix(String address) {
        byte[] bytes = Cidr.literalBytes(address);
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + ".0/24";
        }
        StringBuilder out = new StringBuilder(24);
        for (int i = 0; i < 6; i += 2) {
            out.append(Integer.toHexString((bytes[i] & 0xFF) << 8 | (bytes[i + 1] & 0xFF))).append(':');
        }
        return out.append(":/48").toString();
    }

    CallerTraffic snapshot() {
        List<CallerTraffic.Caller> callers = new ArrayList<>(pairCount);
        pairs.forEach((caller, byProxy) -> byProxy.forEach((proxy, c) ->
                callers.add(new CallerTraffic.Caller(caller.text(), proxy.text(), c[0], c[1]))));
        List<CallerTraffic.Prefix> rows = new ArrayList<>(prefixCount);
        prefixes.forEach((external, byProxy) -> byProxy.forEach((proxy, byPrefix) -> byPrefix.forEach((prefix, c) ->
                rows.add(new CallerTraffic.Prefix(external.text(), proxy.text(), prefix, c[0], c[1], c[2])))));
        return new CallerTraffic(callers, rows, untracked);
    }
}
