package io.trafficviz.publish.http;

import io.trafficviz.history.HistoryWriter;

/** For tests elsewhere: the history lines of {@code /metrics}. */
public final class MetricsAccess {
    private MetricsAccess() {
    }

    public static String history(HistoryWriter writer) {
        return Metrics.renderHistory(writer);
    }
}
