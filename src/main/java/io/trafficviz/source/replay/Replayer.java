package io.trafficviz.source.replay;

import io.trafficviz.source.LineBatch;
import io.trafficviz.source.StagedSink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Feeds whole log files through ingest from their beginning: as fast as possible (a buffer of lines from each file in
 * turn; read and parsed on other cores than the one that counts them, in the order read), or paced by the lines' own
 * timestamps at a speed factor, every file on one shared timeline (one thread per file).
 */
public final class Replayer<P> {
    /** Bytes read from one file before moving to the next (a few hundred lines). */
    private static final int CHUNK_BYTES = 256 * 1024;
    /** Lines a paced replay parses at once (it applies them one by one, each at its moment). */
    private static final int PACED_BATCH_BYTES = 64 * 1024;

    private final StagedSink<P> ingest;
    private final Map<String, String> files;
    private final double speed;

    public record Result(double seconds) {
    }

    /** @param speed a factor of the logs' own pace, or {@link Double#POSITIVE_INFINITY} for as fast as possible */
    public Replayer(StagedSink<P> ingest, Map<String, String> filesAndFormats, double speed) {
        this.ingest = ingest;
        this.files = filesAndFormats;
        this.speed = speed;
    }

    public Result run() {
        long started = System.nanoTime();
        if (Double.isInfinite(speed)) {
            try {
                readInTurn(ingest, new ArrayList<>(files.keySet()), CHUNK_BYTES,
                        Runtime.getRuntime().availableProcessors());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot replay: " + e.getMessage(), e);
            }
            return new Result((System.nanoTime() - started) / 1e9);
        }
        runPaced(started);
        return new Result((System.nanoTime() - started) / 1e9);
    }

    /**
     * Reads every file through {@code ingest}, {@code chunkBytes} of lines from each in turn, so files advance together
     * (roughly in log-time order) while memory stays a few buffers. With one core, one thread reads, parses and counts.
     * With more, one thread reads and cuts lines, and every batch read waits in order to be counted by the calling
     * thread; parsing is shared: the reader, {@code cores - 2} parse threads and the counting thread itself each take
     * the oldest batch nobody has started parsing. Counting in the order read gives the same graph as one core.
     */
    public static <P> void readInTurn(StagedSink<P> ingest, List<String> paths, int chunkBytes, int cores)
            throws IOException {
        if (cores <= 1) {
            readInTurnInline(ingest, paths, chunkBytes);
            return;
        }
        int helpers = Math.max(0, cores - 2);
        int inFlight = 4 + 2 * cores;
        Work<P> end = new Work<>(ingest);
        BlockingQueue<Work<P>> ordered = new ArrayBlockingQueue<>(inFlight + 1);
        BlockingQueue<Work<P>> unparsed = new java.util.concurrent.LinkedBlockingQueue<>();
        BlockingQueue<Work<P>> free = new ArrayBlockingQueue<>(inFlight);
        for (int i = 0; i < inFlight; i++) {
            free.add(new Work<>(ingest));
        }
        List<Thread> parsers = new ArrayList<>();
        for (int i = 0; i < helpers; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Work<P> w = unparsed.take();
                        if (w == end) {
                            unparsed.add(end); // for the next helper
                            return;
                        }
                        w.parseIfUnclaimed(ingest);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "replay-parse-" + i);
            t.setDaemon(true);
            parsers.add(t);
            t.start();
        }
        Throwable[] readerFailure = new Throwable[1];
        Thread reader = new Thread(() -> {
            try {
                eachChunk(paths, chunkBytes, free, work -> {
                    work.unclaim();
                    put(ordered, work);
                    unparsed.add(work);
                    // One batch parsed for each read: the oldest nobody took yet (this one, if the others are busy).
                    Work<P> oldest;
                    while ((oldest = unparsed.poll()) != null && !oldest.parseIfUnclaimed(ingest)) {
                        // taken by someone else: try the next
                    }
                });
            } catch (Throwable e) {
                readerFailure[0] = e;
            } finally {
                unparsed.add(end);
                put(ordered, end);
            }
        }, "replay-read");
        reader.start();
        try {
            while (true) {
                Work<P> next = ordered.take();
                if (next == end) {
                    break;
                }
                next.parseIfUnclaimed(ingest); // the counter's turn came before any parser's
                next.awaitParsed();
                ingest.commit(next.parsed, 0, ingest.size(next.parsed));
                next.batch.clear();
                free.add(next);
            }
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reader.interrupt();
        } finally {
            parsers.forEach(Thread::interrupt);
        }
        if (readerFailure[0] instanceof IOException io) {
            throw io;
        }
        if (readerFailure[0] instanceof RuntimeException re) {
            throw re;
        }
        if (readerFailure[0] != null) {
            throw new IllegalStateException(readerFailure[0]);
        }
    }

    /** One core: read, parse and count on this thread, one batch at a time. */
    private static <P> void readInTurnInline(StagedSink<P> ingest, List<String> paths, int chunkBytes)
            throws IOException {
        Work<P> work = new Work<>(ingest);
        BlockingQueue<Work<P>> free = new ArrayBlockingQueue<>(1);
        free.add(work);
        eachChunk(paths, chunkBytes, free, w -> {
            ingest.prepare(w.batch, w.parsed);
            ingest.commit(w.parsed, 0, ingest.size(w.parsed));
            w.batch.clear();
            free.add(w);
        });
    }

    private interface ChunkHandler<P> {
        void handle(Work<P> work) throws IOException;
    }

    /** A buffer of lines from each file in turn, each in a {@link Work} taken from {@code free}. */
    private static <P> void eachChunk(List<String> paths, int chunkBytes, BlockingQueue<Work<P>> free,
                                      ChunkHandler<P> handler) throws IOException {
        List<FileReader.Chunks> open = new ArrayList<>();
        try {
            for (String path : paths) {
                open.add(new FileReader.Chunks(Path.of(path), chunkBytes));
            }
            List<Integer> active = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                active.add(i);
            }
            while (!active.isEmpty()) {
                for (java.util.Iterator<Integer> it = active.iterator(); it.hasNext(); ) {
                    int i = it.next();
                    Work<P> work = take(free);
                    work.origin(paths.get(i));
                    boolean more = open.get(i).next(work.batch);
                    if (!more) {
                        it.remove();
                    }
                    if (work.batch.isEmpty()) {
                        free.add(work);
                    } else {
                        handler.handle(work);
                    }
                }
            }
        } finally {
            for (FileReader.Chunks c : open) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    /**
     * A batch of lines on its way through: read into {@link #batch}, parsed into {@link #parsed} by whoever claims it
     * first, then counted.
     */
    private static final class Work<P> {
        final LineBatch batch = new LineBatch("", 512, CHUNK_BYTES + 4096);
        final StagedSink<P> sink;
        final P parsed;
        private final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        private boolean done;

        Work(StagedSink<P> sink) {
            this.sink = sink;
            this.parsed = sink.newPrepared();
        }

        void origin(String origin) {
            batch.clear(origin);
        }

        void unclaim() {
            claimed.set(false);
            synchronized (this) {
                done = false;
            }
        }

        /** Parses this batch unless another thread has started to; returns whether this thread parsed it. */
        boolean parseIfUnclaimed(StagedSink<P> ingest) {
            if (!claimed.compareAndSet(false, true)) {
                return false;
            }
            try {
                ingest.prepare(batch, parsed);
            } finally {
                synchronized (this) {
                    done = true;
                    notifyAll();
                }
            }
            return true;
        }

        synchronized void awaitParsed() throws InterruptedException {
            while (!done) {
                wait();
            }
        }
    }

    private static <T> T take(BlockingQueue<T> queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
    }

    private static <T> void put(BlockingQueue<T> queue, T value) {
        try {
            queue.put(value);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
    }

    /**
     * At a factor of the logs' pace: one thread per file, each line counted at its moment on one shared timeline that
     * starts at the earliest line of any file. Each line is parsed once: its timestamp paces it, its entry is counted.
     */
    private void runPaced(long startedNanos) {
        long logStart = earliestTimestamp();
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        files.keySet().forEach(path -> {
            Thread t = new Thread(() -> {
                try {
                    replayPaced(path, logStart, startedNanos);
                } catch (RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "replay:" + path);
            threads.add(t);
            t.start();
        });
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private void replayPaced(String path, long logStart, long startedNanos) {
        LineBatch batch = new LineBatch(path, 256, PACED_BATCH_BYTES + 4096);
        P parsed = ingest.newPrepared();
        try (FileReader.Chunks chunks = new FileReader.Chunks(Path.of(path), PACED_BATCH_BYTES)) {
            boolean more = true;
            while (more) {
                more = chunks.next(batch);
                ingest.prepare(batch, parsed);
                for (int i = 0; i < ingest.size(parsed); i++) {
                    // a line without a timestamp goes right away (ingest counts a malformed one)
                    waitFor(ingest.timeMillis(parsed, i), logStart, startedNanos);
                    ingest.commit(parsed, i, i + 1);
                }
                batch.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replay " + path + ": " + e.getMessage(), e);
        }
    }

    /** Sleeps until the line's moment on the shared, sped-up timeline. */
    private void waitFor(long timeMillis, long logStart, long startedNanos) {
        if (timeMillis == 0) {
            return;
        }
        long dueNanos = startedNanos + (long) ((timeMillis - logStart) * 1_000_000 / speed);
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The earliest timestamp among the first parseable lines of every file (at most 1,000 lines looked at each). */
    private long earliestTimestamp() {
        long earliest = Long.MAX_VALUE;
        for (String path : files.keySet()) {
            LineBatch batch = new LineBatch(path, 256, PACED_BATCH_BYTES + 4096);
            P parsed = ingest.newPrepared();
            try (FileReader.Chunks chunks = new FileReader.Chunks(Path.of(path), PACED_BATCH_BYTES)) {
                int looked = 0;
                boolean found = false;
                boolean more = true;
                while (more && !found && looked < 1000) {
                    more = chunks.next(batch);
                    ingest.prepare(batch, parsed);
                    for (int i = 0; i < ingest.size(parsed) && looked++ < 1000; i++) {
                        long time = ingest.timeMillis(parsed, i);
                        if (time != 0) {
                            earliest = Math.min(earliest, time);
                            found = true;
                            break;
                        }
                    }
                    batch.clear();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot replay " + path + ": " + e.getMessage(), e);
            }
        }
        return earliest == Long.MAX_VALUE ? 0 : earliest;
    }
}
