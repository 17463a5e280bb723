package io.trafficviz.telemetry;

import java.util.List;

/**
 * One source's ingest counters at one moment (a copy: the live counters stay with the ingest side).
 *
 * @param origin          the file path or push origin ({@code push:server/proxy}, {@code otlp:...})
 * @param format          the configured log format
 * @param lastError       why the newest malformed line was rejected, or null
 * @param recentMalformed the last few malformed lines with their reasons, oldest first
 */
public record SourceSnapshot(String origin, String format, long lines, long malformed, String lastError,
                             List<String> recentMalformed) {
    public SourceSnapshot {
        recentMalformed = List.copyOf(recentMalformed);
    }
}
