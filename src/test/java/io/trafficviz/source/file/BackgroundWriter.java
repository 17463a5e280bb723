package io.trafficviz.source.file;

import java.util.concurrent.atomic.AtomicReference;

/** Runs a writing loop on its own thread and rethrows its failure on {@link #join()}. */
final class BackgroundWriter {
    interface Body {
        void run() throws Exception;
    }

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private BackgroundWriter(Body body) {
        thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "test-writer");
        thread.setDaemon(true);
    }

    static BackgroundWriter start(Body body) {
        BackgroundWriter writer = new BackgroundWriter(body);
        writer.thread.start();
        return writer;
    }

    void join() throws Exception {
        thread.join(60_000);
        if (thread.isAlive()) {
            throw new AssertionError("writer did not finish");
        }
        if (failure.get() != null) {
            throw new AssertionError("writer failed", failure.get());
        }
    }
}
