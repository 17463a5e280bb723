package io.trafficviz.publish.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The hub's one thread, {@code live-hub-flush}: runs its tick every {@code periodMillis} ms, and between two ticks the
 * tasks given to {@link #execute} (a client's hello, a disconnect), so they never overlap a batch. Without a thread
 * (tests that tick by hand) a task runs on the caller. A failing tick or task is logged; the next one still runs.
 */
final class Flusher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveHub.class);

    private final ScheduledExecutorService executor;

    /** @param tick null: no thread, the owner ticks itself */
    Flusher(Runnable tick, long periodMillis) {
        if (tick == null) {
            executor = null;
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "live-hub-flush");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(safely(tick, "live flush failed"), periodMillis, periodMillis,
                TimeUnit.MILLISECONDS);
    }

    void execute(Runnable task) {
        Runnable safe = safely(task, "live hub task failed");
        if (executor == null) {
            safe.run();
            return;
        }
        try {
            executor.execute(safe);
        } catch (RejectedExecutionException e) {
            // Shutting down: nobody will be sent anything any more.
        }
    }

    private static Runnable safely(Runnable task, String failure) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn(failure, e);
            } catch (Error e) {
                // The executor would keep it in a future nobody reads and quietly stop ticking: the thread's
                // handler (the process's supervisor under serve) must hear that the live stream is dead.
                Thread self = Thread.currentThread();
                self.getUncaughtExceptionHandler().uncaughtException(self, e);
                throw e;
            }
        };
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
