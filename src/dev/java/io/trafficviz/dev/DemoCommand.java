package io.trafficviz.dev;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.cli.CliSupport;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.dev.demo.ServiceCommand;
import io.trafficviz.dev.sim.ConceptSimulation;
import io.trafficviz.dev.stack.StackCommand;
import io.trafficviz.dev.stack.TraefikBinary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show trafficviz at work: the concept's two proxies and services.",
                "With a Traefik binary (--traefik, $TRAEFIK_BIN or scripts/build-traefik.sh's cache) this runs "
                        + "'stack': real Traefik proxies, real services and outside users. Without one (or with "
                        + "--simulate) an embedded simulation writes the access logs and file-provider configs two "
                        + "Traefik proxies would write, and trafficviz reads them like real ones."})
public final class DemoCommand implements Runnable {
    /** What the page and the terminal say about the traffic: simulated, and why. */
    static String simulationNotice(boolean asked) {
        return "Simulated traffic: " + (asked ? "--simulate was given" : "no Traefik binary was found")
                + ", so an embedded simulation writes Traefik-format logs.";
    }

    @Option(names = "--listen", defaultValue = "127.0.0.1:8082", paramLabel = "HOST:PORT",
            description = "Where to serve the UI. Default: ${DEFAULT-VALUE}.")
    String listen;

    @Option(names = "--rate", defaultValue = "5", paramLabel = "N",
            description = "Outside user requests per second (each causes several more). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the simulation.")
    long seed;

    @Option(names = "--simulate", description = "Use the embedded simulation even when Traefik is available.")
    boolean simulate;

    @Option(names = "--propagate-failures", defaultValue = "${env:" + ServiceCommand.PROPAGATE_ENV + ":-false}",
            fallbackValue = "true", arity = "0..1",
            description = "Communicating services answer 502 when a call failed (a leaf's 400 travels up to the outside "
                    + "users); by default they answer 200 with what their callees returned, as in the concept.")
    boolean propagateFailures;

    @Option(names = "--traefik", paramLabel = "PATH", description = "The Traefik binary to run the real stack with.")
    Path traefik;

    @Override
    public void run() {
        Optional<Path> binary = simulate ? Optional.empty() : TraefikBinary.locate(traefik);
        if (binary.isPresent()) {
            String port = listen.substring(listen.lastIndexOf(':') + 1);
            System.out.println("trafficviz demo: Traefik found at " + binary.get() + "; running the real stack");
            int code = new CommandLine(new StackCommand()).execute("--traefik", binary.get().toString(),
                    "--port", port, "--rate", Double.toString(rate), "--propagate-failures=" + propagateFailures);
            if (code != 0) {
                throw new CommandLine.ExecutionException(new CommandLine(this), "the stack failed (exit " + code + ")");
            }
            return;
        }
        runSimulation();
    }

    private void runSimulation() {
        Path dir;
        try {
            dir = Files.createTempDirectory("trafficviz-demo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConceptSimulation sim = new ConceptSimulation(dir, seed, propagateFailures);
        // The simulation's traffic is made up: nothing to guard, so `--listen 0.0.0.0:8082` may show it to other
        // machines without a login (serve refuses that for real logs).
        TrafficvizConfig cfg = ConfigLoader.parse(sim.trafficvizConfig(listen) + "auth: {allowUnauthenticated: true}\n"
                // The time bar needs a store; in-process apps keep one only where the config names it.
                + "history: {path: " + dir.resolve("history.duckdb") + "}\n",
                dir);
        TrafficvizApp app = TrafficvizApp.start(cfg);
        String notice = simulationNotice(simulate);
        app.networkInfo().setNotice(notice);
        Thread load = new Thread(() -> drive(sim), "demo-load");
        load.setDaemon(true);
        load.start();
        System.out.println("trafficviz demo: " + notice);
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
