package io.trafficviz.telemetry;

import java.util.List;
import java.util.Map;

/**
 * The alert engine's counters at one moment, for {@code /metrics}.
 *
 * @param firing          alerts firing now, per rule
 * @param sinks           per sink, what it delivered, failed, dropped and holds
 * @param untrackedRoutes routes seen past the engine's cap, judged by no rule
 */
public record AlertStats(Map<String, Long> firing, List<Sink> sinks, long untrackedRoutes) {
    public AlertStats {
        firing = Map.copyOf(firing);
        sinks = List.copyOf(sinks);
    }

    /**
     * @param failures attempts that failed (each retried with backoff)
     * @param dropped  notifications refused because the sink's queue was full
     * @param queued   notifications waiting now
     */
    public record Sink(String name, String type, long delivered, long failures, long dropped, long queued) {
    }
}
