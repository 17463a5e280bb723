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
}
