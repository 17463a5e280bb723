package io.trafficviz.parse;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of the access-log parser: the JSON byte scanner, its Jackson fallback and the CLF
 * scanner. A normal build replays the seeds and every input the fuzzer ever kept (the {@code ScannerFuzzTestInputs}
 * directories beside this class in src/test/resources); {@code scripts/fuzz} fuzzes (docs/security.md).
 */
class ScannerFuzzTest {
    private static final String[] FORMATS = {"auto", "json", "common", "genericCLF"};

    /** Any bytes, in every format: read, or refused as malformed, never another exception or the internal net. */
    @FuzzTest(maxDuration = "10s")
    void anyLineIsReadOrRefusedAsMalformed(byte[] line) {
        for (String format : FORMATS) {
            AccessLogEntry entry = new AccessLogEntry();
            try {
                TraefikLogParser.forFormat(format).parseInto(line, 0, line.length, entry);
            } catch (MalformedLineException expected) {
                assertThat(expected.getMessage()).as("%s: %s", format, text(line)).doesNotStartWith("internal parser error");
            }
        }
    }

    /**
     * Where the byte scanner reads a line, Jackson's streaming fallback (which reads every line the scanner hands
     * on) reads it too, field for field: the two halves of one parser must not disagree about what a line says.
     */
    @FuzzTest(maxDuration = "10s")
    void scannerAndFallbackAgree(byte[] line) {
        int from = 0;
        int to = line.length;
        while (from < to && isBlank(line[from])) {
            from++;
        }
        while (to > from && isBlank(line[to - 1])) {
            to--;
        }
        if (from == to || line[from] != '{') {
            return;
        }
        AccessLogEntry scanned = new AccessLogEntry();
        if (!new JsonScanner(new ValueCaches(), KeptFields.ALL).scan(line, from, to, scanned)) {
            return; // the fallback decides alone
        }
        String text = new String(line, from, to - from, StandardCharsets.UTF_8);
        AccessLogEntry fallback = new AccessLogEntry();
        try {
            new JsonFallback(KeptFields.ALL).scan(text, fallback);
        } catch (MalformedLineException e) {
            throw new AssertionError("the scanner read a line the fallback refuses (" + e.getMessage() + "): " + text);
        }
        JacksonOracle.assertSameEntry(scanned, fallback, text);
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }
}
