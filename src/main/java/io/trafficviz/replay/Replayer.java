package io.trafficviz.replay;

import io.trafficviz.parse.AccessLogEntry;
import io.trafficviz.parse.MalformedLineException;
import io.trafficviz.parse.TraefikLogParser;
import io.trafficviz.pipeline.Pipeline;
import io.trafficviz.source.FileReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Feeds whole log files through the pipeline from their beginning: as fast as possible (one thread taking a chunk
 * of lines from each file in turn, the pipeline lock taken once per chunk), or paced by the lines' own timestamps at
 * a speed factor, every file on one shared timeline (one thread per file).
 */
public final class Replayer {
    private static final int BATCH = 1024;
    /** Bytes read from one file before moving to the next (a few hundred lines). */
    private static final int CHUNK_BYTES = 256 * 1024;

    private final Pipeline pipeline;
    private final Map<String, String> files;
    private final double speed;

    public record Result(double seconds) {
    }

    /** @param speed a factor of the logs' own pace, or {@link Double#POSITIVE_INFINITY} for as fast as possible */
    public Replayer(Pipeline pipeline, Map<String, String> filesAndFormats, double speed) {
        this.pipeline = pipeline;
        this.files = filesAndFormats;
        this.speed = speed;
    }

    public Result run() {
        long logStart = Double.isInfinite(speed) ? 0 : earliestTimestamp();
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        if (Double.isInfinite(speed)) {
            Thread t = new Thread(() -> {
                try {
                    replayInterleaved();
                } catch (RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "replay");
            threads.add(t);
            t.start();
        } else files.forEach((path, format) -> {
            Thread t = new Thread(() -> {
                try {
                    replay(path, format, logStart, started);
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
        return new Result((System.nanoTime() - started) / 1e9);
    }

    /**
     * As fast as possible: one thread takes a buffer's worth of lines from each file in turn, so files advance together
     * (roughly in log-time order, as one thread per file did) while memory stays one buffer per file. More threads
     * would only queue on the pipeline lock; with one per file, dozens of files meant dozens of line batches alive
     * at once and a garbage collector copying them. Lines go to the pipeline as bytes, straight from the buffer.
     */
    private void replayInterleaved() {
        try {
            readInTurn(pipeline, new ArrayList<>(files.keySet()), CHUNK_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replay: " + e.getMessage(), e);
        }
    }

    /** Reads every file through {@code pipeline}, {@code chunkBytes} of lines from each in turn (see above). */
    public static void readInTurn(Pipeline pipeline, List<String> paths, int chunkBytes) throws IOException {
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
                    if (!pipeline.acceptChunk(paths.get(i), open.get(i))) {
                        it.remove();
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

    private void replay(String path, String format, long logStart, long startedNanos) {
        TraefikLogParser clock = TraefikLogParser.forFormat(format);
        AccessLogEntry scratch = new AccessLogEntry();
        List<String> batch = new ArrayList<>(BATCH);
        try {
            // Bytes are cut into lines eight at a time and ASCII lines become Strings by a plain copy: several times
            // cheaper than a Reader's decode-to-char[]-and-compress (the same line rules as tailing).
            FileReader.readAll(Path.of(path), line -> {
                if (!Double.isInfinite(speed)) {
                    waitForLine(clock, scratch, line, logStart, startedNanos);
                    pipeline.acceptAll(path, List.of(line));
                    return;
                }
                batch.add(line);
                if (batch.size() == BATCH) {
                    pipeline.acceptAll(path, batch);
                    batch.clear();
                }
            });
            if (!batch.isEmpty()) {
                pipeline.acceptAll(path, batch);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replay " + path + ": " + e.getMessage(), e);
        }
    }

    /** Sleeps until the line's moment on the shared, sped-up timeline. */
    private void waitForLine(TraefikLogParser parser, AccessLogEntry scratch, String line, long logStart,
                             long startedNanos) {
        try {
            parser.parseInto(line, scratch);
        } catch (MalformedLineException e) {
            return; // no timestamp: send it right away, the pipeline counts it
        }
        if (scratch.startMillis == 0) {
            return;
        }
        long dueNanos = startedNanos + (long) ((scratch.startMillis - logStart) * 1_000_000 / speed);
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private long earliestTimestamp() {
        long earliest = Long.MAX_VALUE;
        for (Map.Entry<String, String> f : files.entrySet()) {
            TraefikLogParser parser = TraefikLogParser.forFormat(f.getValue());
            AccessLogEntry e = new AccessLogEntry();
            try (BufferedReader in = open(f.getKey())) {
                String line;
                int looked = 0;
                while ((line = in.readLine()) != null && looked++ < 1000) {
                    try {
                        parser.parseInto(line, e);
                        if (e.startMillis != 0) {
                            earliest = Math.min(earliest, e.startMillis);
                            break;
                        }
                    } catch (MalformedLineException ignored) {
                        // keep looking
                    }
                }
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot replay " + f.getKey() + ": " + ex.getMessage(), ex);
            }
        }
        return earliest == Long.MAX_VALUE ? 0 : earliest;
    }

    private static BufferedReader open(String path) throws IOException {
        // InputStreamReader replaces invalid UTF-8 rather than failing: junk bytes become a malformed line, not a crash.
        return new BufferedReader(new InputStreamReader(Files.newInputStream(Path.of(path)), StandardCharsets.UTF_8),
                1 << 16);
    }
}
