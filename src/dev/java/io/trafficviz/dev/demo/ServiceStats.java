package io.trafficviz.dev.demo;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a demo service (or the load generator) actually did: requests received and the statuses it answered, and the
 * calls it made, per target, with the statuses it got ({@link HttpResult#NO_RESPONSE} when none came). Tests compare
 * these counts with what trafficviz saw in the proxies' logs. Thread-safe.
 */
public final class ServiceStats {
    private final String name;
    private final AtomicLong received = new AtomicLong();
    private final Map<Integer, AtomicLong> answered = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, AtomicLong>> calls = new ConcurrentHashMap<>();

    public ServiceStats(String name) {
        this.name = name;
    }

    public void received() {
        received.incrementAndGet();
    }

    public void answered(int status) {
        answered.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
    }

    public void called(String target, int status) {
        calls.computeIfAbsent(target, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
    }

    public Snapshot snapshot() {
        Map<String, Map<Integer, Long>> c = new TreeMap<>();
        calls.forEach((target, byStatus) -> c.put(target, copy(byStatus)));
        return new Snapshot(name, received.get(), copy(answered), c);
    }

    private static Map<Integer, Long> copy(Map<Integer, AtomicLong> m) {
        Map<Integer, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * @param received requests that reached the service (internal {@code /_stats} and {@code /_health} excluded)
     * @param answered status → how many responses the service sent with it
     * @param calls    target → status → how many calls to it ended so
     */
    public record Snapshot(String name, long received, Map<Integer, Long> answered,
                           Map<String, Map<Integer, Long>> calls) {

        public long answered(int status) {
            return answered.getOrDefault(status, 0L);
        }

        public long answeredTotal() {
            return answered.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Calls made to one target, whatever came back. */
        public long callsTo(String target) {
            Map<Integer, Long> m = calls.get(target);
            return m == null ? 0 : m.values().stream().mapToLong(Long::longValue).sum();
        }

        public long callsTo(String target, int status) {
            Map<Integer, Long> m = calls.get(target);
            return m == null ? 0 : m.getOrDefault(status, 0L);
        }

        public long callsTotal() {
            return calls.keySet().stream().mapToLong(this::callsTo).sum();
        }

        /** Both counts added up (a service restarted as a new process counts from zero again). */
        public Snapshot plus(Snapshot other) {
            Map<Integer, Long> a = new TreeMap<>(answered);
            other.answered.forEach((k, v) -> a.merge(k, v, Long::sum));
            Map<String, Map<Integer, Long>> c = new TreeMap<>();
            calls.forEach((t, m) -> c.put(t, new TreeMap<>(m)));
            other.calls.forEach((t, m) -> m.forEach((k, v) -> c.computeIfAbsent(t, x -> new TreeMap<>()).merge(k, v, Long::sum)));
            return new Snapshot(name, received + other.received, a, c);
        }
    }
}
