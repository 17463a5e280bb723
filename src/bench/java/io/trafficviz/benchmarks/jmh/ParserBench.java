package io.trafficviz.benchmarks.jmh;

import io.trafficviz.dev.generate.LogGenerator;
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

/** One Traefik line parsed into a reused entry: the JSON scanner and the CLF scanner, from bytes and from Strings. */
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
        pipelineParser = TraefikLogParser.essentialFields(format, false, null);
        bytesParser = TraefikLogParser.essentialFields(format, false, null);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        lineStarts = new int[LINES + 1];
        for (int i = 0; i < LINES; i++) {
            lineStarts[i] = all.size();
            all.writeBytes(lines[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        lineStarts[LINES] = all.size();
        file = all.toByteArray();
    }

    /** The lines back to back, as a file buffer holds them (without newlines), and where each starts. */
    private byte[] file;
    private int[] lineStarts;
    private TraefikLogParser bytesParser;

    /** The pipeline's parser on a line still in the file's bytes, as replay reads it (no String per line). */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long parseBytesForPipeline() throws MalformedLineException {
        long sink = 0;
        for (int i = 0; i < LINES; i++) {
            bytesParser.parseInto(file, lineStarts[i], lineStarts[i + 1] - lineStarts[i], entry);
            sink += entry.downstreamStatus + entry.startMillis;
        }
        return sink;
    }

    /** A line decoded into a String first (as the live tail still does), then parsed (which encodes it again). */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long decodeThenParseForPipeline() throws MalformedLineException {
        long sink = 0;
        for (int i = 0; i < LINES; i++) {
            String line = new String(file, lineStarts[i], lineStarts[i + 1] - lineStarts[i],
                    java.nio.charset.StandardCharsets.UTF_8);
            pipelineParser.parseInto(line, entry);
            sink += entry.downstreamStatus + entry.startMillis;
        }
        return sink;
    }

    private static final com.fasterxml.jackson.core.JsonFactory JACKSON = new com.fasterxml.jackson.core.JsonFactory();
    private TraefikLogParser pipelineParser;

    /** The pipeline's parser on a ready String: the same fields as above (the String is encoded and read as bytes). */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long parseForPipeline() throws MalformedLineException {
        long sink = 0;
        for (String line : lines) {
            pipelineParser.parseInto(line, entry);
            sink += entry.downstreamStatus + entry.startMillis;
        }
        return sink;
    }

    /**
     * Reference point: stock Jackson streaming over the same line, every value read (text as String, numbers as
     * long), no timestamp parsing: a lower bound for a Jackson-based parser. JSON only (CLF lines just fail fast).
     */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long jacksonStreaming() throws java.io.IOException {
        long sink = 0;
        if (!"json".equals(format)) {
            return sink;
        }
        for (String line : lines) {
            try (com.fasterxml.jackson.core.JsonParser p = JACKSON.createParser(line)) {
                com.fasterxml.jackson.core.JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                        sink += p.getText().length();
                    } else if (t == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT) {
                        sink += p.getLongValue();
                    } else if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                        sink += p.currentName().length();
                    }
                }
            }
        }
        return sink;
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
