package io.trafficviz.dev.demo;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the outside users: sends {@code GET} requests to the public proxy from its own source address, either
 * at a steady rate in the background ({@link #startSteady}) or as a counted batch ({@link #send(int)}). It counts what
 * it sent and the statuses it got, in a {@link ServiceStats} whose calls are keyed by the Host header used.
 */
public final class LoadGenerator implements AutoCloseable {
    private final URI target;
    private final String hostHeader;
    private final BoundHttpClient client;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final ServiceStats stats = new ServiceStats("load-generator");
    private final AtomicLong skipped = new AtomicLong();
    private final ExecutorService workers;
    private final ScheduledExecutorService ticker;
    private ScheduledFuture<?> steady;

    /**
     * @param target        the URL to request, e.g. the public proxy's entry point
     * @param hostHeader    the Host header to send (e.g. {@code public.localhost}), or null for the URL's authority
     * @param sourceAddress the address requests come from, or null for the system's choice
     * @param maxInFlight   requests allowed to be outstanding at once; a steady tick beyond it is skipped and counted
     */
    public LoadGenerator(URI target, String hostHeader, InetAddress sourceAddress, int maxInFlight, int timeoutMillis) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.target = target;
        this.hostHeader = hostHeader;
        this.client = new BoundHttpClient(sourceAddress, Math.min(timeoutMillis, 5_000), timeoutMillis);
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(maxInFlight, r -> {
            Thread t = new Thread(r, "load-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-ticker");
            t.setDaemon(true);
            return t;
        });
    }

    public URI target() {
        return target;
    }

    public String hostHeader() {
        return hostHeader;
    }

    public InetAddress sourceAddress() {
        return client.localAddress();
    }

    public ServiceStats stats() {
        return stats;
    }

    /** Steady ticks that found {@code maxInFlight} requests still outstanding and sent nothing. */
    public long skipped() {
        return skipped.get();
    }

    /** Sends one request to the target with this generator's Host header, and counts it. */
    public HttpResult sendOnce() {
        return send(hostHeader, target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath());
    }

    /** Sends one request to the target's address with another Host header and path, and counts it under that host. */
    public HttpResult send(String host, String path) {
        URI uri = target.resolve(path);
        HttpResult r = client.get(uri, host, Map.of());
        stats.called(host == null ? target.getAuthority() : host, r.status());
        return r;
    }

    /** Sends {@code count} requests, at most {@code maxInFlight} at a time, and returns once all have answered. */
    public List<HttpResult> send(int count) {
        List<Future<HttpResult>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquireUninterruptibly();
            futures.add(workers.submit(() -> {
                try {
                    return sendOnce();
                } finally {
                    inFlight.release();
                }
            }));
        }
        List<HttpResult> results = new ArrayList<>(count);
        for (Future<HttpResult> f : futures) {
            try {
                results.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return results;
    }

    /** Starts sending {@code ratePerSecond} requests a second in the background until {@link #stopSteady()}. */
    public synchronized void startSteady(double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        if (steady != null) {
            throw new IllegalStateException("already sending");
        }
        long periodNanos = Math.max(1_000L, (long) (1_000_000_000L / ratePerSecond));
        steady = ticker.scheduleAtFixedRate(() -> {
            if (!inFlight.tryAcquire()) {
                skipped.incrementAndGet();
                return;
            }
            try {
                workers.execute(() -> {
                    try {
                        sendOnce();
                    } finally {
                        inFlight.release();
                    }
                });
            } catch (RuntimeException e) {
                inFlight.release();
            }
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Stops the steady load and waits (up to {@code timeoutMillis}) for requests still outstanding. */
    public synchronized void stopSteady(long timeoutMillis) {
        if (steady != null) {
            steady.cancel(false);
            steady = null;
        }
        try {
            if (inFlight.tryAcquire(maxInFlight, timeoutMillis, TimeUnit.MILLISECONDS)) {
                inFlight.release(maxInFlight);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void stopSteady() {
        stopSteady(10_000);
    }

    @Override
    public void close() {
        stopSteady(5_000);
        ticker.shutdownNow();
        workers.shutdownNow();
    }
}
