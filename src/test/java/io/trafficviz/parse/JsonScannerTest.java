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
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * JSON lines given as bytes ({@link TraefikLogParser#parseInto(byte[], int, int, AccessLogEntry)}: read in place by
 * {@link JsonScanner} when they have Traefik's shape, by {@link JsonFallback} otherwise) must give what Jackson reads
 * ({@link JacksonOracle}): the same fields, or a rejection. Checked for every parser flavour the code uses, on
 * Traefik's real lines, on hostile ones and on randomly damaged bytes. Where Jackson gives no verdict (control chars,
 * leading zeros, duplicate keys, a float in a text field), the bytes and the String they decode to must still give
 * the same outcome.
 */
class JsonScannerTest {
    private static final List<Field> FIELDS = comparedFields();
    /** The text fields a parser for the pipeline leaves null ({@link KeptFields#everyText()}). */
    private static final Set<String> NOT_ESSENTIAL = Set.of("clientAddr", "clientUsername", "requestAddr",
            "requestPort", "requestProtocol", "requestScheme", "serviceAddr", "entryPointName", "tlsVersion",
            "tlsCipher", "tlsClientSubject", "traceId", "spanId");

    /** A parser flavour, twice: one instance reads bytes, one Strings (each keeps its own state across lines). */
    private record Flavour(TraefikLogParser bytes, TraefikLogParser strings, boolean full, boolean headers) {
    }

    private final List<Flavour> flavours = List.of(
            new Flavour(TraefikLogParser.forFormat("json"), TraefikLogParser.forFormat("json"), true, true),
            new Flavour(TraefikLogParser.forFormat("auto"), TraefikLogParser.forFormat("auto"), true, true),
            new Flavour(TraefikLogParser.essentialFields("auto", false, new ValueCaches()),
                    TraefikLogParser.essentialFields("auto", false, null), false, false),
            new Flavour(TraefikLogParser.essentialFields("json", true, new ValueCaches()),
                    TraefikLogParser.essentialFields("json", true, null), false, true));

    @Test
    void everyFixtureLineIsReadInPlaceWithoutFallingBack() {
        for (KeptFields kept : new KeptFields[]{KeptFields.ALL, KeptFields.essential(false)}) {
            JsonScanner scanner = new JsonScanner(new ValueCaches(), kept);
            AccessLogEntry entry = new AccessLogEntry();
            for (String line : JacksonOracle.fixtureLines()) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                entry.reset();
                assertThat(scanner.scan(bytes, 0, bytes.length, entry)).as(line).isTrue();
            }
        }
    }

    @Test
    void fixtureLinesGiveWhatJacksonReads() {
        List<String> lines = JacksonOracle.fixtureLines();
        assertThat(lines).hasSizeGreaterThan(600);
        for (String line : lines) {
            assertThat(assertOutcome(line.getBytes(StandardCharsets.UTF_8))).as(line).isEqualTo(Verdict.ENTRY);
        }
        // Twice over, so the second pass runs on predicted keys and filled caches.
        for (String line : lines) {
            assertOutcome(line.getBytes(StandardCharsets.UTF_8));
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
    void hostileLinesGiveWhatJacksonReads(String line) {
        assertOutcome(line.getBytes(StandardCharsets.UTF_8));
        assertOutcome(line.getBytes(StandardCharsets.UTF_8)); // with keys now predicted
    }

    @Test
    void mostHostileLinesGetAVerdictFromJackson() {
        long judged = hostileLines().filter(args -> verdict((String) args.get()[0]).kind() != Verdict.NONE).count();
        assertThat(judged).isGreaterThan(hostileLines().count() * 3 / 4);
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
                assertThat(assertOutcome(line)).as(field).isEqualTo(Verdict.ENTRY);
            }
        }
    }

    @Test
    void aLineIsNeverReadPastItsEndInALargerBuffer() {
        // The buffer goes on with what would complete the line; the line itself is cut short, so it is malformed.
        String whole = "{\"DownstreamStatus\":200,\"RequestPath\":\"/abc\"}";
        for (int cut = 1; cut < whole.length(); cut++) {
            byte[] buffer = ("xx" + whole + "\n" + whole).getBytes(StandardCharsets.UTF_8);
            assertOutcome(buffer, 2, cut);
            int length = cut;
            assertThatThrownBy(() -> new TraefikLogParser().parseInto(buffer, 2, length, new AccessLogEntry()))
                    .as(whole.substring(0, cut)).isInstanceOf(MalformedLineException.class);
        }
        byte[] buffer = ("xx" + whole + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(assertOutcome(buffer, 2, whole.length())).isEqualTo(Verdict.ENTRY);
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
                assertOutcome(line.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void randomlyDamagedBytesGiveWhatJacksonReads() {
        List<String> lines = JacksonOracle.fixtureLines();
        Random random = new Random(20251128L);
        byte[] interesting = "\"\\{}[]:,-0123456789.eE+ u\t\r\nZ:T".getBytes(StandardCharsets.US_ASCII);
        int readInPlace = 0;
        int judged = 0;
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
            if (assertOutcome(line) != Verdict.NONE) {
                judged++;
            }
            if (readInPlace(line, 0, line.length)) {
                readInPlace++;
            }
        }
        assertThat(readInPlace).as("lines the in-place scanner itself accepted").isGreaterThan(3_000);
        assertThat(judged).as("lines Jackson gave a verdict on").isGreaterThan(25_000);
    }

    enum Verdict { ENTRY, REJECT, NONE }

    /** Jackson's reading of a line: the entry, a rejection, or no verdict (kind NONE). */
    private record Judgement(Verdict kind, AccessLogEntry expected) {
    }

    private static Judgement verdict(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isBlank(text.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(text.charAt(end - 1))) {
            end--;
        }
        String trimmed = text.substring(start, end);
        if (!trimmed.startsWith("{")) {
            return new Judgement(Verdict.NONE, null); // CLF in auto, and "expected '{'" in json: not Jackson's call
        }
        try {
            return new Judgement(Verdict.ENTRY, JacksonOracle.expected(trimmed));
        } catch (IllegalArgumentException malformedByOurRules) {
            return new Judgement(Verdict.REJECT, null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            // Not JSON even with what Jackson is stricter about than the parser (control chars in strings, leading
            // zeros, repeated keys): it must be rejected. Else the oracle has no verdict.
            try {
                LENIENT.readTree(trimmed);
                return new Judgement(Verdict.NONE, null);
            } catch (com.fasterxml.jackson.core.JsonProcessingException stillNotJson) {
                return new Judgement(Verdict.REJECT, null);
            }
        } catch (Exception noVerdict) {
            return new Judgement(Verdict.NONE, null);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper LENIENT =
            new com.fasterxml.jackson.databind.ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                    .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
                    .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
                    .build())
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\uFEFF';
    }

    private Verdict assertOutcome(byte[] bytes) {
        return assertOutcome(bytes, 0, bytes.length);
    }

    /**
     * Parses {@code buffer[from, from+length)} with every flavour, as bytes and as the String they decode to: both
     * must agree, and agree with Jackson where it has a verdict (returned).
     */
    private Verdict assertOutcome(byte[] buffer, int from, int length) {
        String text = new String(buffer, from, length, StandardCharsets.UTF_8);
        Judgement judgement = verdict(text);
        for (Flavour flavour : flavours) {
            AccessLogEntry fromBytes = new AccessLogEntry();
            AccessLogEntry fromString = new AccessLogEntry();
            String bytesError = null;
            String stringError = null;
            try {
                flavour.bytes().parseInto(buffer, from, length, fromBytes);
            } catch (MalformedLineException e) {
                bytesError = e.getMessage();
            }
            try {
                flavour.strings().parseInto(text, fromString);
            } catch (MalformedLineException e) {
                stringError = e.getMessage();
            }
            assertThat(bytesError).as(text).isEqualTo(stringError);
            if (bytesError != null) {
                assertThat(bytesError).as(text).doesNotContain("internal parser error");
            } else {
                assertSameFields(fromBytes, fromString, text);
            }
            switch (judgement.kind()) {
                case ENTRY -> {
                    assertThat(bytesError).as("Jackson reads this line: " + text).isNull();
                    if (flavour.full()) {
                        JacksonOracle.assertSameEntry(fromBytes, judgement.expected(), text);
                    } else {
                        assertEssentialFields(fromBytes, judgement.expected(), flavour.headers(), text);
                    }
                }
                case REJECT -> assertThat(bytesError).as("must be rejected: " + text).startsWith("json: ");
                default -> { }
            }
        }
        return judgement.kind();
    }

    /** Whether {@link JsonScanner} reads the line itself, rather than handing it to {@link JsonFallback}. */
    private static boolean readInPlace(byte[] buffer, int from, int length) {
        JsonScanner scanner = new JsonScanner(new ValueCaches(), KeptFields.ALL);
        int start = from;
        int end = from + length;
        while (start < end && (buffer[start] == ' ' || buffer[start] == '\t')) {
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

    /** What a parser for the pipeline fills must be Jackson's; what it skips, empty. */
    private static void assertEssentialFields(AccessLogEntry actual, AccessLogEntry expected, boolean headers,
                                              String line) {
        try {
            for (Field field : FIELDS) {
                Object wanted = NOT_ESSENTIAL.contains(field.getName()) ? null : field.get(expected);
                assertThat(field.get(actual)).as(field.getName() + " of " + line).isEqualTo(wanted);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        assertThat(actual.headers()).as(line).isEqualTo(headers ? expected.headers() : java.util.Map.of());
        assertThat(actual.pathWithoutQuery()).as(line).isEqualTo(expected.pathWithoutQuery());
    }

    /** Every field but the path cache, which {@link #assertSameFields} checks by value, and the headers map. */
    private static List<Field> comparedFields() {
        List<Field> fields = new ArrayList<>();
        for (Field field : AccessLogEntry.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && !field.getName().equals("pathBeforeQuery")
                    && !field.getName().equals("headers")) {
                field.setAccessible(true);
                fields.add(field);
            }
        }
        return fields;
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
