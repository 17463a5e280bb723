package io.trafficviz.cli;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.app.Workers;
import io.trafficviz.config.ConfigException;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Tail the configured access logs, poll the Traefik APIs and serve the live graph until stopped.",
                "Keeps every request in the history store (history: in the config; on by default) and, on start, "
                        + "counts the retained ones into the graph again.",
                "Exits with status 70 if a worker thread (tailer, live stream, discovery) dies: /health names it "
                        + "meanwhile; run it under a supervisor that restarts it."})
public final class ServeCommand implements Runnable {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--discover", description = "Without a config: find the Traefik processes on this host (their API "
            + "and access log, from their command line and static config file) and the Traefik APIs on loopback ports "
            + "8080 and 9000, print the config derived from them (with the Traefik option to add where a setting is "
            + "missing), and serve it.")
    boolean discover;

    @Option(names = "--save", paramLabel = "PATH", description = "With --discover: also write the derived config there.")
    Path save;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Override the config's listen address. Other "
            + "than loopback it needs a login (the config's auth section) or auth.allowUnauthenticated: true.")
    String listen;

    @Option(names = "--from-beginning", description = "Read existing log content the first time a file is seen "
            + "(default: start at its end, like startAt: end).")
    boolean fromBeginning;

    @Override
    public void run() {
        TrafficvizConfig cfg = CliSupport.withListen(discover ? discovered() : loaded(), listen);
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

    private TrafficvizConfig loaded() {
        if (config == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--config=FILE' (or --discover)");
        }
        return ConfigLoader.load(config);
    }

    private TrafficvizConfig discovered() {
        if (config != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--discover and --config exclude each other");
        }
        List<HostDiscovery.Found> found = new HostDiscovery(Path.of("/proc"), HostDiscovery.USUAL_API_PORTS).discover();
        if (found.isEmpty()) {
            throw new ConfigException("--discover", "no Traefik found on this host (no traefik process visible in /proc, "
                    + "no Traefik API on 127.0.0.1:8080 or :9000); start Traefik with --api.insecure=true and "
                    + "--accesslog.filepath=/var/log/traefik/access.log --accesslog.format=json, or write a config");
        }
        String yaml = HostDiscovery.configYaml(hostName(), found);
        System.out.print(yaml);
        if (save != null) {
            try {
                Files.writeString(save, yaml);
            } catch (IOException e) {
                throw new ConfigException("--save", "cannot write " + save + ": " + e.getMessage());
            }
            System.out.println("# saved to " + save);
        }
        return ConfigLoader.parse(yaml, save == null ? Path.of("").toAbsolutePath() : save.toAbsolutePath().getParent());
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName().split("\\.")[0];
            return name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}") ? name : "this-host";
        } catch (IOException e) {
            return "this-host";
        }
    }
}
