package io.trafficviz.source.file;

import io.trafficviz.source.LineSplitter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one {@link FileTailer}. Start from {@link #of(Path)} and adjust with the {@code with*}
 * methods.
 *
 * @param path           the file to follow
 * @param startAt        where to start in a file that already exists the first time it is seen
 * @param maxLineBytes   longer lines are cut to this many bytes (and counted); the rest is skipped
 * @param pollInterval   how long to wait before looking again when there was nothing to read
 * @param rotationGrace  how long a rotated-away file is still watched for late writes before being closed; a partial
 *                       last line in it is delivered then
 * @param offsetStore    where to persist read offsets, or null to not persist
 */
public record TailerOptions(Path path, StartPosition startAt, int maxLineBytes,
                            Duration pollInterval, Duration rotationGrace, OffsetStore offsetStore) {

    public static final int DEFAULT_MAX_LINE_BYTES = LineSplitter.DEFAULT_MAX_LINE_BYTES;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_ROTATION_GRACE = Duration.ofSeconds(1);

    public TailerOptions {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(startAt, "startAt");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(rotationGrace, "rotationGrace");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        if (pollInterval.isNegative() || pollInterval.isZero() || rotationGrace.isNegative()) {
            throw new IllegalArgumentException("pollInterval must be positive and rotationGrace not negative");
        }
    }

    /** Defaults: start at the end, 64 KiB lines, 100 ms polling, 1 s rotation grace, no offset persistence. */
    public static TailerOptions of(Path path) {
        return new TailerOptions(path, StartPosition.END, DEFAULT_MAX_LINE_BYTES,
                DEFAULT_POLL_INTERVAL, DEFAULT_ROTATION_GRACE, null);
    }

    public TailerOptions withStartAt(StartPosition value) {
        return new TailerOptions(path, value, maxLineBytes, pollInterval, rotationGrace, offsetStore);
    }

    public TailerOptions withMaxLineBytes(int value) {
        return new TailerOptions(path, startAt, value, pollInterval, rotationGrace, offsetStore);
    }

    public TailerOptions withPollInterval(Duration value) {
        return new TailerOptions(path, startAt, maxLineBytes, value, rotationGrace, offsetStore);
    }

    public TailerOptions withRotationGrace(Duration value) {
        return new TailerOptions(path, startAt, maxLineBytes, pollInterval, value, offsetStore);
    }

    public TailerOptions withOffsetStore(OffsetStore value) {
        return new TailerOptions(path, startAt, maxLineBytes, pollInterval, rotationGrace, value);
    }
}
