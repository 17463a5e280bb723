package io.trafficviz.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

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
    void anOverLongLineKeepsItsHeadAndTailAroundAMarkerWhetherWholeOrInPieces() {
        String line = "{\"ClientHost\":\"203.0.113.9\",\"RequestPath\":\"/" + "a".repeat(70_000)
                + "\",\"DownstreamStatus\":200,\"RouterName\":\"r@file\"}";
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
        assertThat(kept).startsWith("{\"ClientHost\":\"203.0.113.9\",\"RequestPath\":\"/aaa")
                .contains("aaa" + LineSplitter.CUT_MARKER + "aaa")
                .endsWith("aaa\",\"DownstreamStatus\":200,\"RouterName\":\"r@file\"}");
        assertThat(truncations).containsExactly(true, false, true, false);
    }

    @Test
    void theCutNeverLeavesAnEscapeOrACharacterInHalves() {
        // Backslashes and 3-byte characters everywhere, so whichever byte the cut falls on is a hard one.
        String value = "\\\"€".repeat(20_000);
        LineSplitter splitter = new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES);
        feed(splitter, "{\"RequestPath\":\"" + value + "\"}\n");

        String kept = lines.get(0);
        assertThat(kept).doesNotContain("\uFFFD");
        int marker = kept.indexOf(LineSplitter.CUT_MARKER);
        String head = kept.substring(0, marker);
        String tail = kept.substring(marker + LineSplitter.CUT_MARKER.length());
        assertThat(trailingBackslashes(head) % 2).as("the head does not end inside an escape").isZero();
        assertThat(tail).doesNotStartWith("\\").doesNotStartWith("\"");
    }

    private static int trailingBackslashes(String s) {
        int n = 0;
        while (n < s.length() && s.charAt(s.length() - 1 - n) == '\\') {
            n++;
        }
        return n;
    }
}
