package io.trafficviz.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference for the JSON ingest budget, measured on this machine at this moment: stock Jackson streaming
 * tokenising the same files (every token of every line, no field handling: the least a JSON reader can do), one
 * parser per file reading its root-level objects in sequence. Usage: {@code JacksonReference FILE...}; prints one JSON
 * line with lines, seconds, linesPerSecond (wall) and cpuSeconds of the reading thread. Run it pinned like replay.
 */
public final class JacksonReference {
    public static void main(String[] args) throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        JsonFactory factory = new JsonFactory();
        long lines = 0;
        long tokens = 0;
        long t0 = System.nanoTime();
        long c0 = cpu.getCurrentThreadCpuTime();
        for (String file : args) {
            try (InputStream in = Files.newInputStream(Path.of(file));
                 JsonParser parser = factory.createParser(in)) {
                int depth = 0;
                JsonToken token;
                while ((token = parser.nextToken()) != null) {
                    tokens++;
                    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                        depth++;
                    } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                        if (--depth == 0) {
                            lines++;
                        }
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (cpu.getCurrentThreadCpuTime() - c0) / 1e9;
        System.out.printf("{\"lines\":%d,\"tokens\":%d,\"seconds\":%.3f,\"linesPerSecond\":%d,\"cpuSeconds\":%.3f}%n",
                lines, tokens, seconds, Math.round(lines / seconds), cpuSeconds);
    }
}
