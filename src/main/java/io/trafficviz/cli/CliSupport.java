package io.trafficviz.cli;

import io.trafficviz.config.ConfigException;
import io.trafficviz.config.TrafficvizConfig;

import java.util.concurrent.CountDownLatch;

public final class CliSupport {
    private CliSupport() {
    }

    static TrafficvizConfig withListen(TrafficvizConfig cfg, String listen) {
        if (listen == null) {
            return cfg;
        }
        int colon = listen.lastIndexOf(':');
        try {
            return cfg.withListen(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new ConfigException("--listen", "expected HOST:PORT (was '" + listen + "')");
        }
    }

    /** Blocks until the JVM is asked to stop, then runs {@code onStop} before it exits. */
    public static void awaitShutdown(Runnable onStop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            onStop.run();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
