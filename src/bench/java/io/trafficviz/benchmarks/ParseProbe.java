package io.trafficviz.benchmarks;

import io.trafficviz.parse.AccessLogEntry;
import io.trafficviz.parse.MalformedLineException;
import io.trafficviz.parse.TraefikLogParser;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Parser cost in CPU time of the parsing thread (robust to other load on the machine, unlike wall time): the best of
 * ROUNDS passes over FILE's lines. Usage: {@code ParseProbe FILE FORMAT [ROUNDS [MODE]]}, MODE one of {@code strings}
 * (the default: the general parser on line Strings; public API any build has, for A/B comparisons),
 * {@code pipeline-decode} (the pipeline's parser on each line decoded from the file's bytes, as replay did before it
 * read bytes in place) or {@code pipeline-bytes} (the pipeline's parser on the bytes in place, as replay does now).
 */
public final class ParseProbe {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String mode = args.length > 3 ? args[3] : "strings";
        if (!mode.equals("strings")) {
            pipeline(lines, args[1], rounds, mode);
            return;
        }
        TraefikLogParser parser = TraefikLogParser.forFormat(args[1]);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        AccessLogEntry entry = new AccessLogEntry();
        double best = Double.MAX_VALUE;
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long c0 = cpu.getCurrentThreadCpuTime();
            for (String line : lines) {
                try {
                    parser.parseInto(line, entry);
                    sink += entry.startMillis + entry.downstreamStatus;
                } catch (MalformedLineException e) {
                    sink--;
                }
            }
            best = Math.min(best, (cpu.getCurrentThreadCpuTime() - c0) / (double) lines.size());
        }
        System.out.printf("parse %s: best %.0f cpu-ns/line = %,d lines/cpu-s over %d lines (load %s) %d%n", args[1], best,
                Math.round(1e9 / best), lines.size(), Bench.loadAverage(), sink % 10);
    }

    private static void pipeline(List<String> lines, String format, int rounds, String mode) {
        boolean inPlace = switch (mode) {
            case "pipeline-bytes" -> true;
            case "pipeline-decode" -> false;
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
        byte[] file = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        int[] starts = new int[lines.size() + 1];
        for (int i = 0, at = 0; i < lines.size(); i++) {
            starts[i] = at;
            at += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        starts[lines.size()] = file.length + 1;
        TraefikLogParser parser = TraefikLogParser.essentialFields(format, false, null);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        AccessLogEntry entry = new AccessLogEntry();
        double best = Double.MAX_VALUE;
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long c0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < lines.size(); i++) {
                int from = starts[i];
                int length = starts[i + 1] - 1 - from;
                try {
                    if (inPlace) {
                        parser.parseInto(file, from, length, entry);
                    } else {
                        parser.parseInto(new String(file, from, length, StandardCharsets.UTF_8), entry);
                    }
                    sink += entry.startMillis + entry.downstreamStatus;
                } catch (MalformedLineException e) {
                    sink--;
                }
            }
            best = Math.min(best, (cpu.getCurrentThreadCpuTime() - c0) / (double) lines.size());
        }
        System.out.printf("parse %s %s: best %.0f cpu-ns/line = %,d lines/cpu-s over %d lines (load %s) %d%n", format,
                mode, best, Math.round(1e9 / best), lines.size(), Bench.loadAverage(), sink % 10);
    }
}
