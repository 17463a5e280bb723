package io.trafficviz.resolve;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Asynchronous, cached reverse DNS. The first request for an address answers null and starts a lookup; once it
 * completes, later requests answer the name. In Docker this yields container names.
 */
public final class ReverseDns implements AutoCloseable {
    private static final String NONE = "";
    private static final int MAX_ENTRIES = 10_000;

    private final Map<String, String> cache = new ConcurrentHashMap<>();
    private final ExecutorService lookups = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "reverse-dns");
        t.setDaemon(true);
        return t;
    });
    private final Runnable onAnswer;

    public ReverseDns(Runnable onAnswer) {
        this.onAnswer = onAnswer;
    }

    public String nameOf(String address) {
        String cached = cache.get(address);
        if (cached != null) {
            return cached.isEmpty() ? null : cached;
        }
        if (cache.size() >= MAX_ENTRIES) {
            return null;
        }
        if (cache.putIfAbsent(address, NONE) == null) {
            try {
                lookups.execute(() -> {
                    String name = lookup(address);
                    if (name != null) {
                        cache.put(address, name);
                        onAnswer.run();
                    }
                });
            } catch (RejectedExecutionException closed) {
                // shutting down
            }
        }
        return null;
    }

    private static String lookup(String address) {
        try {
            String host = InetAddress.getByName(address).getCanonicalHostName();
            return host.equals(address) ? null : shorten(host);
        } catch (Exception e) {
            return null;
        }
    }

    /** Docker answers {@code container.network}; the container name is what people know. */
    static String shorten(String host) {
        int dot = host.indexOf('.');
        return dot > 0 && !Character.isDigit(host.charAt(0)) ? host.substring(0, dot) : host;
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }
}
