package io.trafficviz.cli;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.app.Workers;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Tail the configured access logs, poll the Traefik APIs and serve the live graph until stopped.",
                "Keeps every request in the history store (history: in the config; on by default) and, on start, "
                        + "counts the retained ones into the graph again.",
                "Exits with status 70 if a worker thread (tailer, live stream, discovery) dies: /health names it "
                        + "meanwhile; run it under a supervisor that restarts it."})
public final class ServeCommand implements Runnable {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Override the config's listen address. Other "
            + "than loopback it needs a login (the config's auth section) or auth.allowUnauthenticated: true.")
    String listen;

    @Option(names = "--from-beginning", description = "Read existing log content the first time a file is seen "
            + "(default: start at its end, like startAt: end).")
    boolean fromBeginning;

    @Override
    public void run() {
        TrafficvizConfig cfg = CliSupport.withListen(ConfigLoader.load(config), listen);
        if (fromBeginning) {
            cfg = cfg.withStartAtBeginning(true);
        }
        CliSupport.checkAgainstMachine(cfg, listen, true, true);
        TrafficvizApp app;
        try {
            app = TrafficvizApp.start(cfg, Workers.superviseProcess());
        } catch (RuntimeException e) {
            throw ListenCheck.explainStartFailure(e, cfg.listenHost(), cfg.listenPort(), CliSupport.listenKey(listen));
        }
        System.out.println("trafficviz: serving http://" + cfg.listenHost() + ":" + app.port() + "/ (Ctrl-C to stop)");
        CliSupport.awaitShutdown(app::close);
    }
}
