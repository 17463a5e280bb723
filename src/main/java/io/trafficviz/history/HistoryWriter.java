package io.trafficviz.history;

import io.trafficviz.ingest.EventListener;
import io.trafficviz.ingest.LiveRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Takes every request off ingest's thread as a value ({@link HistoryRow}) into a bounded queue; one thread
 * ({@code history-writer}) appends them to the store in batches. Ingest never waits: when the queue is full, or the
 * store fails, the requests are dropped and the gap recorded ({@link Gaps}). The writer also drops what retention
 * says is too old, once a minute.
 */
public final class HistoryWriter implements EventListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryWriter.class);
    /** Rows waiting for the store: at most this many, and at most {@link #maxQueuedBytes} of them. */
    static final int QUEUE_ROWS = 65_536;
    static final int BATCH_ROWS = 16_384;
    private static final long RETENTION_EVERY_MILLIS = 60_000;
    /** At most one line about the store failing, recovering or leaving a gap per this long (the metrics count on). */
    private static final long OUTAGE_LOG_EVERY_NANOS = 10L * 60 * 1_000_000_000L;
    static final String QUEUE_FULL = "queue full";
    static final String STORE_FAILED = "store failed";

    private final HistoryStore store;
    private final BlockingQueue<Queued> queue;
    private final Gaps gaps = new Gaps();
    private final long retentionMillis;
    private final long maxBytes;
    private final LongSupplier clock;
    private final Thread thread;
    private final boolean waitWhenFull;
    /**
     * The queue's bound in bytes: a row is ~200 bytes, but its path is what the client sent (up to the line limit), so
     * 65,536 rows of long URLs while the writer waits on a checkpoint or a full disk could take gigabytes. A sixteenth
     * of the heap, at most 64 MiB.
     */
    final long maxQueuedBytes = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16);
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;
    private volatile String failure;
    private volatile long stored;
    /** How many rows the writer has taken from the queue (stored or dropped); ingest's side counts what it offered. */
    private volatile long handled;
    /** Written under ingest's lock (one thread at a time), read by anyone. */
    private volatile long offered;
    private volatile long queueDropped;
    private long lastRetention;
    private long lastOutageLogNanos = System.nanoTime() - OUTAGE_LOG_EVERY_NANOS;

    /**
     * @param waitWhenFull whether ingest waits for room in the queue instead of dropping: for replay and import,
     *                     where the reader can slow down and nothing live suffers; never for serve
     */
    public HistoryWriter(HistoryStore store, long retentionMillis, long maxBytes, LongSupplier clock,
                         boolean waitWhenFull) {
        this(store, retentionMillis, maxBytes, clock, QUEUE_ROWS, waitWhenFull);
    }

    HistoryWriter(HistoryStore store, long retentionMillis, long maxBytes, LongSupplier clock, int queueRows,
                  boolean waitWhenFull) {
        this.waitWhenFull = waitWhenFull;
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(queueRows);
        this.retentionMillis = retentionMillis;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.thread = new Thread(this::run, "history-writer");
        thread.setDaemon(true);
    }

    public HistoryWriter start() {
        thread.start();
        return this;
    }

    @Override
    public boolean wantsEvents() {
        return true;
    }

    /** Ingest's thread, under its lock: a value into the queue, or a gap; never waits. */
    @Override
    public void onRequest(LiveRequest request) {
        offer(HistoryRow.of(request));
    }

    void offer(HistoryRow row) {
        offered++;
        long size = row.queuedBytes();
        if (waitWhenFull) {
            boolean counted = false;
            try {
                // A replay or an import may wait for room; by bytes the queue has no lock to wait on: poll.
                while (queuedBytes.get() + size > maxQueuedBytes && queuedBytes.get() > 0) {
                    Thread.sleep(1);
                }
                queuedBytes.addAndGet(size);
                counted = true;
                queue.put(row);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // and the row is a gap, below
                if (counted) {
                    queuedBytes.addAndGet(-size);
                }
            }
        }
        if (queuedBytes.get() + size > maxQueuedBytes || !queue.offer(row)) {
            queueDropped++;
            gaps.dropped(row.time(), row.time(), 1, QUEUE_FULL);
            return;
        }
        queuedBytes.addAndGet(size);
    }

    /**
     * A source's reader has handed every line up to {@code state} to ingest: recorded with the store's next commit,
     * after those lines' requests (the queue keeps the order). Dropped when the queue is full: a later one stands in.
     */
    public void offsetReached(String origin, String state) {
        queue.offer(new Queued.Offset(origin, state));
    }

    private void run() {
        List<Queued> batch = new ArrayList<>(BATCH_ROWS);
        while (running || !queue.isEmpty()) {
            try {
                Queued first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH_ROWS - 1);
                    write(batch);
                    long taken = 0;
                    for (Queued q : batch) {
                        if (q instanceof HistoryRow r) {
                            taken += r.queuedBytes();
                        }
                    }
                    queuedBytes.addAndGet(-taken);
                    batch.clear();
                }
                retention();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException e) {
                // The writer survives what it does not expect, as the other workers do: losing history is a gap.
                log.warn("history writer: {}", e.toString(), e);
            }
        }
        store.closeAppender();
    }

    private void write(List<Queued> batch) {
        try {
            store.append(batch);
            for (Queued q : batch) {
                if (q instanceof HistoryRow) {
                    stored++;
                }
            }
            boolean quiet = System.nanoTime() - lastOutageLogNanos < OUTAGE_LOG_EVERY_NANOS;
            if (failure != null) {
                if (!quiet) {
                    log.info("The history store {} is written again", store.file());
                }
                failure = null;
            }
            Gaps.Gap gap = gaps.stored();
            if (gap != null) {
                // A nearly full disk flaps (a failed commit frees its log, a smaller batch fits): one line per outage.
                if (!quiet) {
                    log.warn("History has a gap: {} requests from {} to {} were not stored ({})", gap.requests(),
                            java.time.Instant.ofEpochMilli(gap.fromMillis()),
                            java.time.Instant.ofEpochMilli(gap.toMillis()), gap.reason());
                }
                try {
                    store.recordGap(gap);
                } catch (SQLException e) {
                    log.debug("could not keep the gap in the store: {}", e.getMessage());
                }
            }
        } catch (SQLException | RuntimeException e) {
            long from = Long.MAX_VALUE;
            long to = Long.MIN_VALUE;
            int rows = 0;
            for (Queued q : batch) {
                if (q instanceof HistoryRow r) {
                    from = Math.min(from, r.time());
                    to = Math.max(to, r.time());
                    rows++;
                }
            }
            store.resetAppender();
            long kept = store.storedOfFailedBatch();
            stored += kept;
            if (rows - kept > 0) {
                gaps.dropped(from, to, rows - kept, STORE_FAILED);
            }
            if (failure == null && System.nanoTime() - lastOutageLogNanos >= OUTAGE_LOG_EVERY_NANOS) {
                // Once per outage: the store may fail for every batch while the disk is full.
                lastOutageLogNanos = System.nanoTime();
                log.error("Cannot write the history store {} ({}); live counting goes on, requests are not kept "
                        + "until it can be written again (the gap is shown in /network_info and /metrics)",
                        store.file(), e.getMessage());
            }
            failure = String.valueOf(e.getMessage());
        } finally {
            long rows = 0;
            for (Queued q : batch) {
                if (q instanceof HistoryRow) {
                    rows++;
                }
            }
            handled += rows;
        }
    }

    private void retention() {
        long now = clock.getAsLong();
        if (now - lastRetention < RETENTION_EVERY_MILLIS) {
            return;
        }
        lastRetention = now;
        try {
            long dropped = store.dropOldest(now - retentionMillis, maxBytes);
            if (dropped > 0) {
                log.info("History: dropped {} requests older than the retention or past history.maxBytes", dropped);
            }
        } catch (SQLException e) {
            log.warn("History: dropping old requests failed: {}", e.getMessage());
        }
    }

    /** Waits (at most {@code timeoutMillis}) until every request offered so far has been stored or dropped. */
    public boolean awaitWritten(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long target = offered;
        while (handled + queueDropped < target) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    public Gaps gaps() {
        return gaps;
    }

    /** Requests stored since start. */
    public long stored() {
        return stored;
    }

    /** The store's last write error while it lasts, else null: {@code /health} says degraded. */
    public String failure() {
        return failure;
    }

    public HistoryStore store() {
        return store;
    }

    /** Stores what is queued, then stops the thread (at most a few seconds). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
