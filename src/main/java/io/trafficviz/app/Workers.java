package io.trafficviz.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;

/**
 * The fate of the worker threads ({@code tail:<path>}, {@code live-hub-flush}, {@code trafficviz-discovery-<proxy>},
 * {@code tail-watch}, {@code alert-engine}, {@code alert-sink-<name>}): each keeps going through the failures it
 * expects, but one that dies anyway (an Error such as OutOfMemoryError, or a bug) leaves the graph frozen (or the
 * alerts silent) while the web server still answers. So a worker's death is
 * recorded here, {@code /health} answers 503 naming it, and after {@link #graceMillis} the process exits with
 * {@value #EXIT_STATUS} so that its supervisor (systemd, Docker, Kubernetes) restarts it.
 *
 * <p>Only {@code serve} supervises ({@link #superviseProcess}): it sets the JVM's default uncaught-exception handler,
 * through which every thread's death passes, and which the workers' executors call for an Error they would otherwise
 * keep in a future nobody reads. In-process users (tests, replay) use {@link #unsupervised}.
 */
public final class Workers {
    /** EX_SOFTWARE of sysexits.h: an internal error. */
    public static final int EXIT_STATUS = 70;
    /** Long enough for a probe or a person to read {@code /health}, short enough not to serve a frozen graph long. */
    static final long DEFAULT_GRACE_MILLIS = 3_000;
    private static final Logger log = LoggerFactory.getLogger(Workers.class);

    private final Map<String, String> dead = new ConcurrentHashMap<>();
    private final CountDownLatch firstDeath = new CountDownLatch(1);
    private final long graceMillis;

    private Workers(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    /** Nothing is watched and nothing exits: for the app run inside another program. */
    public static Workers unsupervised() {
        return new Workers(-1);
    }

    /** Watches every thread of this JVM; the first death ends the process after the grace period. */
    public static Workers superviseProcess() {
        return supervise(DEFAULT_GRACE_MILLIS, status -> {
            // exit runs the shutdown hooks (offsets are saved); a hook that hangs must not keep a dead process up
            Thread halt = new Thread(() -> {
                sleep(10_000);
                Runtime.getRuntime().halt(status);
            }, "worker-death-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(status);
        });
    }

    /** As {@link #superviseProcess}, with the exit given (tests). */
    static Workers supervise(long graceMillis, IntConsumer exit) {
        Workers workers = new Workers(graceMillis);
        // Started now: after an OutOfMemoryError, starting a thread may itself fail.
        Thread watch = new Thread(() -> {
            try {
                workers.firstDeath.await();
            } catch (InterruptedException e) {
                return;
            }
            sleep(graceMillis);
            log.error("exiting with status {}: worker(s) died: {}", EXIT_STATUS, workers.dead.keySet());
            exit.accept(EXIT_STATUS);
        }, "worker-watch");
        watch.setDaemon(true);
        watch.start();
        Thread.setDefaultUncaughtExceptionHandler(workers::died);
        return workers;
    }

    void died(Thread thread, Throwable error) {
        dead.putIfAbsent(thread.getName(), String.valueOf(error));
        firstDeath.countDown();
        try {
            log.error("worker {} died; /health now says so and the process exits in {} ms (a supervisor restarts it)",
                    thread.getName(), graceMillis, error);
        } catch (Throwable logging) { // NOPMD: out of memory, logging may fail too; the death is recorded already
            System.err.println("worker " + thread.getName() + " died: " + error);
        }
    }

    /** Worker threads that died, by name, with what killed them. */
    public Map<String, String> dead() {
        return Map.copyOf(dead);
    }

    /** The {@code /health} document: {@code failed} (503) naming dead workers, else the tailers' verdict. */
    Map<String, Object> health(boolean tailersHealthy) {
        Map<String, Object> doc = new LinkedHashMap<>();
        if (!dead.isEmpty()) {
            doc.put("status", "failed");
            doc.put("deadWorkers", new java.util.TreeMap<>(dead));
            doc.put("exiting", graceMillis >= 0);
            return doc;
        }
        doc.put("status", tailersHealthy ? "ok" : "degraded");
        return doc;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
