package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Randomly mutated real and constructed lines (deterministic seed). The parser may accept or reject them, but may only
 * ever fail with MalformedLineException, and never via its internal-error safety net. Where Jackson reads a mutated
 * JSON line as valid, the scanner must agree with it field for field (or both must call it malformed).
 */
class ParserFuzzTest {
    /** Fixed for reproducible CI; override with -Dfuzz.seed / -Dfuzz.mutations to hunt locally. */
    private static final long SEED = Long.getLong("fuzz.seed", 20250715L);
    private static final int MUTATIONS = Integer.getInteger("fuzz.mutations", 100_000);
    private static final String[] TOKENS = {"\"", "\\", "\\u", "\\u00", "{", "}", "[", "]", ":", ",", "-", "null",
            "true", "1e999", "-0", "0.5", "99999999999999999999", " - ", " [", "] \"", "\" \"", "ms", "\"-\"", " ",
            "\r", "\u0000", "\uD800", "\u00e9", "{\"a\":[{\"b\":", "\"DownstreamStatus\":", "\"ServiceURL\":{",
            "\"request_X\":\"", "\\\""};

    @Test
    void mutatedLinesOnlyEverFailAsMalformed() {
        List<String> json = jsonCorpus();
        List<String> clf = clfCorpus();
        Random random = new Random(SEED);
        TraefikLogParser parser = new TraefikLogParser();
        AccessLogEntry reused = new AccessLogEntry();
        int accepted = 0;
        int comparedWithJackson = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            List<String> corpus = random.nextInt(10) < 3 ? clf : json;
            String line = mutate(corpus.get(random.nextInt(corpus.size())), random);
            boolean ok;
            try {
                parser.parseInto(line, reused);
                ok = true;
                accepted++;
            } catch (MalformedLineException e) {
                ok = false;
                assertThat(e.getMessage()).as(line).doesNotStartWith("internal parser error");
            } catch (Throwable t) {
                throw new AssertionError("non-Malformed failure for: " + line, t);
            }
            // Jackson is the slow half of this test, so it judges every third JSON line.
            if (i % 3 == 0 && line.trim().startsWith("{") && agreesWithJackson(line, ok, reused)) {
                comparedWithJackson++;
            }
        }
        // Guard against a mutator so aggressive that nothing interesting is tested.
        assertThat(accepted).isGreaterThan(MUTATIONS / 10);
        assertThat(comparedWithJackson).isGreaterThan(MUTATIONS / 30);
    }

    /** Returns whether Jackson could judge the line; fails the test if it judges differently from the scanner. */
    private static boolean agreesWithJackson(String line, boolean scannerAccepted, AccessLogEntry scanned) {
        AccessLogEntry expected;
        try {
            expected = JacksonOracle.expected(line);
        } catch (IllegalArgumentException malformedByOurRules) {
            if (scannerAccepted) {
                fail("scanner accepted what must be rejected (" + malformedByOurRules.getMessage() + "): " + line);
            }
            return true;
        } catch (Exception notJson) {
            return false; // Jackson is stricter in places (control chars, leading zeros); no verdict to compare
        }
        if (!scannerAccepted) {
            fail("scanner rejected a line Jackson reads fine: " + line);
        }
        JacksonOracle.assertSameEntry(scanned, expected, line);
        return true;
    }

    private static String mutate(String line, Random random) {
        StringBuilder b = new StringBuilder(line);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && b.length() > 0; e++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(7)) {
                case 0 -> b.setCharAt(at, randomChar(random));
                case 1 -> b.deleteCharAt(at);
                case 2 -> b.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                case 3 -> b.setLength(at); // truncated line
                case 4 -> {
                    int end = Math.min(b.length(), at + 1 + random.nextInt(20));
                    b.insert(random.nextInt(b.length()), b.substring(at, end));
                }
                case 5 -> b.delete(at, Math.min(b.length(), at + 1 + random.nextInt(12)));
                default -> {
                    int other = random.nextInt(b.length());
                    char c = b.charAt(at);
                    b.setCharAt(at, b.charAt(other));
                    b.setCharAt(other, c);
                }
            }
        }
        return b.toString();
    }

    private static char randomChar(Random random) {
        String interesting = "\"\\{}[]:,-0123456789.eE+ u\t\n";
        return random.nextInt(4) == 0 ? (char) random.nextInt(0x10000)
                : interesting.charAt(random.nextInt(interesting.length()));
    }

    private static List<String> jsonCorpus() {
        List<String> lines = new ArrayList<>(JacksonOracle.fixtureLines().subList(0, 40));
        lines.add("{\"ClientHost\":\"203.0.113.7, 10.0.0.2\",\"DownstreamStatus\":404,\"OriginStatus\":0,"
                + "\"RequestPath\":\"/a?x=1\\u0026y=\\\"q\\\"\\ud83d\\ude00\",\"GzipRatio\":3.25,\"Duration\":1.5e9,"
                + "\"zzz\":{\"a\":[1,{\"b\":\"}]\"},[]],\"c\":null},\"request_User-Agent\":\"Mozilla \\\"x\\\"\","
                + "\"StartLocal\":\"2025-07-15T15:14:33.5+02:00\",\"time\":\"2025-07-15T15:14:38+02:00\"}");
        lines.add("{\"DownstreamStatus\":200,\"OriginStatus\":200,\"ServiceURL\":{\"Scheme\":\"http\",\"Opaque\":\"\","
                + "\"User\":null,\"Host\":\"172.27.0.3:80\",\"Path\":\"\",\"RawPath\":\"\",\"OmitHost\":false,"
                + "\"ForceQuery\":false,\"RawQuery\":\"\",\"Fragment\":\"\",\"RawFragment\":\"\"},"
                + "\"TLSVersion\":\"1.3\",\"ClientPort\":\"443\",\"RequestCount\":\"17\"}");
        return lines;
    }

    private static List<String> clfCorpus() {
        List<String> lines = new ArrayList<>();
        lines.add("172.24.0.1 - - [15/Jul/2025:13:14:33 +0000] \"GET /api?id=7 HTTP/1.1\" 200 62 \"https://x/\""
                + " \"curl/8.5.0\" 17 \"public@file\" \"http://public\" 22ms");
        lines.add("203.0.113.7, 10.0.0.2 - bob [15/Jul/2025:13:14:33 -0900] \"GET /a\"b HTTP/1.1\" 404 - \"-\""
                + " \"UA \\\"x\\\" \"y\"\" - \"-\" \"-\" 0ms");
        lines.add("10.0.0.1 - Client [10/Nov/2009:14:00:00 -0900] \"GET /foo http\" 123 132 \"referer\" \"agent\"");
        lines.add("10.0.0.1 - - [10/Nov/2009:23:00:00 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"foo \\\" bar\" 1"
                + " \"test@file\" \"http://127.0.0.1:8080\" 1ms");
        lines.add("127.0.0.1 - - [-] \"GET /ping HTTP/1.1\" 200 2 \"-\" \"-\" - \"a@file -> b@file\" - 0ms");
        return lines;
    }
}
