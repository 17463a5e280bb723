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
 * ROUNDS passes over FILE's lines. Usage: {@code ParseProbe FILE FORMAT [ROUNDS]}. Uses only the public parser API,
 * so it runs against any build (A/B comparisons).
 */
public final class ParseProbe {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        TraefikLogParser parser = TraefikLogParser.forFormat(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
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
}
