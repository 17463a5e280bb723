package io.trafficviz.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.source.replay.FileReader;
import io.trafficviz.source.replay.Replayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Load old and rotated access logs (plain or .gz) into the history store, so their requests can "
                + "be shown as a graph of any past window (/network_info?from=&to=).",
                "Each file belongs to the configured accessLog its name starts with (access.log.1, access.log-2025"
                        + "1201.gz belong to access.log), or to the one --as names. A file whose content was imported "
                        + "before is skipped. Not the file serve is tailing (its lines are stored as they are read), "
                        + "and not while serve has the store open.",
                "Prints one JSON summary line (files, skipped, lines, malformed, seconds)."})
public final class ImportCommand implements Runnable {
    /** How much of a file's (decompressed) content tells it apart: a rotated file keeps its head when compressed. */
    static final int FINGERPRINT_BYTES = 1 << 20;

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Option(names = "--as", paramLabel = "ACCESSLOG",
            description = "The configured accessLog the files were written as (default: by their names).")
    String as;

    @Parameters(arity = "1..*", paramLabel = "LOGS", description = "Access-log files, plain or .gz.")
    List<Path> logs;

    @Override
    public void run() {
        TrafficvizConfig cfg = ConfigLoader.load(config);
        if (!cfg.history().enabled()) {
            throw new ParameterException(spec.commandLine(), "history.enabled is false in " + config
                    + ": there is no store to import into");
        }
        TrafficvizApp app = TrafficvizApp.create(cfg, true);
        try {
            Map<Path, String> accessLogOf = new LinkedHashMap<>();
            for (Path log : logs) {
                accessLogOf.put(log, accessLogFor(app, log));
            }
            app.startHistory(true, false);
            if (app.history() == null) {
                throw new IllegalStateException("the history store cannot be opened (see above; is serve running "
                        + "with it?)");
            }
            Map<String, String> files = new LinkedHashMap<>();
            Map<String, String> fingerprints = new LinkedHashMap<>();
            List<String> skipped = new ArrayList<>();
            for (Map.Entry<Path, String> e : accessLogOf.entrySet()) {
                String origin = e.getKey().toAbsolutePath().normalize().toString();
                String fingerprint = fingerprint(e.getKey());
                String before = app.history().store().importedAs(fingerprint);
                if (before != null || fingerprints.containsValue(fingerprint)) {
                    System.err.println("trafficviz: " + e.getKey() + " skipped: the same content was imported "
                            + "before" + (before != null ? " (from " + before + ")" : " (given twice)"));
                    skipped.add(origin);
                    continue;
                }
                app.ingest().register(origin, app.proxiesOf(e.getValue()), app.formatOf(e.getValue()));
                files.put(origin, app.formatOf(e.getValue()));
                fingerprints.put(origin, fingerprint);
            }
            app.startDiscovery();
            try {
                app.awaitFirstDiscovery(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Replayer.Result result = new Replayer(app.ingest(), files, Double.POSITIVE_INFINITY).run();
            try {
                if (!app.history().awaitWritten(600_000)) {
                    throw new IllegalStateException("the history store did not take every request within 10 min");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Map<String, Long> linesBySource = new LinkedHashMap<>();
            long malformed = 0;
            long lines = 0;
            for (var s : app.ingest().totals().sources()) {
                linesBySource.put(s.origin(), s.lines());
                malformed += s.malformed();
                lines += s.lines();
            }
            for (Map.Entry<String, String> e : fingerprints.entrySet()) {
                app.history().store().recordImport(e.getValue(), e.getKey(), linesBySource.getOrDefault(e.getKey(), 0L));
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("files", files.size());
            summary.put("skipped", skipped.size());
            summary.put("lines", lines);
            summary.put("malformed", malformed);
            summary.put("dropped", app.history().gaps().droppedTotal());
            summary.put("seconds", Math.round(result.seconds() * 1000) / 1000.0);
            System.out.println(new ObjectMapper().writeValueAsString(summary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("the history store: " + e.getMessage(), e);
        } finally {
            app.close();
        }
    }

    /** The configured accessLog {@code log} belongs to: {@code --as}, else the one its file name starts with. */
    private String accessLogFor(TrafficvizApp app, Path log) {
        if (!Files.isRegularFile(log)) {
            throw new ParameterException(spec.commandLine(), log + ": not a readable file");
        }
        Path absolute = log.toAbsolutePath().normalize();
        String match = null;
        for (String accessLog : app.logFiles().keySet()) {
            Path configured = Path.of(accessLog).toAbsolutePath().normalize();
            if (configured.equals(absolute)) {
                throw new ParameterException(spec.commandLine(), log + " is the accessLog serve tails: its lines are "
                        + "stored as serve reads them (import its rotated files instead)");
            }
            if (as != null) {
                if (accessLog.equals(as) || configured.equals(Path.of(as).toAbsolutePath().normalize())) {
                    match = accessLog;
                }
            } else if (absolute.getFileName().toString().startsWith(configured.getFileName().toString())
                    && (match == null || accessLog.length() > match.length())) {
                match = accessLog;
            }
        }
        if (match == null) {
            throw new ParameterException(spec.commandLine(), log + ": "
                    + (as != null ? "--as " + as + " is no configured accessLog" : "its name starts with no configured "
                    + "accessLog's file name; say which with --as ACCESSLOG"));
        }
        return match;
    }

    /** SHA-256 of the file's first MiB, decompressed: the same rotated file, compressed or not, is the same. */
    static String fingerprint(Path file) throws IOException {
        try (InputStream in = FileReader.open(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] head = in.readNBytes(FINGERPRINT_BYTES);
            sha.update(head);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
