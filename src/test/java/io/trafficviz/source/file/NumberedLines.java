package io.trafficviz.source.file;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

/** Lines that carry their sequence number, so loss, repetition and reordering are all visible. */
final class NumberedLines {
    private NumberedLines() {
    }

    static String line(int n) {
        return String.format("%07d GET /api/items/%d HTTP/1.1 200 \"Mozilla/5.0\"", n, n);
    }

    static byte[] bytes(int n) {
        return (line(n) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String range(int fromInclusive, int toExclusive) {
        StringBuilder text = new StringBuilder();
        for (int n = fromInclusive; n < toExclusive; n++) {
            text.append(line(n)).append('\n');
        }
        return text.toString();
    }

    static List<Integer> numbers(List<String> texts) {
        return texts.stream().map(t -> Integer.parseInt(t.substring(0, 7))).toList();
    }

    static List<Integer> expected(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).boxed().toList();
    }
}
