package io.trafficviz.discovery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps one proxy's inventory up to date: reads it from the Traefik API (preferred) or the proxy's file-provider
 * configuration, right away on {@link #start()} and then every refresh interval, on its own daemon thread.
 *
 * <p>On failure the last good inventory is kept and the source is retried after 1 s, 2 s, 4 s, … up to the
 * refresh interval. When the API fails but a file-provider path is configured, the file is read instead and the
 * state is {@code OK} with source {@code FILE} and the API's error (see {@link DiscoveryState}). Each change of
 * condition is logged once, not every retry.
 *
 * <p>After every successful refresh the state (including the resolved {@link AddressIndex}) is updated first, then
 * the listener is called on the poller thread with the inventory, even when it did not change; a listener that
 * throws is logged and does not stop the polling.
 */
public final class DiscoveryPoller implements AutoCloseable {
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryPoller.class);

    private final String proxyName;
    private final TraefikApiClient api;
    private final FileProviderReader file;
    private final Duration refreshInterval;
    private final Backoff backoff;
    private final Consumer<ProxyInventory> listener;
    private final AddressIndex.HostResolver resolver;
    /** Serialises refreshes (the scheduled one and {@link #refreshNow()}); {@link #state()} never waits for it. */
    private final Object refreshLock = new Object();

    private volatile DiscoveryState state;
    private volatile ScheduledExecutorService executor;
    private volatile boolean closed;
    /** The condition last logged, so that retries in the same condition stay quiet. */
    private String loggedCondition;
    private List<String> loggedUnresolvable = List.of();
    /** Whether the listener failed on the previous call, so a listener that keeps failing logs one stack trace. */
    private boolean listenerFailing;

    /**
     * @param proxyName        the proxy's configured name (for logs and the thread name)
     * @param apiUrl           Traefik API base URL, e.g. {@code http://user:pass@127.0.0.1:8080}; null for none
     * @param fileProviderPath the proxy's file-provider file or directory; null for none
     * @param refreshInterval  time between refreshes when healthy; null for {@link #DEFAULT_REFRESH_INTERVAL}
     * @param listener         receives every successfully read inventory; may be null
     * @throws IllegalArgumentException when the API URL is unusable
     */
    public DiscoveryPoller(String proxyName, String apiUrl, Path fileProviderPath, Duration refreshInterval,
                           Consumer<ProxyInventory> listener) {
        this(proxyName, apiUrl, fileProviderPath, refreshInterval, DEFAULT_INITIAL_BACKOFF, listener);
    }

    /** As {@link #DiscoveryPoller(String, String, Path, Duration, Consumer)}, with the first retry delay too. */
    public DiscoveryPoller(String proxyName, String apiUrl, Path fileProviderPath, Duration refreshInterval,
                           Duration initialBackoff, Consumer<ProxyInventory> listener) {
        this(proxyName, apiUrl == null || apiUrl.isBlank() ? null : new TraefikApiClient(apiUrl),
                fileProviderPath == null ? null : new FileProviderReader(fileProviderPath), refreshInterval,
                initialBackoff, listener, AddressIndex.SYSTEM_RESOLVER);
    }

    DiscoveryPoller(String proxyName, TraefikApiClient api, FileProviderReader file, Duration refreshInterval,
                    Duration initialBackoff, Consumer<ProxyInventory> listener, AddressIndex.HostResolver resolver) {
        this.proxyName = Objects.requireNonNull(proxyName, "proxyName");
        this.api = api;
        this.file = file;
        this.refreshInterval = refreshInterval == null ? DEFAULT_REFRESH_INTERVAL : refreshInterval;
        if (this.refreshInterval.isNegative() || this.refreshInterval.isZero()) {
            throw new IllegalArgumentException("refresh interval must be positive, got " + refreshInterval);
        }
        Duration firstRetry = initialBackoff == null ? DEFAULT_INITIAL_BACKOFF : initialBackoff;
        this.backoff = new Backoff(min(firstRetry, this.refreshInterval), this.refreshInterval);
        this.listener = listener == null ? inventory -> { } : listener;
        this.resolver = resolver;
        this.state = api == null && file == null ? DiscoveryState.none() : DiscoveryState.pending();
    }

    /** The proxy this poller discovers. */
    public String proxyName() {
        return proxyName;
    }

    /** The current state; never blocks. */
    public DiscoveryState state() {
        return state;
    }

    /**
     * Refreshes now and then keeps refreshing on a daemon thread. With nothing configured the state stays
     * {@code NONE} and no thread is started.
     *
     * @throws IllegalStateException when already started or closed
     */
    public synchronized void start() {
        if (closed || executor != null) {
            throw new IllegalStateException("discovery for " + proxyName + " was already "
                    + (closed ? "closed" : "started"));
        }
        if (api == null && file == null) {
            LOG.info("proxy {}: no Traefik API URL and no file-provider path; services will not be discovered",
                    proxyName);
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "trafficviz-discovery-" + proxyName);
            thread.setDaemon(true);
            return thread;
        });
        executor.execute(this::refreshAndReschedule);
    }

    /**
     * Refreshes on the calling thread (waiting for a refresh already in progress) and returns the new state.
     * Meant for tests and for an explicit "reload" request; it does not change the schedule.
     */
    public DiscoveryState refreshNow() {
        synchronized (refreshLock) {
            if (api == null && file == null) {
                return state;
            }
            DiscoveryState next = refresh(state);
            if (closed && Thread.currentThread().isInterrupted()) {
                // close() interrupted this refresh: its "interrupted" failure says nothing about the proxy.
                return state;
            }
            state = next;
            logIfConditionChanged(next);
            if (next.status() == DiscoveryState.Status.OK) {
                notifyListener(next.inventory());
            }
            return next;
        }
    }

    /** Stops the poller thread; the last state stays readable. */
    @Override
    public synchronized void close() {
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                    LOG.warn("proxy {}: discovery thread did not stop within 2 s", proxyName);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void refreshAndReschedule() {
        DiscoveryState current;
        try {
            current = refreshNow();
        } catch (RuntimeException e) {
            // A bug must not end discovery for good: keep the state and try again later.
            LOG.error("proxy {}: unexpected error during discovery", proxyName, e);
            current = state;
        } catch (Error e) {
            // The executor would keep it in a future nobody reads: the thread's handler (the process's supervisor
            // under serve) must hear that discovery is dead.
            Thread self = Thread.currentThread();
            self.getUncaughtExceptionHandler().uncaughtException(self, e);
            throw e;
        }
        Duration delay = backoff.delayAfter(current.consecutiveFailures());
        try {
            ScheduledExecutorService scheduler = executor;
            if (scheduler != null && !scheduler.isShutdown()) {
                scheduler.schedule(this::refreshAndReschedule, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // Closed while refreshing: nothing more to do.
        }
    }

    private DiscoveryState refresh(DiscoveryState previous) {
        String apiError = null;
        if (api != null) {
            try {
                ProxyInventory inventory = api.fetchInventory();
                return succeeded(inventory, DiscoveryState.Source.API, api.lastCut(), 0);
            } catch (DiscoveryException e) {
                apiError = "API " + e.getMessage();
            }
        }
        // The API (when configured) is the preferred source; its failures drive the backoff even when the file
        // fallback works, so that the API is retried soon but not hammered.
        int failures = previous.consecutiveFailures() + 1;
        if (file != null) {
            try {
                String note = apiError == null ? null : apiError + " (using the file provider instead)";
                return succeeded(file.read(), DiscoveryState.Source.FILE, note, api == null ? 0 : failures);
            } catch (DiscoveryException e) {
                String fileError = "file provider: " + e.getMessage().replaceFirst("^file provider ", "");
                apiError = apiError == null ? fileError : apiError + "; " + fileError;
            }
        }
        return new DiscoveryState(DiscoveryState.Status.DOWN, previous.source(), previous.lastRefreshMillis(),
                apiError, failures, previous.inventory(), previous.addresses());
    }

    private DiscoveryState succeeded(ProxyInventory inventory, DiscoveryState.Source source, String error,
                                     int failures) {
        AddressIndex addresses = AddressIndex.build(inventory.services(), resolver);
        return new DiscoveryState(DiscoveryState.Status.OK, source, inventory.fetchedAtMillis(), error, failures,
                inventory, addresses);
    }

    private void notifyListener(ProxyInventory inventory) {
        try {
            listener.accept(inventory);
            listenerFailing = false;
        } catch (RuntimeException e) {
            if (listenerFailing) {
                LOG.debug("proxy {}: discovery listener failed again: {}", proxyName, e.toString());
            } else {
                LOG.warn("proxy {}: discovery listener failed (logged once until it succeeds again)", proxyName, e);
            }
            listenerFailing = true;
        }
    }

    private void logIfConditionChanged(DiscoveryState next) {
        String condition = next.status() + "/" + next.source() + "/" + (next.error() != null);
        if (condition.equals(loggedCondition)) {
            LOG.debug("proxy {}: discovery {} ({} failures in a row): {}", proxyName, next.status(),
                    next.consecutiveFailures(), next.error());
        } else {
            loggedCondition = condition;
            logCondition(next);
        }
        if (next.addresses() != null && !next.addresses().unresolvableHosts().equals(loggedUnresolvable)) {
            loggedUnresolvable = next.addresses().unresolvableHosts();
            if (!loggedUnresolvable.isEmpty()) {
                LOG.warn("proxy {}: cannot resolve server host(s) {}; callers from them will not be recognised",
                        proxyName, loggedUnresolvable);
            }
        }
    }

    private void logCondition(DiscoveryState next) {
        ProxyInventory inventory = next.inventory();
        switch (next.status()) {
            case OK -> {
                String from = next.source() == DiscoveryState.Source.API
                        ? "Traefik " + inventory.version() + " API at " + api.displayUrl()
                        : "file provider " + file.path();
                if (next.error() == null) {
                    LOG.info("proxy {}: discovered {} routers and {} services from {}", proxyName,
                            inventory.routers().size(), inventory.services().size(), from);
                } else {
                    LOG.warn("proxy {}: {}; discovered {} routers and {} services from {}", proxyName, next.error(),
                            inventory.routers().size(), inventory.services().size(), from);
                }
            }
            case DOWN -> LOG.warn("proxy {}: discovery failed, {}; retrying with backoff up to every {}: {}",
                    proxyName, inventory == null ? "no inventory yet" : "keeping the inventory of " + next.source(),
                    human(refreshInterval), next.error());
            default -> LOG.debug("proxy {}: discovery {}", proxyName, next.status());
        }
    }

    private static String human(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
