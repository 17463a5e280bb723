package io.trafficviz.source;

/** Where sources hand their lines. Implementations must be thread-safe: every source calls from its own thread. */
@FunctionalInterface
public interface LineSink {
    void accept(LogLine line);
}
