package io.trafficviz.web;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.dev.sim.ConceptSimulation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real trafficviz server tailing the logs of the concept simulation, with user requests arriving in the background
 * (about 20 a second, each causing several proxy log lines), so the pages always have live traffic to show.
 */
final class LiveDemo implements AutoCloseable {
    private final ConceptSimulation sim;
    private final TrafficvizApp app;
    private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "browser-test-traffic");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean trafficPaused;

    LiveDemo(Path dir) {
        sim = new ConceptSimulation(dir, 11);
        app = TrafficvizApp.start(ConfigLoader.parse(sim.trafficvizConfig("127.0.0.1:0"), dir));
        // One thread only: the simulation is not meant to be driven concurrently.
        traffic.scheduleAtFixedRate(() -> {
            if (trafficPaused) {
                return;
            }
            try {
                sim.userRequest(System.currentTimeMillis());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
    }

    String url(String path) {
        return "http://127.0.0.1:" + app.port() + path;
    }

    /** Stops (true) or resumes the background requests: counts that hold still can be compared exactly. */
    void pauseTraffic(boolean paused) {
        trafficPaused = paused;
    }

    /** A scanner at {@code address} probes the public proxy for an unrouted path (on the traffic thread). */
    void scan(String address) throws Exception {
        traffic.submit(() -> {
            sim.scannerRequest(System.currentTimeMillis(), address);
            return null;
        }).get();
    }

    long linesIngested() {
        return app.ingest().totals().lines();
    }

    @Override
    public void close() throws Exception {
        traffic.shutdownNow();
        traffic.awaitTermination(5, TimeUnit.SECONDS);
        app.close();
        sim.close();
    }
}
