package io.trafficviz.cli;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.sim.ConceptSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show trafficviz at work with nothing installed: the concept's two proxies and services.",
                "This is the embedded simulation: it writes the access logs and file-provider configs two Traefik "
                        + "proxies would write, and trafficviz reads them like real ones. With a Traefik binary, "
                        + "'stack' runs the same topology for real."})
public final class DemoCommand implements Runnable {
    public static final String SIMULATION_NOTICE =
            "Simulated traffic: no Traefik binary was found, so an embedded simulation writes Traefik-format logs.";

    @Option(names = "--listen", defaultValue = "127.0.0.1:8082", paramLabel = "HOST:PORT",
            description = "Where to serve the UI. Default: ${DEFAULT-VALUE}.")
    String listen;

    @Option(names = "--rate", defaultValue = "5", paramLabel = "N",
            description = "Outside user requests per second (each causes several more). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the simulation.")
    long seed;

    @Override
    public void run() {
        Path dir;
        try {
            dir = Files.createTempDirectory("trafficviz-demo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConceptSimulation sim = new ConceptSimulation(dir, seed);
        TrafficvizConfig cfg = ConfigLoader.parse(sim.trafficvizConfig(listen), dir);
        TrafficvizApp app = TrafficvizApp.start(cfg);
        app.networkInfo().setNotice(SIMULATION_NOTICE);
        Thread load = new Thread(() -> drive(sim), "demo-load");
        load.setDaemon(true);
        load.start();
        System.out.println("trafficviz demo: " + SIMULATION_NOTICE);
        System.out.println("trafficviz demo: logs and configs in " + dir);
        System.out.println("trafficviz demo: open http://" + cfg.listenHost() + ":" + app.port() + "/ and "
                + "http://" + cfg.listenHost() + ":" + app.port() + "/access_logs (Ctrl-C to stop)");
        CliSupport.awaitShutdown(() -> {
            load.interrupt();
            app.close();
        });
    }

    private void drive(ConceptSimulation sim) {
        long intervalNanos = (long) (1e9 / Math.max(0.1, rate));
        long next = System.nanoTime();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                sim.userRequest(System.currentTimeMillis());
                next += intervalNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("trafficviz demo: simulation stopped: " + e.getMessage());
        }
    }
}
