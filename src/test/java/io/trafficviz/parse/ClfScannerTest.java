package io.trafficviz.parse;

import io.trafficviz.dev.sim.TraefikLineWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
 * CLF lines read by {@link ClfScanner}: Traefik's fixture requests written as {@code common} and {@code genericCLF}
 * give the fields they were written from; hostile, same-minute, invalid-UTF-8 and randomly damaged lines give what the
 * String CLF parser gave before it was removed ({@link ClfGolden}). Every line is checked with every parser flavour
 * that reads CLF, as bytes and as the String they decode to, and read both ways the scanner has: from the bytes (plain
 * ASCII) and from the decoded text (any other line), which must agree.
 */
class ClfScannerTest {
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Parsers configured alike for a format: one reads bytes, one Strings (each keeps its own state across lines). */
    private final Map<String, List<TraefikLogParser[]>> flavours = Map.of(
            "common", List.of(
                    new TraefikLogParser[]{TraefikLogParser.forFormat("common"), TraefikLogParser.forFormat("common")},
                    new TraefikLogParser[]{TraefikLogParser.essentialFields("common", false, new ValueCaches()),
                            TraefikLogParser.essentialFields("common", false, null)}),
            "genericCLF", List.of(
                    new TraefikLogParser[]{TraefikLogParser.forFormat("genericCLF"),
                            TraefikLogParser.forFormat("genericCLF")},
                    new TraefikLogParser[]{TraefikLogParser.essentialFields("genericCLF", true, new ValueCaches()),
                            TraefikLogParser.essentialFields("genericCLF", true, null)}),
            "auto", List.of(
                    new TraefikLogParser[]{TraefikLogParser.forFormat("auto"), TraefikLogParser.forFormat("auto")},
                    new TraefikLogParser[]{TraefikLogParser.essentialFields("auto", true, new ValueCaches()),
                            TraefikLogParser.essentialFields("auto", true, null)}));
    /** Reads every line from its decoded text, as the scanner does for lines that are not plain ASCII. */
    private final Map<String, ClfScanner> fromText = Map.of("common", new ClfScanner(new ValueCaches()),
            "genericCLF", new ClfScanner(new ValueCaches()), "auto", new ClfScanner(new ValueCaches()));

    /** A CLF line and the entry it was written from. */
    record Written(String line, AccessLogEntry entry) {
    }

    /** The JSON fixtures' requests as Traefik's CommonLogFormatter (and, without the tail, genericCLF) writes them. */
    static List<Written> fixtureClfCases() {
        List<Written> out = new ArrayList<>();
        try {
            for (String json : JacksonOracle.fixtureLines()) {
                AccessLogEntry e = JacksonOracle.expected(json);
                String generic = dash(e.clientHost) + " - " + dash(e.clientUsername) + " ["
                        + (e.startMillis == 0 ? "-" : CLF_TIME.format(Instant.ofEpochMilli(e.startMillis))) + "] \""
                        + dash(e.requestMethod) + " " + dash(e.requestPath) + " " + dash(e.requestProtocol) + "\" "
                        + e.downstreamStatus + " " + e.downstreamContentSize + " \"" + dash(e.requestHeader("Referer"))
                        + "\" \"" + dash(e.requestHeader("User-Agent")) + "\"";
                AccessLogEntry genericEntry = new AccessLogEntry();
                genericEntry.format = AccessLogEntry.Format.GENERIC_CLF;
                genericEntry.clientHost = e.clientHost;
                genericEntry.firstClientHost = e.firstClientHost;
                genericEntry.clientUsername = e.clientUsername;
                genericEntry.startMillis = e.startMillis / 1000 * 1000; // CLF has seconds
                genericEntry.requestMethod = e.requestMethod;
                genericEntry.requestPath = e.requestPath;
                genericEntry.requestProtocol = e.requestProtocol;
                genericEntry.downstreamStatus = e.downstreamStatus;
                genericEntry.downstreamContentSize = e.downstreamContentSize;
                for (String header : new String[]{"Referer", "User-Agent"}) {
                    String value = e.requestHeader(header);
                    if (value != null && !value.isEmpty() && !value.equals("-")) {
                        genericEntry.putHeader("request_" + header, value);
                    }
                }
                AccessLogEntry commonEntry = copy(genericEntry);
                commonEntry.format = AccessLogEntry.Format.COMMON;
                commonEntry.requestCount = e.requestCount;
                commonEntry.routerName = e.routerName;
                commonEntry.serviceUrl = e.serviceUrl;
                commonEntry.durationNanos = e.durationNanos / 1_000_000 * 1_000_000; // CLF has millis
                commonEntry.originStatus = e.serviceUrl != null ? e.downstreamStatus : 0;
                out.add(new Written(generic + " " + e.requestCount + " \"" + dash(e.routerName) + "\" \""
                        + dash(e.serviceUrl) + "\" " + e.durationNanos / 1_000_000 + "ms", commonEntry));
                out.add(new Written(generic, genericEntry));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // What the benchmarks' generator writes (a Traefik 3 common line).
        for (TraefikLineWriter.Request r : new TraefikLineWriter.Request[]{
                new TraefikLineWriter.Request(1_752_585_273_000L, "10.1.2.3", 4242, "POST", "api.local",
                        "/api/7/12?page=2", 201, 512, 3_500_000, "api@file", "api", "http://10.0.0.3:8080",
                        "10.0.0.3:8080", "private-net", 99),
                new TraefikLineWriter.Request(1_752_585_273_000L, "203.0.113.9", 1, "GET", "x", "/nope", 404, 19, 0,
                        null, null, null, null, "public-net", 1)}) {
            AccessLogEntry e = new AccessLogEntry();
            e.format = AccessLogEntry.Format.COMMON;
            e.clientHost = r.clientIp();
            e.firstClientHost = r.clientIp();
            e.startMillis = r.startMillis();
            e.requestMethod = r.method();
            e.requestPath = r.path();
            e.requestProtocol = "HTTP/1.1";
            e.downstreamStatus = r.status();
            e.downstreamContentSize = r.size();
            e.putHeader("request_User-Agent", "sim/1.0");
            e.requestCount = r.requestCount();
            e.routerName = r.router();
            e.serviceUrl = r.service() == null ? null : r.serviceUrl();
            e.durationNanos = r.durationNanos() / 1_000_000 * 1_000_000;
            e.originStatus = e.serviceUrl != null ? r.status() : 0;
            out.add(new Written(TraefikLineWriter.common(r), e));
        }
        return out;
    }

    static List<String> fixtureClfLines() {
        return fixtureClfCases().stream().map(Written::line).toList();
    }

    private static AccessLogEntry copy(AccessLogEntry e) {
        AccessLogEntry c = new AccessLogEntry();
        c.format = e.format;
        c.clientHost = e.clientHost;
        c.firstClientHost = e.firstClientHost;
        c.clientUsername = e.clientUsername;
        c.startMillis = e.startMillis;
        c.requestMethod = e.requestMethod;
        c.requestPath = e.requestPath;
        c.requestProtocol = e.requestProtocol;
        c.downstreamStatus = e.downstreamStatus;
        c.downstreamContentSize = e.downstreamContentSize;
        e.headers().forEach(c::putHeader);
        return c;
    }

    private static String dash(Object value) {
        return value == null || value.toString().isEmpty() ? "-" : value.toString();
    }

    @Test
    void fixtureLinesGiveTheFieldsTheyWereWrittenFrom() {
        List<Written> cases = fixtureClfCases();
        assertThat(cases).hasSizeGreaterThan(1200);
        for (int pass = 0; pass < 2; pass++) { // the second pass with filled caches
            for (Written written : cases) {
                byte[] bytes = written.line().getBytes(StandardCharsets.UTF_8);
                boolean common = written.entry().format == AccessLogEntry.Format.COMMON;
                assertOutcome("auto", bytes, 0, bytes.length, ClfGolden.render(written.entry()));
                assertOutcome(common ? "common" : "genericCLF", bytes, 0, bytes.length,
                        ClfGolden.render(written.entry()));
                assertOutcome(common ? "genericCLF" : "common", bytes, 0, bytes.length, common
                        ? "error genericCLF: unexpected trailing '<duration>ms' fields (is this the common format?)"
                        : "error common: no trailing RequestCount/RouterName/ServiceURL/Duration (is this genericCLF?)");
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

    @ParameterizedTest
    @MethodSource("hostileLines")
    void hostileLinesGiveWhatTheStringParserGave(String line) {
        Map<String, String> recorded = ClfGolden.load();
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        for (int pass = 0; pass < 2; pass++) { // the second pass with the caches filled
            for (String format : ClfGolden.FORMATS) {
                String key = ClfGolden.lineKey(format, bytes, 0, bytes.length);
                assertThat(recorded).as(key).containsKey(key);
                assertOutcome(format, bytes, 0, bytes.length, recorded.get(key));
            }
        }
    }

    @Test
    void timesInTheSameMinuteAsThePreviousLineAreReadRight() {
        // The scanner reads only the seconds when minute and zone repeat: every variant after a valid line.
        Map<String, String> recorded = ClfGolden.load();
        for (byte[] line : sameMinuteLines()) {
            for (String format : ClfGolden.FORMATS) {
                assertOutcome(format, line, 0, line.length, recorded.get(ClfGolden.lineKey(format, line, 0, line.length)));
            }
        }
    }

    @Test
    void invalidUtf8GivesWhatTheDecodedStringGave() {
        Map<String, String> recorded = ClfGolden.load();
        for (byte[] line : invalidUtf8Lines()) {
            for (String format : ClfGolden.FORMATS) {
                assertOutcome(format, line, 0, line.length, recorded.get(ClfGolden.lineKey(format, line, 0, line.length)));
            }
        }
    }

    @Test
    void aLineIsNeverReadPastItsEndInALargerBuffer() {
        // The buffer goes on with what would complete the line; the line itself is cut short, so it differs.
        String whole = "10.0.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\" 1 \"r@file\""
                + " \"http://s\" 12ms";
        TraefikLogParser alone = new TraefikLogParser();
        for (int cut = 1; cut <= whole.length(); cut++) {
            byte[] head = whole.substring(0, cut).getBytes(StandardCharsets.UTF_8);
            byte[] buffer = ("xx" + whole + "\n" + whole).getBytes(StandardCharsets.UTF_8);
            assertOutcome("auto", buffer, 2, cut, ClfGolden.outcome(alone, head, 0, head.length));
            byte[] tail = whole.substring(whole.length() - cut).getBytes(StandardCharsets.UTF_8);
            byte[] before = (whole + "\n" + whole).getBytes(StandardCharsets.UTF_8);
            assertOutcome("auto", before, before.length - cut, cut, ClfGolden.outcome(alone, tail, 0, tail.length));
        }
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
        int accepted = 0;
        for (String format : ClfGolden.FORMATS) {
            for (int block = 0; block * ClfGolden.BLOCK < damaged.size(); block++) {
                List<String> outcomes = new ArrayList<>();
                for (byte[] line : damaged.subList(block * ClfGolden.BLOCK,
                        Math.min(damaged.size(), (block + 1) * ClfGolden.BLOCK))) {
                    String outcome = assertOutcome(format, line, 0, line.length, null);
                    outcomes.add(outcome);
                    if (outcome.startsWith("ok")) {
                        accepted++;
                    }
                }
                assertThat(ClfGolden.digest(outcomes))
                        .as("outcomes of damaged lines %d to %d (%s), against ClfLineParser at ad4def5",
                                block * ClfGolden.BLOCK, (block + 1) * ClfGolden.BLOCK - 1, format)
                        .isEqualTo(recorded.get(ClfGolden.blockKey(format, block)));
            }
        }
        assertThat(accepted).as("damaged lines still read").isGreaterThan(3 * 3_000);
    }

    /**
     * Parses {@code buffer[from, from+length)} with every flavour of {@code format}, as bytes, as the String they
     * decode to, and from the decoded text: all must give {@code expected} (when not null) and the same as each
     * other, which is returned. Never an internal error.
     */
    private String assertOutcome(String format, byte[] buffer, int from, int length, String expected) {
        String text = new String(buffer, from, length, StandardCharsets.UTF_8);
        String outcome = null;
        for (TraefikLogParser[] pair : flavours.get(format)) {
            String fromBytes = ClfGolden.outcome(pair[0], buffer, from, length);
            String fromString;
            AccessLogEntry entry = new AccessLogEntry();
            try {
                pair[1].parseInto(text, entry);
                fromString = ClfGolden.render(entry);
            } catch (MalformedLineException e) {
                fromString = "error " + ClfGolden.escape(e.getMessage());
            }
            assertThat(fromBytes).as(format + ": " + text).doesNotContain("internal parser error");
            assertThat(fromString).as(format + ", as a String: " + text).isEqualTo(fromBytes);
            if (expected != null) {
                assertThat(fromBytes).as(format + ": " + text).isEqualTo(expected);
            }
            if (outcome != null) {
                assertThat(fromBytes).as(format + ", every flavour: " + text).isEqualTo(outcome);
            }
            outcome = fromBytes;
        }
        String decoded = readFromText(format, text);
        if (decoded != null) {
            assertThat(decoded).as(format + ", from the decoded text: " + text).isEqualTo(outcome);
        }
        return outcome;
    }

    /** The outcome of reading the line from its decoded text (null for a blank line, which never gets that far). */
    private String readFromText(String format, String text) {
        String trimmed = text.replaceAll("^[ \\t\\r\\n\\ufeff]+|[ \\t\\r\\n\\ufeff]+$", "");
        if (trimmed.isEmpty() || (format.equals("auto") && trimmed.startsWith("{"))) {
            return null; // an empty line, or JSON: not the CLF scanner's
        }
        AccessLogEntry entry = new AccessLogEntry();
        try {
            fromText.get(format).scanText(text, InputFormat.fromConfig(format), entry);
        } catch (MalformedLineException e) {
            return "error " + ClfGolden.escape(e.getMessage());
        }
        return ClfGolden.render(entry);
    }
}
