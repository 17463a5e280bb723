package io.trafficviz.source;

import java.util.List;

/** Where sources hand their lines. Implementations must be thread-safe: every source calls from its own thread. */
@FunctionalInterface
public interface LineSink {
    void accept(LogLine line);

    /**
     * Several lines read from one source at once, in order; a sink that takes a lock per call (the pipeline) takes
     * it once for all of them. A line the sink fails on does not stop the others: the first failure is thrown after
     * the rest were handed on. By default, one {@link #accept} per line.
     */
    default void acceptBatch(String origin, String server, String proxy, List<String> texts) {
        RuntimeException failed = null;
        for (String text : texts) {
            try {
                accept(new LogLine(origin, server, proxy, text));
            } catch (RuntimeException e) {
                if (failed == null) {
                    failed = e;
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
