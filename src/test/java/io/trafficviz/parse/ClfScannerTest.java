package io.trafficviz.parse;

import io.trafficviz.sim.TraefikLineWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CLF lines given as bytes ({@link TraefikLogParser#parseInto(byte[], int, int, AccessLogEntry)}, read in place by
 * {@link ClfByteScanner} when they are plain ASCII) must give exactly what the same line gives as a String: the same
 * fields, or the same error. Checked for every parser flavour that reads CLF, on the Traefik fixtures written as
 * {@code common} and {@code genericCLF}, on Traefik-written and hostile lines and on randomly damaged bytes.
 */
class ClfScannerTest {
    private static final List<Field> FIELDS = comparedFields();
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Pairs of parsers configured alike: one reads Strings, one bytes (each keeps its own state across lines). */
    private final List<TraefikLogParser[]> flavours = List.of(
            new TraefikLogParser[]{TraefikLogParser.forFormat("common"), TraefikLogParser.forFormat("common")},
            new TraefikLogParser[]{TraefikLogParser.forFormat("genericCLF"), TraefikLogParser.forFormat("genericCLF")},
            new TraefikLogParser[]{TraefikLogParser.forFormat("auto"), TraefikLogParser.forFormat("auto")},
            new TraefikLogParser[]{TraefikLogParser.essentialFields("common", false, null),
                    TraefikLogParser.essentialFields("common", false, new ValueCaches())},
            new TraefikLogParser[]{TraefikLogParser.essentialFields("genericCLF", true, null),
                    TraefikLogParser.essentialFields("genericCLF", true, new ValueCaches())},
            new TraefikLogParser[]{TraefikLogParser.essentialFields("auto", true, null),
                    TraefikLogParser.essentialFields("auto", true, new ValueCaches())});

    /** The JSON fixtures' requests as Traefik's CommonLogFormatter (and, without the tail, genericCLF) writes them. */
    static List<String> fixtureClfLines() {
        List<String> out = new ArrayList<>();
        try {
            for (String json : JacksonOracle.fixtureLines()) {
                AccessLogEntry e = JacksonOracle.expected(json);
                String generic = dash(e.clientHost) + " - " + dash(e.clientUsername) + " ["
                        + (e.startMillis == 0 ? "-" : CLF_TIME.format(Instant.ofEpochMilli(e.startMillis))) + "] \""
                        + dash(e.requestMethod) + " " + dash(e.requestPath) + " " + dash(e.requestProtocol) + "\" "
                        + e.downstreamStatus + " " + e.downstreamContentSize + " \"" + dash(e.requestHeader("Referer"))
                        + "\" \"" + dash(e.requestHeader("User-Agent")) + "\"";
                out.add(generic + " " + e.requestCount + " \"" + dash(e.routerName) + "\" \"" + dash(e.serviceUrl)
                        + "\" " + e.durationNanos / 1_000_000 + "ms");
                out.add(generic);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // What the benchmarks' generator writes (a Traefik 3 common line).
        out.add(TraefikLineWriter.common(new TraefikLineWriter.Request(1_752_585_273_000L, "10.1.2.3", 4242, "POST",
                "api.local", "/api/7/12?page=2", 201, 512, 3_500_000, "api@file", "api", "http://10.0.0.3:8080",
                "10.0.0.3:8080", "private-net", 99)));
        out.add(TraefikLineWriter.common(new TraefikLineWriter.Request(1_752_585_273_000L, "203.0.113.9", 1, "GET",
                "x", "/nope", 404, 19, 0, null, null, null, null, "public-net", 1)));
        return out;
    }

    private static String dash(Object value) {
        return value == null || value.toString().isEmpty() ? "-" : value.toString();
    }

    @Test
    void everyAsciiFixtureLineIsReadInPlaceWithoutFallingBack() {
        ClfByteScanner scanner = new ClfByteScanner(new ValueCaches());
        AccessLogEntry entry = new AccessLogEntry();
        int read = 0;
        for (String line : fixtureClfLines()) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            if (!ClfByteScanner.plainAscii(bytes, 0, bytes.length)) {
                continue;
            }
            entry.reset();
            assertThat(scanner.scan(bytes, 0, bytes.length, 0, bytes.length, InputFormat.AUTO, entry)).as(line).isTrue();
            read++;
        }
        assertThat(read).isGreaterThan(600);
    }

    @Test
    void fixtureLinesGiveTheSameEntryAsStrings() {
        List<String> lines = fixtureClfLines();
        assertThat(lines).hasSizeGreaterThan(1200);
        for (int pass = 0; pass < 2; pass++) { // the second pass with filled caches
            for (String line : lines) {
                assertSameOutcome(line.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    static Stream<Arguments> hostileLines() {
        String base = "172.24.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /api/items?id=7 HTTP/1.1\" 200 62"
                + " \"https://public.localhost/\" \"curl/8.5.0\" 17 \"public-communicating-service@file\""
                + " \"http://public-communicating-service\" 22ms";
        String generic = "10.0.0.1 - Client [10/Nov/2009:14:00:00 -0900] \"GET /foo http\" 123 132 \"referer\" \"agent\"";
        return Stream.of(
                // Traefik-written (ClfLineCasesTest)
                base,
                generic,
                "10.0.0.1 - Client [10/Nov/2009:23:00:00 +0000] \"GET /foo http\" 123 132 \"referer\" \"agent\" -"
                        + " \"foo\" \"http://10.0.0.2/toto\" 123000ms",
                "10.0.0.1 - - [10/Nov/2009:23:00:00 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"foo \\\" bar\" 1"
                        + " \"test@file\" \"http://127.0.0.1:8080\" 1ms",
                " TestHost - TestUser [13/Apr/2016:07:14:19 -0700] \"POST testpath?param1=test1&param2=test2"
                        + " HTTP/0.0\" 123 12 \"testReferer\" \"testUserAgent\" 1 \"testRouter\""
                        + " \"http://127.0.0.1/testService\" 1ms",
                "- - TestUser [13/Apr/2016:07:14:19 -0700] \"POST testpath HTTP/0.0\" 123 12 \"testReferer\""
                        + " \"testUserAgent\" 23 \"testRouter\" \"http://127.0.0.1/testService\" 1ms",
                "10.0.0.1 - Client [10/Nov/2009:23:00:00 +0000] \"GET /foo http\" - - \"-\" \"-\" 0 \"-\" \"-\" 123000ms",
                "172.24.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /nope HTTP/1.1\" 404 19 \"-\" \"-\" 5 \"-\" \"-\" 0ms",
                "172.24.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 308 18 \"-\" \"Mozilla/5.0\" 6"
                        + " \"web-to-websecure@internal\" \"-\" 0ms",
                "203.0.113.7, 10.0.0.2 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\" 1"
                        + " \"r@file\" \"http://s\" 1ms",
                "10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /a\"b?q=\"x\" HTTP/1.1\" 200 5 \"-\""
                        + " \"Mozilla \"quoted\" \\ ok\" 3 \"r@file\" \"http://s\" 1ms",
                "10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /a\"b?q=\"x\" HTTP/1.1\" 200 5 \"-\""
                        + " \"Mozilla \"quoted\" ok\" 3 \"r@file\" \"http://s\" 1ms",
                "10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"http://r/?a=\\\"b\\\"\""
                        + " \"UA \"x\" y\"",
                "10.0.0.1 - - [-] \"HEAD / HTTP/1.1\" 204 - \"-\" \"-\" - \"parent@file -> child@file\" \"http://s\" 0ms",
                "127.0.0.1 - - [13/Mar/2020:18:49:07 +0000] \"GET /ping HTTP/1.1\" 200 2 \"-\" \"-\" 1 \"ping@internal\""
                        + " - 0ms",
                "10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"\r\n",
                // non-ASCII, escapes, control characters
                base.replace("curl/8.5.0", "caf\u00e9/1 \ud83d\ude00"),
                base.replace("/api/items", "/caf\u00e9"),
                base.replace("172.24.0.1", "h\u00f6st"),
                base.replace("public-communicating-service@file", "r\\\"q\\\"@file"),
                base.replace("public-communicating-service@file", "r\\@file"),
                base.replace("public-communicating-service@file", "r@file\\"),
                base.replace("curl/8.5.0", "a\tb\u0001c"),
                base.replace("curl/8.5.0", "-"),
                base.replace("curl/8.5.0", ""),
                base.replace("https://public.localhost/", ""),
                base.replace("172.24.0.1", "203.0.113.7, ".repeat(40) + "10.0.0.2"), // too long to cache
                base.replace("curl/8.5.0", "Mozilla/5.0 ".repeat(40)),
                "\ufeff" + base,
                " \t" + base + " \r",
                base + "\u0000",
                // fields
                base.replace("200 62", "2000 62"),
                base.replace("200 62", "20x 62"),
                base.replace("200 62", "200 -"),
                base.replace("200 62", "200 6x"),
                base.replace("200 62", "200 99999999999999999999"),
                base.replace("200 62", "200  62"),
                base.replace(" 17 ", " x "),
                base.replace(" 17 ", " - "),
                base.replace(" 17 ", " "),
                base.replace("22ms", "ms"),
                base.replace("22ms", "1234567890123ms"),
                base.replace("22ms", "22 ms"),
                base.replace("22ms", "22s"),
                base.replace(" \"http://public-communicating-service\"", " http://public-communicating-service"),
                base.replace(" \"http://public-communicating-service\"", " \"http://public-communicating-service"),
                base.replace(" \"http://public-communicating-service\"", " http://public-communicating-service\""),
                base.replace(" \"public-communicating-service@file\"", ""),
                base.replace("\"GET /api/items?id=7 HTTP/1.1\"", "\"GET\""),
                base.replace("\"GET /api/items?id=7 HTTP/1.1\"", "\"GET /api\""),
                base.replace("\"GET /api/items?id=7 HTTP/1.1\"", "\"-\""),
                base.replace("\"GET /api/items?id=7 HTTP/1.1\"", "\"GET /a b c HTTP/1.1\""),
                base.replace("\"GET /api/items?id=7 HTTP/1.1\"", "\"GET  HTTP/1.1\""),
                base.replace("\"GET /api/items?id=7 HTTP/1.1\"", "\"GET /x\" 200 HTTP/1.1\""),
                base.replace(" - - ", " - "),
                base.replace(" - - ", " -- "),
                base.replace(" - - ", " - a b [c] - "),
                base.replace(" - - ", " - - [x] "),
                // timestamps
                base.replace("15/Jul/2025:13:14:33 +0000", "15/Jux/2025:13:14:33 +0000"),
                base.replace("15/Jul/2025:13:14:33 +0000", "31/Jun/2025:13:14:33 +0000"),
                base.replace("15/Jul/2025:13:14:33 +0000", "29/Feb/2024:13:14:33 +0000"),
                base.replace("15/Jul/2025:13:14:33 +0000", "29/Feb/2025:13:14:33 +0000"),
                base.replace("15/Jul/2025:13:14:33 +0000", "15/Jul/2025:24:14:33 +0000"),
                base.replace("15/Jul/2025:13:14:33 +0000", "15/Jul/2025:13:14:33 +1900"),
                base.replace("15/Jul/2025:13:14:33 +0000", "15/Jul/2025:13:14:33 +0560"),
                base.replace("15/Jul/2025:13:14:33 +0000", "15/Jul/2025:13:14:33 *0000"),
                base.replace("15/Jul/2025:13:14:33 +0000", "15/Jul/2025 13:14:33 +0000"),
                base.replace("15/Jul/2025:13:14:33 +0000", "15/Jul/2025:13:14:33"),
                base.replace("15/Jul/2025:13:14:33 +0000", "15/Jul/2025:13:14:33 +00000"),
                base.replace("15/Jul/2025:13:14:33 +0000", ""),
                // structure
                base.substring(0, base.length() - 1),
                base.substring(0, base.length() / 2),
                base + " x",
                base + "\"",
                generic.substring(0, generic.length() - 1),
                generic.replace("\" \"agent", "\"\"agent"),
                generic.replace("\"agent\"", "\"\""),
                generic.replace("\"referer\" ", ""),
                "-",
                "- - - [-] \"- - -\" - - \"-\" \"-\"",
                "- - - [-] \"a b c\" 1 - \"-\" \"-\" - \"-\" \"-\" 0ms",
                "",
                " ",
                "{\"DownstreamStatus\":200}",
                "x"
        ).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("hostileLines")
    void hostileLinesGiveTheSameOutcomeAsStrings(String line) {
        assertSameOutcome(line.getBytes(StandardCharsets.UTF_8));
        assertSameOutcome(line.getBytes(StandardCharsets.UTF_8)); // with the caches filled
    }

    /** A line in every time variant, each after a valid one (the scanner reads only seconds when minute and zone repeat). */
    static List<byte[]> sameMinuteLines() {
        String line = "10.0.0.1 - - [TIME] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\" 1 \"r@file\" \"http://s\" 1ms";
        List<byte[]> lines = new ArrayList<>();
        for (String time : new String[]{"15/Jul/2025:13:14:33 +0000", "15/Jul/2025:13:14:00 +0000",
                "15/Jul/2025:13:14:59 +0000", "15/Jul/2025:13:14:60 +0000", "15/Jul/2025:13:14:6x +0000",
                "15/Jul/2025:13:14:-1 +0000", "15/Jul/2025:13:14:/9 +0000", "15/Jul/2025:13:14;33 +0000",
                "15/Jul/2025:13:14:33 +0200", "15/Jul/2025:13:14:34 +0200", "15/Jul/2025:13:14:34 -0200",
                "15/Jul/2025:13:15:01 -0200", "15/Jul/2025:13:14:33+0000", "15/Jul/2025:13:14:33 +0000 ",
                "-", "15/Jul/2025:13:14:02 +0000", "31/Dec/2025:23:59:59 +0000", "31/Dec/2025:23:59:58 +0000",
                "01/Jan/2026:00:00:00 -0100"}) {
            lines.add(line.replace("TIME", time).getBytes(StandardCharsets.UTF_8));
        }
        return lines;
    }

    @Test
    void timesInTheSameMinuteAsThePreviousLineAreReadRight() {
        for (byte[] line : sameMinuteLines()) {
            assertSameOutcome(line);
        }
    }

    /** The first fixture line with invalid UTF-8 put at the start, inside fields and at the end. */
    static List<byte[]> invalidUtf8Lines() {
        String base = fixtureClfLines().get(0);
        List<byte[]> lines = new ArrayList<>();
        for (byte[] junk : new byte[][]{{(byte) 0xC3}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}, {(byte) 0x80}}) {
            for (int at : new int[]{0, 3, base.indexOf('['), base.indexOf('"') + 2, base.length() - 3, base.length()}) {
                byte[] head = base.substring(0, at).getBytes(StandardCharsets.UTF_8);
                byte[] tail = base.substring(at).getBytes(StandardCharsets.UTF_8);
                byte[] line = new byte[head.length + junk.length + tail.length];
                System.arraycopy(head, 0, line, 0, head.length);
                System.arraycopy(junk, 0, line, head.length, junk.length);
                System.arraycopy(tail, 0, line, head.length + junk.length, tail.length);
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void invalidUtf8GivesTheSameOutcomeAsTheDecodedString() {
        for (byte[] line : invalidUtf8Lines()) {
            assertSameOutcome(line);
        }
    }

    @Test
    void aLineIsNeverReadPastItsEndInALargerBuffer() {
        // The buffer goes on with what would complete the line; the line itself is cut short, so it differs.
        String whole = "10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\" 1 \"r@file\""
                + " \"http://s\" 12ms";
        for (int cut = 1; cut <= whole.length(); cut++) {
            byte[] buffer = ("xx" + whole + "\n" + whole).getBytes(StandardCharsets.UTF_8);
            assertSameOutcome(buffer, 2, cut);
            byte[] before = (whole + "\n" + whole).getBytes(StandardCharsets.UTF_8);
            assertSameOutcome(before, before.length - cut, cut);
        }
    }

    /** 30,000 fixture lines with one to three random edits each (deterministic). */
    static List<byte[]> damagedLines() {
        List<String> lines = fixtureClfLines();
        Random random = new Random(20251128L);
        byte[] interesting = "\"\\[]-0123456789 :/+msx\t\r\n".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> damaged = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            byte[] line = lines.get(random.nextInt(lines.size())).getBytes(StandardCharsets.UTF_8);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && line.length > 0; e++) {
                int at = random.nextInt(line.length);
                switch (random.nextInt(5)) {
                    case 0 -> line[at] = interesting[random.nextInt(interesting.length)];
                    case 1 -> line[at] = (byte) random.nextInt(256);
                    case 2 -> line = Arrays.copyOf(line, at); // truncated
                    case 3 -> {
                        byte[] shorter = new byte[line.length - 1];
                        System.arraycopy(line, 0, shorter, 0, at);
                        System.arraycopy(line, at + 1, shorter, at, line.length - at - 1);
                        line = shorter;
                    }
                    default -> {
                        int other = random.nextInt(line.length);
                        byte c = line[at];
                        line[at] = line[other];
                        line[other] = c;
                    }
                }
            }
            damaged.add(line);
        }
        return damaged;
    }

    @Test
    void randomlyDamagedBytesGiveTheSameOutcomeAsStrings() {
        int fastPathAccepted = 0;
        for (byte[] line : damagedLines()) {
            if (assertSameOutcome(line)) {
                fastPathAccepted++;
            }
        }
        assertThat(fastPathAccepted).as("lines the in-place scanner itself accepted").isGreaterThan(3_000);
    }

    @Test
    void recordedLinesGiveWhatTheStringParserGave() {
        Map<String, String> recorded = ClfGolden.load();
        for (String format : ClfGolden.FORMATS) {
            TraefikLogParser parser = TraefikLogParser.forFormat(format);
            for (int pass = 0; pass < 2; pass++) { // the second pass with the caches filled
                for (byte[] line : ClfGolden.recordedLines()) {
                    String key = ClfGolden.lineKey(format, line, 0, line.length);
                    assertThat(recorded).as(key).containsKey(key);
                    assertThat(ClfGolden.outcome(parser, line, 0, line.length)).as(key).isEqualTo(recorded.get(key));
                }
            }
        }
    }

    @Test
    void damagedLinesGiveWhatTheStringParserGave() {
        Map<String, String> recorded = ClfGolden.load();
        List<byte[]> damaged = damagedLines();
        for (String format : ClfGolden.FORMATS) {
            TraefikLogParser parser = TraefikLogParser.forFormat(format);
            for (int block = 0; block * ClfGolden.BLOCK < damaged.size(); block++) {
                List<String> outcomes = new ArrayList<>();
                for (byte[] line : damaged.subList(block * ClfGolden.BLOCK,
                        Math.min(damaged.size(), (block + 1) * ClfGolden.BLOCK))) {
                    outcomes.add(ClfGolden.outcome(parser, line, 0, line.length));
                }
                assertThat(ClfGolden.digest(outcomes))
                        .as("outcomes of damaged lines %d to %d (%s), against ClfLineParser at ad4def5",
                                block * ClfGolden.BLOCK, (block + 1) * ClfGolden.BLOCK - 1, format)
                        .isEqualTo(recorded.get(ClfGolden.blockKey(format, block)));
            }
        }
    }

    private boolean assertSameOutcome(byte[] bytes) {
        return assertSameOutcome(bytes, 0, bytes.length);
    }

    /**
     * Parses {@code buffer[from, from+length)} with every flavour, as bytes and as the String they decode to; returns
     * whether the in-place scanner accepted the line itself (rather than handing it to the String path).
     */
    private boolean assertSameOutcome(byte[] buffer, int from, int length) {
        String text = new String(buffer, from, length, StandardCharsets.UTF_8);
        for (TraefikLogParser[] pair : flavours) {
            AccessLogEntry fromString = new AccessLogEntry();
            AccessLogEntry fromBytes = new AccessLogEntry();
            String stringError = null;
            String bytesError = null;
            try {
                pair[0].parseInto(text, fromString);
            } catch (MalformedLineException e) {
                stringError = e.getMessage();
            }
            try {
                pair[1].parseInto(buffer, from, length, fromBytes);
            } catch (MalformedLineException e) {
                bytesError = e.getMessage();
            }
            assertThat(bytesError).as(pair[0].format() + ": " + text).isEqualTo(stringError);
            if (stringError != null) {
                assertThat(stringError).as("the String path must not fail inside: " + text)
                        .doesNotContain("internal parser error");
            } else {
                assertSameFields(fromBytes, fromString, text);
            }
        }
        int start = from;
        int end = from + length;
        while (start < end && (buffer[start] == ' ' || buffer[start] == '\t')) {
            start++;
        }
        while (end > start && (buffer[end - 1] == ' ' || buffer[end - 1] == '\r' || buffer[end - 1] == '\t'
                || buffer[end - 1] == '\n')) {
            end--;
        }
        return start < end && new ClfByteScanner(new ValueCaches())
                .scan(buffer, from, from + length, start, end, InputFormat.AUTO, new AccessLogEntry());
    }

    private static void assertSameFields(AccessLogEntry actual, AccessLogEntry expected, String line) {
        try {
            for (Field field : FIELDS) {
                assertThat(field.get(actual)).as(field.getName() + " of " + line).isEqualTo(field.get(expected));
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        assertThat(actual.headers()).as(line).isEqualTo(expected.headers());
        assertThat(actual.pathWithoutQuery()).as(line).isEqualTo(expected.pathWithoutQuery());
        assertThat(actual.callerAddress()).as(line).isEqualTo(expected.callerAddress());
    }

    /** Every field but the path cache, which {@link #assertSameFields} checks by value. */
    private static List<Field> comparedFields() {
        List<Field> fields = new ArrayList<>();
        for (Field field : AccessLogEntry.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && !field.getName().equals("pathBeforeQuery")) {
                field.setAccessible(true);
                fields.add(field);
            }
        }
        return fields;
    }
}
