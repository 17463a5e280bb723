package io.trafficviz.ingest;

import io.trafficviz.telemetry.SourceSnapshot;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Ingest counters of one source (a file or a push endpoint); updated by the ingest thread under the pipeline lock. */
public final class SourceStats {
    private static final int KEPT_MALFORMED = 10;

    private final String origin;
    private final String format;
    long lines;
    long malformed;
    String lastError;
    final Deque<String> recentMalformed = new ArrayDeque<>();

    SourceStats(String origin, String format) {
        this.origin = origin;
        this.format = format;
    }

    void malformed(String reason, String line) {
        malformed++;
        lastError = reason;
        if (recentMalformed.size() == KEPT_MALFORMED) {
            recentMalformed.removeFirst();
        }
        recentMalformed.addLast(reason + ": " + (line.length() > 200 ? line.substring(0, 200) + "…" : line));
    }

    public String origin() {
        return origin;
    }

    public String format() {
        return format;
    }

    public long lines() {
        return lines;
    }

    public long malformed() {
        return malformed;
    }

    public String lastError() {
        return lastError;
    }

    public List<String> recentMalformed() {
        return new ArrayList<>(recentMalformed);
    }

    /** A copy of these counters, to read outside the pipeline lock (taken under it). */
    SourceSnapshot snapshot() {
        return new SourceSnapshot(origin, format, lines, malformed, lastError, List.copyOf(recentMalformed));
    }
}
