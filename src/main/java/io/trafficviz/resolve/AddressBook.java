package io.trafficviz.resolve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which workload lives at which address, merged from every proxy's discovery. Discovery threads replace one proxy's
 * part at a time; readers see an immutable merged map and a version that changes whenever it does (so resolution
 * caches know when to forget).
 */
public final class AddressBook {
    private final Map<String, Map<String, Workload>> byProxy = new LinkedHashMap<>();
    private volatile Map<String, List<Workload>> merged = Map.of();
    private final AtomicLong version = new AtomicLong();

    public AddressBook() {
    }

    /**
     * Merges the proxies' parts in this order (the config's), whichever discovery answers first: a workload two proxies
     * know is then found as the first of them knows it, the same on every run.
     */
    public AddressBook(List<String> proxyKeysInOrder) {
        proxyKeysInOrder.forEach(key -> byProxy.put(key, Map.of()));
    }

    /** Replaces what one proxy ({@code server/proxy}) knows: address → workload. */
    public synchronized void replace(String proxyKey, Map<String, Workload> addresses) {
        if (addresses.equals(byProxy.get(proxyKey))) {
            return;
        }
        byProxy.put(proxyKey, Map.copyOf(addresses));
        Map<String, List<Workload>> next = new HashMap<>();
        for (Map<String, Workload> part : byProxy.values()) {
            part.forEach((address, workload) -> {
                List<Workload> list = next.computeIfAbsent(address, k -> new ArrayList<>(1));
                if (!list.contains(workload)) {
                    list.add(workload);
                }
            });
        }
        merged = next;
        version.incrementAndGet();
    }

    /**
     * The workload at an address, preferring one on {@code preferredServer}: private addresses repeat across servers
     * (every Docker host has a 172.17.0.2), and a caller is most likely local to the proxy it called.
     */
    public Workload lookup(String address, String preferredServer) {
        List<Workload> candidates = merged.get(address);
        if (candidates == null) {
            return null;
        }
        for (Workload w : candidates) {
            if (w.server().equals(preferredServer)) {
                return w;
            }
        }
        return candidates.get(0);
    }

    public long version() {
        return version.get();
    }

    /** Called when something else that affects resolution (a reverse-DNS answer) arrives. */
    public void touch() {
        version.incrementAndGet();
    }
}
