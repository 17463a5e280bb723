package io.trafficviz.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.parse.AccessLogEntry;
import io.trafficviz.parse.TraefikLogParser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> lines = new ArrayList<>();
    private final List<Boolean> truncations = new ArrayList<>();
    private final List<Integer> ends = new ArrayList<>();
    private final LineSplitter.LineHandler handler = (text, truncated, endIndex) -> {
        lines.add(text);
        truncations.add(truncated);
        ends.add(endIndex);
    };

    @Test
    void splitsOnNewlineAndReportsWhereEachLineEnds() {
        byte[] bytes = bytes("one\ntwo\nthr");
        new LineSplitter(100).feed(bytes, 0, bytes.length, handler);

        assertThat(lines).containsExactly("one", "two");
        assertThat(ends).containsExactly(4, 8);
    }

    @Test
    void keepsPartialLineUntilItsNewlineArrives() {
        LineSplitter splitter = new LineSplitter(100);
        feed(splitter, "hel");
        feed(splitter, "lo");
        assertThat(lines).isEmpty();
        assertThat(splitter.hasPartial()).isTrue();

        feed(splitter, "\n");
        assertThat(lines).containsExactly("hello");
        assertThat(splitter.hasPartial()).isFalse();
    }

    @Test
    void stripsCrlfEvenWhenSplitAcrossFeeds() {
        LineSplitter splitter = new LineSplitter(100);
        feed(splitter, "a\r\nb\r");
        feed(splitter, "\nc\rd\n");

        assertThat(lines).containsExactly("a", "b", "c\rd");
    }

    @Test
    void byteByByteFeedingGivesTheSameLines() {
        String text = "first line\r\nsecond é line\n\nlast\n";
        byte[] bytes = bytes(text);
        LineSplitter splitter = new LineSplitter(100);
        for (int i = 0; i < bytes.length; i++) {
            splitter.feed(bytes, i, 1, handler);
        }
        assertThat(lines).containsExactly("first line", "second é line", "", "last");
    }

    @Test
    void truncatesLongLineWhetherItArrivesWholeOrInPieces() {
        String longLine = "x".repeat(50);
        LineSplitter whole = new LineSplitter(10);
        feed(whole, longLine + "\nok\n");
        LineSplitter pieces = new LineSplitter(10);
        for (int i = 0; i < 50; i += 7) {
            feed(pieces, longLine.substring(i, Math.min(50, i + 7)));
        }
        feed(pieces, "\nok\n");

        assertThat(lines).containsExactly("x".repeat(10), "ok", "x".repeat(10), "ok");
        assertThat(truncations).containsExactly(true, false, true, false);
    }

    @Test
    void lineOfExactlyTheCapIsNotTruncatedEvenWithCrlf() {
        LineSplitter splitter = new LineSplitter(5);
        feed(splitter, "ab");
        feed(splitter, "cde\r\n");
        feed(splitter, "abcdef\r\n");

        assertThat(lines).containsExactly("abcde", "abcde");
        assertThat(truncations).containsExactly(false, true);
    }

    @Test
    void truncationDoesNotSplitAMultiByteCharacter() {
        LineSplitter splitter = new LineSplitter(4);
        feed(splitter, "abc€def\n"); // € is 3 bytes; the cap falls inside it

        assertThat(lines).containsExactly("abc");
        assertThat(truncations).containsExactly(true);
    }

    @Test
    void invalidUtf8IsReplacedNotThrown() {
        byte[] bytes = {'o', 'k', ' ', (byte) 0xff, (byte) 0xc3, ' ', 'e', 'n', 'd', '\n'};
        new LineSplitter(100).feed(bytes, 0, bytes.length, handler);

        assertThat(lines).containsExactly("ok \uFFFD\uFFFD end");
    }

    @Test
    void flushPartialDeliversTheUnfinishedLineOnce() {
        LineSplitter splitter = new LineSplitter(100);
        feed(splitter, "done\nhalf");

        assertThat(splitter.flushPartial(handler)).isTrue();
        assertThat(splitter.flushPartial(handler)).isFalse();
        assertThat(lines).containsExactly("done", "half");
    }

    private void feed(LineSplitter splitter, String text) {
        byte[] bytes = bytes(text);
        splitter.feed(bytes, 0, bytes.length, handler);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anOverLongLineKeepsItsHeadAndTailAroundAMarkerWhenCuttingItsFieldsIsNotEnough() {
        // Thirty 4 KiB values: cut to the field bound they still add up to more than the line limit.
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            fields.append(",\"f").append(i).append("\":\"").append("a".repeat(LineSplitter.MAX_FIELD_BYTES)).append('"');
        }
        String line = "{\"ClientHost\":\"203.0.113.9\"" + fields + ",\"DownstreamStatus\":200,\"RouterName\":\"r@file\"}";
        LineSplitter whole = new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES);
        feed(whole, line + "\r\nok\n");
        LineSplitter pieces = new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES);
        for (int i = 0; i < line.length(); i += 4096) {
            feed(pieces, line.substring(i, Math.min(line.length(), i + 4096)));
        }
        feed(pieces, "\nok\n");

        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo(lines.get(2));
        String kept = lines.get(0);
        assertThat(kept.length()).isLessThanOrEqualTo(LineSplitter.DEFAULT_MAX_LINE_BYTES);
        assertThat(kept).startsWith("{\"ClientHost\":\"203.0.113.9\",\"f0\":\"aaa")
                .contains("aaa" + LineSplitter.CUT_MARKER + "aaa")
                .endsWith("aaa\",\"DownstreamStatus\":200,\"RouterName\":\"r@file\"}");
        assertThat(truncations).containsExactly(true, false, true, false);
    }

    @Test
    void eachLongJsonValueIsCutInPlaceAndEveryOtherFieldSurvives() throws Exception {
        for (int longFields = 1; longFields <= 3; longFields++) {
            lines.clear();
            truncations.clear();
            String[] values = {"/hide/" + "p".repeat(66_000), "agent" + "u".repeat(40_000), "http://x/" + "r".repeat(40_000)};
            String[] keys = {"RequestPath", "request_User-Agent", "request_Referer"};
            StringBuilder line = new StringBuilder("{\"ClientHost\":\"203.0.113.9\",\"DownstreamStatus\":204");
            for (int i = 0; i < 3; i++) {
                line.append(",\"").append(keys[i]).append("\":\"").append(i < longFields ? values[i] : "short" + i).append('"');
            }
            line.append(",\"RouterName\":\"r@file\",\"ServiceName\":\"backend@file\"}");
            String text = line.toString();
            // In the caller's buffer at once, and in pieces through pending (the cut state crossing feeds).
            feed(new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES), text + "\n");
            LineSplitter pieces = new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES);
            for (int i = 0; i < text.length(); i += 1000) {
                feed(pieces, text.substring(i, Math.min(text.length(), i + 1000)));
            }
            feed(pieces, "\r\n");

            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).isEqualTo(lines.get(1));
            JsonNode doc = JSON.readTree(lines.get(0));
            assertThat(doc.path("ClientHost").asText()).isEqualTo("203.0.113.9");
            assertThat(doc.path("DownstreamStatus").asInt()).isEqualTo(204);
            assertThat(doc.path("ServiceName").asText()).isEqualTo("backend@file");
            for (int i = 0; i < 3; i++) {
                String value = doc.path(keys[i]).asText();
                if (i < longFields) {
                    int left = values[i].length() - LineSplitter.MAX_FIELD_BYTES;
                    assertThat(value).isEqualTo(values[i].substring(0, LineSplitter.MAX_FIELD_BYTES) + "…[cut-" + left + "-bytes]");
                } else {
                    assertThat(value).isEqualTo("short" + i);
                }
            }
            assertThat(truncations).containsExactly(true, true);
        }
    }

    @Test
    void theFieldCutNeverLeavesAnEscapeOrACharacterInHalves() throws Exception {
        // Escapes and multi-byte characters everywhere, at every offset, so whichever byte the cut falls on is a hard one.
        String[] units = {"\\\"€", "\\u00e9x", "€😀", "\\\\"};
        for (String unit : units) {
            for (int shift = 0; shift < 8; shift++) {
                lines.clear();
                String value = "s".repeat(shift) + unit.repeat(70_000 / unit.length());
                String line = "{\"RequestPath\":\"" + value + "\",\"DownstreamStatus\":200}";
                feed(new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES), line + "\n");

                String kept = lines.get(0);
                assertThat(kept).as(unit + shift).doesNotContain("\uFFFD");
                JsonNode doc = JSON.readTree(kept);
                String path = doc.path("RequestPath").asText();
                String expectedWhole = JSON.readTree("\"" + value + "\"").asText();
                int mark = path.indexOf("…[cut-");
                assertThat(mark).as(unit + shift).isPositive();
                assertThat(expectedWhole).startsWith(path.substring(0, mark));
                assertThat(doc.path("DownstreamStatus").asInt()).isEqualTo(200);
            }
        }
    }

    @Test
    void longQuotedClfFieldsAreCutAndTheLineStillParses() throws Exception {
        String path = "/hide/" + "p".repeat(40_000);
        String agent = "Mozilla/5.0 (x\"y) " + "u".repeat(40_000);
        String line = "203.0.113.9 - - [07/Dec/2026:21:00:00 +0000] \"GET " + path + " HTTP/1.1\" 204 0 \"-\" \"" + agent
                + "\" 7 \"r@file\" \"http://127.0.0.1:8080\" 3ms";
        LineSplitter pieces = new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES);
        for (int i = 0; i < line.length(); i += 999) {
            feed(pieces, line.substring(i, Math.min(line.length(), i + 999)));
        }
        feed(pieces, "\n");
        feed(new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES), line + "\n");

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(lines.get(1));
        AccessLogEntry entry = TraefikLogParser.forFormat("common").parse(lines.get(0));
        assertThat(entry.clientHost).isEqualTo("203.0.113.9");
        assertThat(entry.downstreamStatus).isEqualTo(204);
        assertThat(entry.routerName).isEqualTo("r@file");
        assertThat(entry.requestPath).startsWith("/hide/ppp").contains("…[cut-").endsWith("-bytes]");
        assertThat(entry.headers().get("request_User-Agent")).startsWith("Mozilla/5.0 (x\"y) uuu").contains("…[cut-").endsWith("-bytes]");
    }

    private static int trailingBackslashes(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(s.length() - 1 - n) == '\\') {
            n++;
        }
        return n;
    }
}
