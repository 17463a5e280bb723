package io.trafficviz.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.ConfigPaths;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.source.replay.Replayer;
import io.trafficviz.telemetry.IngestTotals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Read the configured access logs from their beginning, at N times their original pace or as "
                + "fast as possible, feeding the same graph and UI as serve.",
                "With --exit-when-done, print one JSON summary line on stdout "
                        + "(lines, malformed, seconds, linesPerSecond) and exit after the last line."})
public final class ReplayCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--speed", defaultValue = "1", paramLabel = "N|max",
            description = "Pace: N times the logs' own pace (e.g. 1, 10, 0.5), or max. Default: ${DEFAULT-VALUE}.")
    String speed;

    @Option(names = "--exit-when-done", description = "Exit after the last line instead of serving the result.")
    boolean exitWhenDone;

    @Option(names = "--dump", paramLabel = "FILE", description = "Write the final /network_info document to FILE.")
    Path dump;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Override the config's listen address.")
    String listen;

    @Option(names = "--history", description = "Keep every replayed request in the history store (history: in the "
            + "config), as serve does; without it a replay keeps nothing. A store already holding requests of the same "
            + "files is refused.")
    boolean history;

    @Option(names = "--no-web", description = "Do not start the web server (useful for benchmarks).")
    boolean noWeb;

    @Override
    public void run() {
        double factor = parseSpeed();
        TrafficvizConfig cfg = CliSupport.withListen(ConfigLoader.load(config), listen);
        CliSupport.checkAgainstMachine(cfg, listen, !noWeb, false);
        ConfigPaths.checkReplayable(cfg);
        TrafficvizApp app = TrafficvizApp.create(cfg, true);
        if (history) {
            app.startHistory(true, false);
            refuseStoringTwice(app);
        }
        app.startDiscovery();
        awaitFirstDiscovery(app);
        if (!noWeb) {
            try {
                app.startWeb();
            } catch (RuntimeException e) {
                app.close();
                throw ListenCheck.explainStartFailure(e, cfg.listenHost(), cfg.listenPort(), CliSupport.listenKey(listen));
            }
            System.err.println("trafficviz: replaying; see http://" + cfg.listenHost() + ":" + app.port() + "/");
        }
        Replayer.Result result = new Replayer(app.ingest(), app.logFiles(), factor).run();
        IngestTotals totals = app.ingest().totals();
        awaitHistory(app);
        if (dump != null) {
            writeDump(app);
        }
        if (exitWhenDone) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("lines", totals.lines());
            summary.put("malformed", totals.malformed());
            summary.put("seconds", Math.round(result.seconds() * 1000) / 1000.0);
            summary.put("linesPerSecond", Math.round(totals.lines() / Math.max(result.seconds(), 1e-9)));
            try {
                System.out.println(new ObjectMapper().writeValueAsString(summary));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            app.close();
            return;
        }
        System.err.println("trafficviz: replay done (" + totals.lines() + " lines); serving until stopped");
        CliSupport.awaitShutdown(app::close);
    }

    /**
     * Lets every proxy's first discovery finish (bounded) before the first line, so that callers resolve to their
     * services from the start and a replay gives the same graph every time, rather than depending on which of the
     * discovery threads won the race against the reader.
     */
    private static void awaitFirstDiscovery(TrafficvizApp app) {
        try {
            if (!app.awaitFirstDiscovery(Duration.ofSeconds(10))) {
                System.err.println("trafficviz: not every proxy's discovery answered within 10 s; replaying anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The replayed requests are in the store (or counted as a gap) before the summary says the replay is done. */
    private static void awaitHistory(TrafficvizApp app) {
        if (app.history() == null) {
            return;
        }
        try {
            if (!app.history().awaitWritten(600_000)) {
                System.err.println("trafficviz: the history store did not take every replayed request within 10 min");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A replay reads its files from their beginning: into a store that holds requests of those files already (serve's,
     * or an earlier replay's) it would put every line in twice, and serve's next start would remove them again.
     */
    private void refuseStoringTwice(TrafficvizApp app) {
        if (app.history() == null) {
            return;
        }
        java.util.Set<String> stored;
        try {
            stored = app.history().store().originsWithRequests();
        } catch (java.sql.SQLException e) {
            app.close();
            throw new IllegalStateException("the history store: " + e.getMessage(), e);
        }
        java.util.List<String> both = app.logFiles().keySet().stream().filter(stored::contains).toList();
        if (!both.isEmpty()) {
            Path file = app.history().store().file();
            app.close();
            throw new ParameterException(spec.commandLine(), "--history: the history store " + file + " already holds"
                    + " requests of " + String.join(", ", both) + "; a replay would store them twice. Set history.path to"
                    + " another file for the replay, or load rotated files serve has not read with `import`");
        }
    }

    private double parseSpeed() {
        if ("max".equals(speed)) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            double v = Double.parseDouble(speed);
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "--speed must be a positive number or 'max' (was '" + speed + "')");
    }

    private void writeDump(TrafficvizApp app) {
        try {
            Files.writeString(dump, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(app.networkInfo().document(false, app.ingest().rateClock())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write --dump file " + dump, e);
        }
    }
}
