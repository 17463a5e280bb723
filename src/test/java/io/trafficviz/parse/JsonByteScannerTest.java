package io.trafficviz.parse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lines given as bytes ({@link TraefikLogParser#parseInto(byte[], int, int, AccessLogEntry)}, read in place by
 * {@link JsonByteScanner} when they have Traefik's shape) must give exactly what the same line gives as a String: the
 * same fields, or the same error. Checked for every parser flavour the code uses, on Traefik's real lines, on hostile
 * ones and on randomly damaged bytes.
 */
class JsonByteScannerTest {
    private static final List<Field> FIELDS = comparedFields();

    /** Pairs of parsers configured alike: one reads Strings, one bytes (each keeps its own state across lines). */
    private final List<TraefikLogParser[]> flavours = List.of(
            new TraefikLogParser[]{TraefikLogParser.forFormat("json"), TraefikLogParser.forFormat("json")},
            new TraefikLogParser[]{TraefikLogParser.forFormat("auto"), TraefikLogParser.forFormat("auto")},
            new TraefikLogParser[]{TraefikLogParser.forPipeline("auto", false),
                    TraefikLogParser.forPipeline("auto", false, new ValueCaches())},
            new TraefikLogParser[]{TraefikLogParser.forPipeline("json", true),
                    TraefikLogParser.forPipeline("json", true, new ValueCaches())});

    @Test
    void everyFixtureLineIsReadInPlaceWithoutFallingBack() {
        for (boolean essentialOnly : new boolean[]{false, true}) {
            JsonByteScanner scanner = new JsonByteScanner(new ValueCaches());
            scanner.essentialOnly = essentialOnly;
            AccessLogEntry entry = new AccessLogEntry();
            for (String line : JacksonOracle.fixtureLines()) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                entry.reset();
                assertThat(scanner.scan(bytes, 0, bytes.length, entry)).as(line).isTrue();
            }
        }
    }

    @Test
    void fixtureLinesGiveTheSameEntryAsStrings() {
        List<String> lines = JacksonOracle.fixtureLines();
        assertThat(lines).hasSizeGreaterThan(600);
        for (String line : lines) {
            assertSameOutcome(line.getBytes(StandardCharsets.UTF_8));
        }
        // Twice over, so the second pass runs on predicted keys and filled caches.
        for (String line : lines) {
            assertSameOutcome(line.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void fixtureLinesMatchJacksonWhenReadAsBytes() throws Exception {
        TraefikLogParser parser = new TraefikLogParser();
        AccessLogEntry entry = new AccessLogEntry();
        for (String line : JacksonOracle.fixtureLines()) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            parser.parseInto(bytes, 0, bytes.length, entry);
            AccessLogEntry expected = JacksonOracle.expected(line);
            expected.pathBeforeQuery = entry.pathBeforeQuery; // a cache of requestPath, which is compared
            JacksonOracle.assertSameEntry(entry, expected, line);
            assertThat(entry.pathWithoutQuery()).as(line).isEqualTo(pathWithoutQuery(expected.requestPath));
        }
    }

    static Stream<Arguments> hostileLines() {
        String base = JacksonOracle.fixtureLines().get(0);
        return Stream.of(
                // escapes and non-ASCII where values are kept, and where they are skipped
                base.replace("\"RequestPath\":\"/\"", "\"RequestPath\":\"/a?x=1\\u0026y=\\\"q\\\"\""),
                base.replace("\"RequestPath\":\"/\"", "\"RequestPath\":\"/caf\u00e9/\ud83d\ude00?q=\u00fc\""),
                base.replace("\"RequestPath\":\"/\"", "\"RequestPath\":\"/a?b=c?d\""),
                base.replace("\"ClientUsername\":\"-\"", "\"ClientUsername\":\"j\u00f6rg \\\"x\\\" \\\\\""),
                base.replace("\"ClientUsername\":\"-\"", "\"ClientUsername\":\"bad \\x escape\""),
                base.replace("\"ClientUsername\":\"-\"", "\"ClientUsername\":\"\\u12\""),
                base.replace("\"ClientUsername\":\"-\"", "\"ClientUsername\":\"\\u12G4\""),
                base.replace("\"RouterName\":\"", "\"RouterName\":\"r\u00e9-"),
                base.replace("\"RouterName\":\"", "\"RouterName\":\"r\\/"),
                base.replace("\"ClientHost\":\"172.24.0.1\"", "\"ClientHost\":\"203.0.113.7, 10.0.0.2\""),
                base.replace("\"ClientHost\":\"172.24.0.1\"", "\"ClientHost\":\" , 10.0.0.2\""),
                base.replace("\"ClientHost\":\"172.24.0.1\"", "\"ClientHost\":null"),
                base.replace("\"ClientHost\":\"172.24.0.1\"",
                        "\"ClientHost\":\"" + "203.0.113.7, ".repeat(200) + "10.0.0.2\""), // too long to cache
                base.replace("\"level\":\"info\"", "\"request_X-" + "Long".repeat(100) + "\":\"v\""), // key too long
                base.replace("\"ClientHost\":\"172.24.0.1\"", "\"ClientHost\":17"),
                base.replace("\"ServiceURL\":\"http://public-communicating-service\"",
                        "\"ServiceURL\":{\"Scheme\":\"http\",\"Host\":\"10.0.0.1:80\",\"Path\":\"\"}"),
                base.replace("\"request_X-Network-Name\":\"public-server-proxy-network\"",
                        "\"request_X-Network-Name\":\"-\",\"request_X-Empty\":\"\",\"request_X-Null\":null"),
                base.replace("\"request_X-Network-Name\":\"public-server-proxy-network\"", "\"request_X-Num\":12"),
                base.replace("\"request_X-Network-Name\":\"", "\"request_X-Network-Name\":\"n\u00e9t"),
                base.replace("\"request_X-Network-Name\":\"", "\"request_X-Net\\u0077ork-Name\":\""),
                // numbers
                base.replace("\"ClientPort\":\"35994\"", "\"ClientPort\":\"\""),
                base.replace("\"ClientPort\":\"35994\"", "\"ClientPort\":\"-\""),
                base.replace("\"ClientPort\":\"35994\"", "\"ClientPort\":\"-7\""),
                base.replace("\"ClientPort\":\"35994\"", "\"ClientPort\":\"3x\""),
                base.replace("\"ClientPort\":\"35994\"", "\"ClientPort\":\"99999999999\""),
                base.replace("\"ClientPort\":\"35994\"", "\"ClientPort\":1e3"),
                base.replace("\"Duration\":4677503481", "\"Duration\":4.6775e9"),
                base.replace("\"Duration\":4677503481", "\"Duration\":99999999999999999999"),
                base.replace("\"Duration\":4677503481", "\"Duration\":-0.5"),
                base.replace("\"Duration\":4677503481", "\"Duration\":1E-400"),
                base.replace("\"Duration\":4677503481", "\"Duration\":0012"),
                base.replace("\"Duration\":4677503481", "\"Duration\":12."),
                base.replace("\"Duration\":4677503481", "\"Duration\":null"),
                base.replace("\"Duration\":4677503481", "\"Duration\":true"),
                base.replace("\"DownstreamStatus\":499", "\"DownstreamStatus\":4990"),
                base.replace("\"DownstreamStatus\":499", "\"DownstreamStatus\":\"499\""),
                base.replace("\"DownstreamStatus\":499", "\"DownstreamStatus\":null"),
                base.replace("\"DownstreamStatus\":499,", "").replace("\"OriginStatus\":499,", ""),
                base.replace("\"DownstreamStatus\":499,", ""),
                base.replace("}", ",\"GzipRatio\":3.25}"),
                // timestamps
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\",", ""),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\",", "")
                        .replace("\"StartLocal\":\"2025-07-15T13:14:33.78718654Z\"",
                                "\"StartLocal\":\"2025-07-15T15:14:33.5+02:00\""),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\",", "")
                        .replace("\"StartLocal\":\"2025-07-15T13:14:33.78718654Z\",", ""),
                base.replace("2025-07-15T13:14:33.78718654Z\",\"StartUTC", "x\",\"StartUTC"),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"", "\"StartUTC\":\"2025-07-15T13:14:60Z\""),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"", "\"StartUTC\":\"2025-07-15T13:14:33.Z\""),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"", "\"StartUTC\":\"2025-07-15T13:14:33z\""),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"", "\"StartUTC\":\"2025-07-15T13:14:33.1\""),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"",
                        "\"StartUTC\":\"2025-07-15T13:14:33.1Z \""),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"",
                        "\"StartUTC\":\"2025-07-15T13:14:33.1-00:30\""),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"", "\"StartUTC\":\"2025-07-15T13:14:3\""),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"", "\"StartUTC\":12"),
                base.replace("\"StartUTC\":\"2025-07-15T13:14:33.78718654Z\"",
                        "\"StartUTC\":\"2025-07-15T13:14:33\\u002E5Z\""),
                // structure
                base.replace(",\"", ", \""),
                base.replace(":", " : "),
                " \t" + base + " \r",
                "\ufeff" + base,
                base + "\ufeff",
                base + ",",
                base + "}",
                base + "x",
                base.substring(0, base.length() - 1),
                base.substring(0, base.length() / 2),
                base.replace("\"level\":\"info\"", "\"level\":{\"a\":[1,\"]}\"]}"),
                base.replace("\"level\":\"info\"", "\"level\":[]"),
                base.replace("\"level\":\"info\"", "\"level\":fals"),
                base.replace("\"level\":\"info\"", "\"level\":false,\"x\":true,\"y\":null"),
                base.replace("\"level\":\"info\"", "\"l\\u0065vel\":\"info\",\"\\u0052equestHost\":\"esc.example\""),
                base.replace("\"level\":\"info\"", "\"zz\u00e9\":1"),
                base.replace("\"level\":\"info\"", "\"RequestHost\":\"second.example\",\"\":1"),
                base.replace("{\"ClientAddr", "{\"time\":\"2025-07-15T13:14:38Z\",\"ClientAddr"),
                "{\"OriginStatus\":200,\"DownstreamStatus\":201,\"RequestPath\":\"/z\",\"ClientHost\":\"10.0.0.1\"}",
                "{\"DownstreamStatus\":200}",
                "{\"DownstreamStatus\":200 }",
                "{\"DownstreamStatus\":200,}",
                "{\"DownstreamStatus\":200,\"x\":\"\\\"}",
                "{\"DownstreamStatus\":200,\"x\":\"\\",
                "{\"DownstreamStatus\":2",
                "{\"DownstreamStatus\"",
                "{\"",
                "{",
                "{}",
                "{ }",
                "[]",
                "",
                " ",
                "\u0000{\"DownstreamStatus\":200}"
        ).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("hostileLines")
    void hostileLinesGiveTheSameOutcomeAsStrings(String line) {
        assertSameOutcome(line.getBytes(StandardCharsets.UTF_8));
        assertSameOutcome(line.getBytes(StandardCharsets.UTF_8)); // with keys now predicted
    }

    @Test
    void invalidUtf8GivesTheSameOutcomeAsTheDecodedString() {
        String base = JacksonOracle.fixtureLines().get(0);
        for (byte[] junk : new byte[][]{{(byte) 0xC3}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}, {(byte) 0x80},
                {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            for (String field : new String[]{"\"ClientUsername\":\"", "\"RequestPath\":\"/", "\"RouterName\":\"",
                    "\"StartUTC\":\"2025", "\"request_X-Network-Name\":\"", "\"level\":\""}) {
                int at = base.indexOf(field) + field.length();
                byte[] head = base.substring(0, at).getBytes(StandardCharsets.UTF_8);
                byte[] tail = base.substring(at).getBytes(StandardCharsets.UTF_8);
                byte[] line = new byte[head.length + junk.length + tail.length];
                System.arraycopy(head, 0, line, 0, head.length);
                System.arraycopy(junk, 0, line, head.length, junk.length);
                System.arraycopy(tail, 0, line, head.length + junk.length, tail.length);
                assertSameOutcome(line);
            }
        }
    }

    @Test
    void aLineIsNeverReadPastItsEndInALargerBuffer() {
        // The buffer goes on with what would complete the line; the line itself is cut short, so it is malformed.
        String whole = "{\"DownstreamStatus\":200,\"RequestPath\":\"/abc\"}";
        for (int cut = 1; cut < whole.length(); cut++) {
            byte[] buffer = ("xx" + whole + "\n" + whole).getBytes(StandardCharsets.UTF_8);
            assertSameOutcome(buffer, 2, cut);
        }
        byte[] buffer = ("xx" + whole + "\n").getBytes(StandardCharsets.UTF_8);
        assertSameOutcome(buffer, 2, whole.length());
    }

    @Test
    void keysInAnotherOrderOrMissingMidFileAreStillReadRight() {
        List<String> lines = new ArrayList<>(JacksonOracle.fixtureLines().subList(0, 50));
        Random random = new Random(7);
        List<String> shuffled = new ArrayList<>();
        for (String line : lines) {
            List<String> members = splitMembers(line);
            if (random.nextBoolean()) {
                java.util.Collections.shuffle(members, random);
            }
            if (random.nextBoolean()) {
                members.remove(random.nextInt(members.size()));
            }
            shuffled.add("{" + String.join(",", members) + "}");
        }
        for (int round = 0; round < 3; round++) {
            for (String line : shuffled) {
                assertSameOutcome(line.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void randomlyDamagedBytesGiveTheSameOutcomeAsStrings() {
        List<String> lines = JacksonOracle.fixtureLines();
        Random random = new Random(20251128L);
        byte[] interesting = "\"\\{}[]:,-0123456789.eE+ u\t\r\nZ:T".getBytes(StandardCharsets.US_ASCII);
        int fastPathAccepted = 0;
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
            if (assertSameOutcome(line)) {
                fastPathAccepted++;
            }
        }
        assertThat(fastPathAccepted).as("lines the in-place scanner itself accepted").isGreaterThan(3_000);
    }

    /**
     * Parses {@code bytes} with every flavour, as bytes and as the String they decode to; returns whether the in-place
     * scanner accepted the line itself (rather than handing it to the String path).
     */
    private boolean assertSameOutcome(byte[] bytes) {
        return assertSameOutcome(bytes, 0, bytes.length);
    }

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
            assertThat(bytesError).as(text).isEqualTo(stringError);
            if (stringError == null) {
                assertSameFields(fromBytes, fromString, text);
            }
        }
        JsonByteScanner scanner = new JsonByteScanner(new ValueCaches());
        int start = from;
        int end = from + length;
        while (start < end && buffer[start] == ' ' || start < end && buffer[start] == '\t') {
            start++;
        }
        while (end > start && (buffer[end - 1] == ' ' || buffer[end - 1] == '\r' || buffer[end - 1] == '\t')) {
            end--;
        }
        return start < end && buffer[start] == '{' && scanner.scan(buffer, start, end, new AccessLogEntry());
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

    /** Every field but the path cache, which only the byte path fills and {@link #assertSameFields} checks by value. */
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

    private static String pathWithoutQuery(String requestPath) {
        if (requestPath == null) {
            return null;
        }
        int q = requestPath.indexOf('?');
        return q < 0 ? requestPath : requestPath.substring(0, q);
    }

    /** The top-level members of a flat JSON object line, split at commas outside strings. */
    private static List<String> splitMembers(String line) {
        List<String> members = new ArrayList<>();
        boolean inString = false;
        int start = 1;
        for (int i = 1; i < line.length() - 1; i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                inString = !inString;
            } else if (c == ',' && !inString) {
                members.add(line.substring(start, i));
                start = i + 1;
            }
        }
        members.add(line.substring(start, line.length() - 1));
        return members;
    }
}
