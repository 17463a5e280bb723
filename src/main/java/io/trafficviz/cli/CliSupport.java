package io.trafficviz.cli;

import io.trafficviz.config.ConfigException;
import io.trafficviz.config.ConfigPaths;
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
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (RuntimeException e) {
            port = -1;
        }
        if (colon <= 0 || port < 0 || port > 65535) {
            throw new ConfigException("--listen", "expected HOST:PORT with a port from 0 to 65535 (was '" + listen + "')");
        }
        return cfg.withListen(listen.substring(0, colon), port);
    }

    /** The key a listen problem is reported under: the option when it overrides the file. */
    static String listenKey(String listenOption) {
        return listenOption == null ? "listen" : "--listen";
    }

    /**
     * Everything about the configuration that only the machine can answer, checked before any thread starts, so that
     * it fails as a bad configuration (exit 2, the key named) rather than from deep inside a starting server.
     */
    static void checkAgainstMachine(TrafficvizConfig cfg, String listenOption, boolean web, boolean tailing) {
        ConfigPaths.checkSources(cfg);
        if (tailing) {
            ConfigPaths.prepareStateDir(cfg.stateDir());
        }
        if (web) {
            ListenCheck.check(cfg.listenHost(), cfg.listenPort(), listenKey(listenOption));
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
