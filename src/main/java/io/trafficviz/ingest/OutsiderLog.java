package io.trafficviz.ingest;

import io.trafficviz.telemetry.OutsiderSnapshot;
import io.trafficviz.telemetry.OutsiderSnapshot.Entry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests that reached a private proxy from a caller it should not hear from (see the outsider rule in
 * {@code RequestResolver}): how many in all and per private proxy, and the most recent ones. Recorded whether or not
 * anyone watches the live views, so {@code /network_info} can answer "who got in" after the fact. Not thread-safe:
 * the pipeline calls it under its lock.
 */
public final class OutsiderLog {
    /** How many recent requests are kept. */
    public static final int RECENT = 50;
    /** Paths are attacker-controlled and may be long; what is kept of each. */
    static final int MAX_PATH_CHARS = 512;

    private long count;
    private final Map<String, Long> byProxy = new LinkedHashMap<>();
    private final ArrayDeque<Entry> recent = new ArrayDeque<>(RECENT);

    /** @param privateProxies {@code server/proxy} keys of the private proxies, listed with 0 until one is reached */
    OutsiderLog(Collection<String> privateProxies) {
        privateProxies.forEach(key -> byProxy.put(key, 0L));
    }

    void record(Entry entry) {
        count++;
        byProxy.merge(entry.server() + "/" + entry.proxy(), 1L, Long::sum);
        String path = entry.path();
        if (path != null && path.length() > MAX_PATH_CHARS) {
            entry = new Entry(entry.time(), entry.server(), entry.proxy(), entry.from(), entry.fromId(),
                    entry.address(), entry.method(), path.substring(0, MAX_PATH_CHARS) + "…", entry.status());
        }
        if (recent.size() == RECENT) {
            recent.removeFirst();
        }
        recent.addLast(entry);
    }

    OutsiderSnapshot snapshot() {
        List<Entry> newestFirst = new ArrayList<>(recent.size());
        for (Iterator<Entry> it = recent.descendingIterator(); it.hasNext(); ) {
            newestFirst.add(it.next());
        }
        return new OutsiderSnapshot(count, byProxy, newestFirst);
    }
}
