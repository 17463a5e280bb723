package io.trafficviz.benchmarks.jmh;

import io.trafficviz.bench.LogGenerator;
import io.trafficviz.parse.AccessLogEntry;
import io.trafficviz.parse.MalformedLineException;
import io.trafficviz.parse.TraefikLogParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** One Traefik line parsed into a reused entry: the hand-written JSON scanner and the CLF parser. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParserBench {
    static final int LINES = 4096;

    @Param({"json", "common"})
    public String format;

    private String[] lines;
    private TraefikLogParser parser;
    private final AccessLogEntry entry = new AccessLogEntry();

    @Setup
    public void setUp() {
        LogGenerator generator = new LogGenerator(40, 18, 1_000_000, 1);
        LogGenerator.Format f = LogGenerator.Format.parse(format);
        lines = new String[LINES];
        for (int i = 0; i < LINES; i++) {
            lines[i] = generator.next(LogGenerator.DEFAULT_START_MILLIS + i).line(f);
        }
        parser = TraefikLogParser.forFormat(format);
    }

    /** Per line (the score is divided by {@value #LINES}). */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long parse() throws MalformedLineException {
        long sink = 0;
        for (String line : lines) {
            parser.parseInto(line, entry);
            sink += entry.downstreamStatus + entry.startMillis;
        }
        return sink;
    }
}
