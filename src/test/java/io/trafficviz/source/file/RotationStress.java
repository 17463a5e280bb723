package io.trafficviz.source.file;

import io.trafficviz.source.LineBatch;
import io.trafficviz.source.LineSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A writer at a steady rate rotating its log the way logrotate with {@code rotate 10} does, against a real
 * {@link FileTailer}; every line carries its sequence number, so lost and duplicated lines are counted exactly.
 *
 * <p>Used by {@code FileTailerRotationStressIT} (short) and by {@code bench/run rotation} (the target: 1,000 rotations
 * at 5,000 lines/s): {@code java -cp CP io.trafficviz.source.file.RotationStress rename|copytruncate EVERY_MS ROTATIONS
 * LINES_PER_SECOND [DIR]} prints one JSON line.
 */
public final class RotationStress {

    /** How logrotate rotates the file. */
    public enum Mode { RENAME, COPYTRUNCATE }

    /** What one run found. */
    public record Result(Mode mode, long everyMillis, int rotations, long written, long delivered, long lost,
                         long duplicated, long reportedLost, long tailerRotations, double seconds) {
        String json() {
            return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"everyMs\":%d,\"rotations\":%d,\"written\":%d,"
                            + "\"delivered\":%d,\"lost\":%d,\"duplicated\":%d,\"reportedLost\":%d,\"tailerRotations\":%d,"
                            + "\"seconds\":%.1f}", mode.name().toLowerCase(Locale.ROOT), everyMillis, rotations, written,
                    delivered, lost, duplicated, reportedLost, tailerRotations, seconds);
        }
    }

    /** Old files logrotate keeps ({@code rotate 10}): the eleventh is deleted at each rotation. */
    static final int KEEP = Integer.getInteger("rotationStress.keep", 10);
    private static final int SEQUENCE_DIGITS = 9;

    private RotationStress() {
    }

    public static Result run(Path dir, Mode mode, Duration every, int rotations, int linesPerSecond) throws Exception {
        Path log = dir.resolve("access.log");
        Files.createDirectories(dir);
        Files.deleteIfExists(log);
        Files.createFile(log);
        Counting sink = new Counting();
        TailerOptions options = TailerOptions.of(log);
        long start = System.nanoTime();
        long written;
        try (FileTailer tailer = new FileTailer(options, sink)) {
            tailer.start();
            written = write(dir, log, mode, every, rotations, linesPerSecond);
            // Everything written is on disk: wait until the tailer has delivered it all, or has been quiet for 3 s.
            long lastCount = -1;
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3)) {
                long now = sink.delivered();
                if (now != lastCount) {
                    lastCount = now;
                    quietSince = System.nanoTime();
                }
                if (sink.distinct() == written) {
                    break;
                }
                Thread.sleep(10);
            }
            TailerStats stats = tailer.snapshot();
            if (Boolean.getBoolean("rotationStress.gaps")) {
                synchronized (sink) {
                    System.err.println("GAPS " + gaps(sink.seen, written));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long delivered = sink.delivered();
            long distinct = sink.distinct();
            return new Result(mode, every.toMillis(), rotations, written, delivered, written - distinct,
                    delivered - distinct, stats.rotationLosses(), stats.rotations(), seconds);
        }
    }

    /** Writes at the given rate, rotating every {@code every}; returns the number of lines written. */
    private static long write(Path dir, Path log, Mode mode, Duration every, int rotations, int linesPerSecond)
            throws IOException {
        long start = System.nanoTime();
        long everyNanos = every.toNanos();
        long written = 0;
        int rotated = 0;
        // Each rotation comes a full interval after the previous one, even when this thread was held up: catching up
        // would rotate many times within a millisecond after a stall, which neither cron nor logrotate ever does.
        long nextRotation = start + everyNanos;
        FileChannel out = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        try {
            while (rotated < rotations) {
                long elapsed = System.nanoTime() - start;
                long due = elapsed * linesPerSecond / 1_000_000_000L;
                if (due > written) {
                    StringBuilder lines = new StringBuilder();
                    for (long n = written; n < due; n++) {
                        lines.append(line(n)).append('\n');
                    }
                    out.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
                    written = due;
                }
                if (System.nanoTime() >= nextRotation) {
                    nextRotation = System.nanoTime() + everyNanos;
                    shiftOldFiles(dir);
                    if (mode == Mode.RENAME) {
                        // logrotate renames; the writer (Traefik on USR1) then reopens the path.
                        Files.move(log, dir.resolve("access.log.1"));
                        out.close();
                        out = FileChannel.open(log, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                                StandardOpenOption.APPEND);
                    } else {
                        Files.copy(log, dir.resolve("access.log.1"), StandardCopyOption.REPLACE_EXISTING);
                        try (FileChannel truncate = FileChannel.open(log, StandardOpenOption.WRITE)) {
                            truncate.truncate(0);
                        }
                    }
                    rotated++;
                }
                LockSupport.parkNanos(200_000);
            }
        } finally {
            out.close();
        }
        return written;
    }

    /** {@code access.log.N} becomes {@code .N+1}; the one past {@link #KEEP} is deleted, as logrotate does. */
    private static void shiftOldFiles(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve("access.log." + KEEP));
        for (int n = KEEP - 1; n >= 1; n--) {
            Path from = dir.resolve("access.log." + n);
            if (Files.exists(from)) {
                Files.move(from, dir.resolve("access.log." + (n + 1)));
            }
        }
    }

    static String line(long n) {
        return String.format(Locale.ROOT, "%0" + SEQUENCE_DIGITS + "d GET /api/items/%d HTTP/1.1 200 \"Mozilla/5.0\"", n, n);
    }

    /** Counts each sequence number it sees; a number seen twice is a duplicate. */
    private static final class Counting implements LineSink {
        private final BitSet seen = new BitSet();
        private long delivered;
        private long distinct;

        @Override
        public synchronized int accept(LineBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                int n = Integer.parseInt(new String(batch.bytes(), batch.start(i), SEQUENCE_DIGITS, StandardCharsets.US_ASCII));
                delivered++;
                if (!seen.get(n)) {
                    seen.set(n);
                    distinct++;
                }
            }
            return 0;
        }

        synchronized long delivered() {
            return delivered;
        }

        synchronized long distinct() {
            return distinct;
        }
    }

    /** The first few runs of lost sequence numbers, for a diagnosis: {@code -DrotationStress.gaps=true}. */
    static String gaps(BitSet seen, long written) {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (int n = seen.nextClearBit(0); n < written && shown < 10; n = seen.nextClearBit(n)) {
            int end = (int) Math.min(written, seen.nextSetBit(n) < 0 ? written : seen.nextSetBit(n));
            b.append(n).append('-').append(end - 1).append(' ');
            shown++;
            n = end;
        }
        return b.toString();
    }

    public static void main(String[] args) throws Exception {
        Mode mode = Mode.valueOf(args[0].toUpperCase(Locale.ROOT));
        Duration every = Duration.ofMillis(Long.parseLong(args[1]));
        int rotations = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        Path dir = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("rotation-stress");
        System.out.println(run(dir, mode, every, rotations, rate).json());
    }
}
