package io.trafficviz.benchmarks;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.parse.AccessLogEntry;
import io.trafficviz.parse.MalformedLineException;
import io.trafficviz.parse.TraefikLogParser;
import io.trafficviz.ingest.Ingest;
import io.trafficviz.source.replay.Replayer;
import io.trafficviz.source.LineBatch;
import io.trafficviz.source.replay.FileReader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where ingest time goes, one thread, lines already in memory: parse only, then parse + resolve + graph through the
 * pipeline. Usage: {@code IngestStages CONFIG [ROUNDS [replay|warm]]}. Prints one line per stage and round.
 *
 * <p>With {@code replay}, each round instead reads the files (from the page cache) through the pipeline twice, the way
 * {@code replay --speed max} did before reading bytes in place (each line decoded into a String, batches of Strings)
 * and the way it does now ({@code Ingest.acceptChunk}): an A/B in one JVM, in CPU time of the reading thread, so
 * that other load on the machine and the JIT's warm-up weigh on both alike (compare the later rounds).
 *
 * <p>With {@code scaling}, ROUNDS passes measure, on this thread once the JIT has compiled them, the three parts of
 * a replay: reading and cutting lines (one thread: the reader), parsing (any number of threads) and counting (one
 * thread, in order); from them, what 1, 2, 8 and 16 cores could ingest on paper: lines/s = 1 / max(counting,
 * reading, all three / cores). GC and JIT left out.
 *
 * <p>With {@code warm}, ROUNDS passes through the pipeline the way replay reads now, for the CPU per line once the JIT
 * has compiled the hot path (bench/run's "warm" figures).
 */
public final class IngestStages {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        TrafficvizApp app = TrafficvizApp.create(ConfigLoader.load(config), true);
        app.startDiscovery();
        Bench.awaitDiscovery(app);
        Map<String, String> files = app.logFiles();
        if (args.length > 2 && args[2].equals("replay")) {
            replayRounds(app.ingest(), new ArrayList<>(files.keySet()), rounds);
            app.close();
            return;
        }
        if (args.length > 2 && args[2].equals("scaling")) {
            scaling(app.ingest(), new ArrayList<>(files.keySet()), rounds);
            app.close();
            System.exit(0);
        }
        if (args.length > 2 && args[2].equals("warm")) {
            warmRounds(app.ingest(), new ArrayList<>(files.keySet()), rounds);
            app.close();
            System.exit(0);
        }
        List<String> origins = new ArrayList<>();
        List<List<String>> texts = new ArrayList<>();
        long total = 0;
        long bytes = 0;
        for (Map.Entry<String, String> f : files.entrySet()) {
            List<String> lines = Files.readAllLines(Path.of(f.getKey()), StandardCharsets.UTF_8);
            origins.add(f.getKey());
            texts.add(lines);
            total += lines.size();
            bytes += Files.size(Path.of(f.getKey()));
        }
        System.out.printf("loaded %d lines (%d bytes) from %d files%n", total, bytes, files.size());
        String format = files.values().iterator().next();
        for (int round = 0; round < rounds; round++) {
            TraefikLogParser parser = TraefikLogParser.forFormat(format);
            AccessLogEntry entry = new AccessLogEntry();
            long t0 = System.nanoTime();
            long c0 = CPU.getCurrentThreadCpuTime();
            long sink = 0;
            for (List<String> lines : texts) {
                for (String line : lines) {
                    try {
                        parser.parseInto(line, entry);
                        sink += entry.downstreamStatus;
                    } catch (MalformedLineException e) {
                        sink--;
                    }
                }
            }
            report("parse", total, System.nanoTime() - t0, CPU.getCurrentThreadCpuTime() - c0, sink);

            Ingest pipeline = app.ingest();
            t0 = System.nanoTime();
            c0 = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < texts.size(); i++) {
                List<String> lines = texts.get(i);
                for (int from = 0; from < lines.size(); from += 1024) {
                    pipeline.accept(LineBatch.of(origins.get(i), lines.subList(from, Math.min(lines.size(), from + 1024))));
                }
            }
            report("pipeline", total, System.nanoTime() - t0, CPU.getCurrentThreadCpuTime() - c0, pipeline.totals().lines());
        }
        app.close();
    }

    private static void replayRounds(Ingest pipeline, List<String> paths, int rounds) throws Exception {
        for (int round = 0; round < rounds; round++) {
            long lines = pipeline.totals().lines();
            long t0 = System.nanoTime();
            long c0 = CPU.getCurrentThreadCpuTime();
            readInTurn(pipeline, paths);
            long n = pipeline.totals().lines() - lines;
            report("bytes", n, System.nanoTime() - t0, CPU.getCurrentThreadCpuTime() - c0,
                    pipeline.totals().malformed());
        }
    }

    /**
     * Reads every file through ingest a 256 KiB chunk from each in turn, as {@code replay --speed max} does, all on this
     * thread (as on one core), so that the thread's CPU is every stage's.
     */
    private static void readInTurn(Ingest pipeline, List<String> paths) throws Exception {
        Replayer.readInTurn(pipeline, paths, 256 * 1024, 1);
    }

    private static void scaling(Ingest ingest, List<String> paths, int rounds) throws Exception {
        double read = Double.MAX_VALUE;
        double parse = Double.MAX_VALUE;
        double all = Double.MAX_VALUE;
        long lines = 0;
        Ingest.Parsed parsed = ingest.newPrepared();
        for (int round = 0; round < rounds; round++) {
            long c0 = CPU.getCurrentThreadCpuTime();
            lines = eachBatch(paths, batch -> { });
            long c1 = CPU.getCurrentThreadCpuTime();
            eachBatch(paths, batch -> ingest.prepare(batch, parsed));
            long c2 = CPU.getCurrentThreadCpuTime();
            readInTurn(ingest, paths);
            long c3 = CPU.getCurrentThreadCpuTime();
            System.out.printf("round %d: read+cut %.0f, read+cut+parse %.0f, read+cut+parse+count %.0f cpu-ns/line%n",
                    round + 1, (c1 - c0) / (double) lines, (c2 - c1) / (double) lines, (c3 - c2) / (double) lines);
            if (round > 0 || rounds == 1) {
                read = Math.min(read, (c1 - c0) / (double) lines);
                parse = Math.min(parse, (c2 - c1) / (double) lines - (c1 - c0) / (double) lines);
                all = Math.min(all, (c3 - c2) / (double) lines);
            }
        }
        double count = all - read - parse;
        StringBuilder projected = new StringBuilder();
        for (int cores : new int[]{1, 2, 8, 16}) {
            double ns = Math.max(Math.max(count, read), all / cores);
            projected.append(projected.length() == 0 ? "" : ", ").append('"').append(cores).append("\":")
                    .append(Math.round(1e9 / ns));
        }
        System.out.printf("{\"readNsPerLine\":%.0f,\"parseNsPerLine\":%.0f,\"countNsPerLine\":%.0f,"
                        + "\"allNsPerLine\":%.0f,\"projectedLinesPerSecond\":{%s}}%n",
                read, parse, count, all, projected);
    }

    /** Reads every file a 256 KiB chunk from each in turn, as replay does, handing each batch to {@code each}. */
    private static long eachBatch(List<String> paths, java.util.function.Consumer<LineBatch> each) throws Exception {
        long lines = 0;
        List<FileReader.Chunks> open = new ArrayList<>();
        for (String path : paths) {
            open.add(new FileReader.Chunks(Path.of(path), 256 * 1024));
        }
        LineBatch batch = new LineBatch("", 512, 260 * 1024);
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            active.add(i);
        }
        while (!active.isEmpty()) {
            for (java.util.Iterator<Integer> it = active.iterator(); it.hasNext(); ) {
                int i = it.next();
                batch.clear(paths.get(i));
                if (!open.get(i).next(batch)) {
                    it.remove();
                }
                lines += batch.size();
                each.accept(batch);
            }
        }
        for (FileReader.Chunks c : open) {
            c.close();
        }
        return lines;
    }

    /**
     * Ingest with the JIT's work done: ROUNDS passes over the files as {@code replay --speed max} reads them (in place,
     * a chunk from each file in turn) into one pipeline, timing the reading thread's CPU. The first pass pays the
     * compiler (on the same core when pinned) and creates the graph; the later ones are what a running server costs per
     * line. Prints each round, then one JSON line with the best later round.
     */
    private static void warmRounds(Ingest pipeline, List<String> paths, int rounds) throws Exception {
        double best = Double.MAX_VALUE;
        long lines = 0;
        StringBuilder each = new StringBuilder();
        for (int round = 0; round < rounds; round++) {
            long before = pipeline.totals().lines();
            long c0 = CPU.getCurrentThreadCpuTime();
            readInTurn(pipeline, paths);
            lines = pipeline.totals().lines() - before;
            double nsPerLine = (CPU.getCurrentThreadCpuTime() - c0) / (double) lines;
            each.append(each.length() == 0 ? "" : ",").append(Math.round(nsPerLine));
            System.err.printf("warm round %d: %,d lines, %.0f cpu-ns/line, load %s%n", round + 1, lines, nsPerLine,
                    Bench.loadAverage());
            if (round > 0 || rounds == 1) {
                best = Math.min(best, nsPerLine);
            }
        }
        System.out.printf("{\"lines\":%d,\"cpuNsPerLineByRound\":[%s],\"bestWarmCpuNsPerLine\":%.0f,"
                + "\"warmLinesPerCpuSecond\":%d,\"malformed\":%d}%n", lines, each, best, Math.round(1e9 / best),
                pipeline.totals().malformed());
    }

    private static void report(String stage, long lines, long nanos, long cpuNanos, long sink) {
        System.out.printf("%-9s wall %,10d lines/s  cpu %,10d lines/s  %6.0f cpu-ns/line  load %s (%d)%n", stage,
                Math.round(lines / (nanos / 1e9)), Math.round(lines / (cpuNanos / 1e9)), cpuNanos / (double) lines,
                Bench.loadAverage(), sink);
    }
}
