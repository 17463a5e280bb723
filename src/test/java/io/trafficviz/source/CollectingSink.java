package io.trafficviz.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A thread-safe sink that keeps every line, for assertions. */
final class CollectingSink implements LineSink {
    private final List<LogLine> lines = new ArrayList<>();

    @Override
    public synchronized void accept(LogLine line) {
        lines.add(line);
    }

    synchronized int size() {
        return lines.size();
    }

    synchronized List<LogLine> lines() {
        return List.copyOf(lines);
    }

    synchronized List<String> texts() {
        return lines.stream().map(LogLine::text).toList();
    }

    /** Waits until at least {@code count} lines arrived. */
    CollectingSink awaitAtLeast(int count) {
        return awaitAtLeast(count, Await.DEFAULT_TIMEOUT);
    }

    CollectingSink awaitAtLeast(int count, Duration timeout) {
        Await.until(count + " lines (have " + size() + ")", timeout, () -> size() >= count);
        return this;
    }
}
