package io.trafficviz.source.push;

import io.trafficviz.source.LineBatch;
import io.trafficviz.source.LineSink;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The lines of one push on their way to ingest, in batches of at most {@value #MAX_LINES} lines or about
 * {@value #MAX_BYTES} bytes: a body of millions of lines costs one batch of memory, never the body's worth. A batch
 * goes to ingest only with one of the shared ingest slots; when none frees up within the wait, ingest is behind and the
 * push is refused with 503 (its sender retries later) rather than queued in memory.
 *
 * <p>Lines still pending when the body turns out bad are dropped, so a small body is all or nothing, as it was when
 * bodies were read whole; only a large one can be refused after some of its batches were counted (the response says
 * how many).
 */
final class PushBatches {
    static final int MAX_LINES = 4096;
    static final int MAX_BYTES = 256 * 1024;

    private final LineSink sink;
    private final Semaphore ingestSlots;
    private final long waitMillis;
    private final LineBatch batch;
    private final Map<String, Long> linesByOrigin = new LinkedHashMap<>();
    private long accepted;
    private long rejected;

    PushBatches(LineSink sink, Semaphore ingestSlots, long waitMillis) {
        this.sink = sink;
        this.ingestSlots = ingestSlots;
        this.waitMillis = waitMillis;
        this.batch = new LineBatch(null, 256, 64 * 1024);
    }

    /** Lines added from now on come from {@code origin}; the pending ones of another origin go first. */
    void origin(String origin) throws IntakeException {
        if (!origin.equals(batch.origin())) {
            flush();
            batch.clear(origin);
            linesByOrigin.putIfAbsent(origin, 0L);
        }
    }

    String origin() {
        return batch.origin();
    }

    void add(byte[] bytes, int from, int length) throws IntakeException {
        batch.add(bytes, from, length);
        full();
    }

    void add(String line) throws IntakeException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        add(b, 0, b.length);
    }

    /** A line that never made it to text (an oversized OTLP record): counted as not taken. */
    void reject() {
        rejected++;
        linesByOrigin.merge(batch.origin(), 1L, Long::sum);
    }

    private void full() throws IntakeException {
        if (batch.size() >= MAX_LINES || batch.byteCount() >= MAX_BYTES) {
            flush();
        }
    }

    void flush() throws IntakeException {
        if (batch.isEmpty()) {
            return;
        }
        try {
            if (!ingestSlots.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                throw new IntakeException(503, "ingest is behind: retry shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntakeException(503, "shutting down");
        }
        try {
            int notTaken = sink.accept(batch);
            accepted += batch.size() - notTaken;
            rejected += notTaken;
            linesByOrigin.merge(batch.origin(), (long) batch.size(), Long::sum);
        } finally {
            ingestSlots.release();
            batch.clear();
        }
    }

    /** For a refusal's message: lines of this push that ingest already counted, which a retry would count again. */
    String countedSoFar() {
        long counted = accepted + rejected;
        return counted == 0 ? "" : " (" + counted + " lines of this body before it were counted already)";
    }

    long accepted() {
        return accepted;
    }

    long rejected() {
        return rejected;
    }

    /** Lines handed to ingest (taken or not) by origin, in the order the origins first came. */
    Map<String, Long> linesByOrigin() {
        return linesByOrigin;
    }
}
