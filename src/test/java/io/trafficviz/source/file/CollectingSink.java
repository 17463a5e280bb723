package io.trafficviz.source.file;

import io.trafficviz.source.LineSink;
import io.trafficviz.source.LineBatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A thread-safe sink that keeps every line (and the origin of each), for assertions. */
class CollectingSink implements LineSink {
    private final List<String> texts = new ArrayList<>();
    private final List<String> origins = new ArrayList<>();

    @Override
    public int accept(LineBatch batch) {
        beforeAccept();
        synchronized (this) {
            for (int i = 0; i < batch.size(); i++) {
                texts.add(batch.text(i));
                origins.add(batch.origin());
            }
        }
        return 0;
    }

    /** A hook for sinks that hold the tailer up; called outside the lock. */
    void beforeAccept() {
    }

    synchronized int size() {
        return texts.size();
    }

    synchronized List<String> texts() {
        return List.copyOf(texts);
    }

    synchronized List<String> origins() {
        return List.copyOf(origins);
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
