package io.trafficviz.telemetry;

import java.util.List;

/**
 * The ingest side's counters at one moment.
 *
 * @param lines          lines read from every source
 * @param malformed      lines that were not access-log lines
 * @param unattributed   lines from an origin no source was registered for
 * @param lastLineMillis the start time of the newest request read (epoch ms); 0 before the first
 * @param sources        each source's counters, in the order they were registered
 */
public record IngestTotals(long lines, long malformed, long unattributed, long lastLineMillis,
                           List<SourceSnapshot> sources) {
    public IngestTotals {
        sources = List.copyOf(sources);
    }
}
