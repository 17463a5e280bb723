package io.trafficviz.dev.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code generate}: deterministic Traefik access logs for benchmarks, one file per proxy, with the file-provider
 * dynamic configs and a trafficviz config that reads them ({@code replay --config DIR/trafficviz.yml}).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write deterministic (by seed) Traefik access logs for benchmarks: one file per proxy, "
                + "file-provider dynamic configs with the service addresses, and DIR/trafficviz.yml reading them.",
                "Prints one JSON summary line (config, files, lines, bytes, seconds)."})
public final class GenerateCommand implements Runnable {
    @Option(names = "--format", defaultValue = "json", paramLabel = "json|common",
            description = "Traefik access-log format. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--lines", defaultValue = "1000000", paramLabel = "N", description = "Lines in all. Default: ${DEFAULT-VALUE}.")
    long lines;

    @Option(names = "--servers", defaultValue = "40", paramLabel = "S",
            description = "Servers, each with a public and a private proxy. Default: ${DEFAULT-VALUE}.")
    int servers;

    @Option(names = "--services-per-server", defaultValue = "18", paramLabel = "K",
            description = "Services per server. Default: ${DEFAULT-VALUE}.")
    int servicesPerServer;

    @Option(names = "--paths", defaultValue = "1000000", paramLabel = "P",
            description = "Distinct resource ids in request paths. Default: ${DEFAULT-VALUE}.")
    int paths;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "X", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--rate", defaultValue = "20000", paramLabel = "LINES_PER_SECOND",
            description = "Log-time spacing of the lines, all proxies together. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--start", paramLabel = "EPOCH_MILLIS",
            description = "Log time of the first line. Default: 2025-07-15T12:00:00Z.")
    Long start;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created).")
    Path out;

    @Override
    public void run() {
        long t0 = System.nanoTime();
        LogGenerator generator = new LogGenerator(servers, servicesPerServer, paths, seed);
        LogGenerator.Written written = generator.writeFiles(LogGenerator.Format.parse(format), lines, out,
                start == null ? LogGenerator.DEFAULT_START_MILLIS : start, rate);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("config", written.config().toString());
        summary.put("files", written.logs().size());
        summary.put("lines", written.lines());
        summary.put("bytes", written.bytes());
        summary.put("expectedNodes", generator.expectedNodes());
        summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e6) / 1000.0);
        try {
            System.out.println(new ObjectMapper().writeValueAsString(summary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Until the lead registers it under {@code trafficviz generate}: {@code java -cp trafficviz.jar ...GenerateCommand}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new GenerateCommand()).execute(args));
    }
}
