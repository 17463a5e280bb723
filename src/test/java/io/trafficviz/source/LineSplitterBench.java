package io.trafficviz.source;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Lines per second through {@link LineSplitter} on ordinary short Traefik JSON lines, fed in 4 KiB reads as the tailer
 * does (so lines also cross reads through the pending buffer): the hot path the field cut must not slow down.
 * Run: {@code java -cp target/classes:target/test-classes io.trafficviz.source.LineSplitterBench}.
 */
public final class LineSplitterBench {
    private LineSplitterBench() {
    }

    public static void main(String[] args) {
        String line = "{\"ClientAddr\":\"203.0.113.9:51234\",\"ClientHost\":\"203.0.113.9\",\"DownstreamStatus\":200,"
                + "\"RequestPath\":\"/api/v1/items?page=2\",\"RouterName\":\"api@file\",\"ServiceName\":\"api@file\","
                + "\"request_User-Agent\":\"Mozilla/5.0 (X11; Linux x86_64)\",\"time\":\"2026-12-07T21:00:00Z\"}\n";
        byte[] one = line.getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[64 * 1024];
        int len = 0;
        while (len + one.length <= buf.length) {
            System.arraycopy(one, 0, buf, len, one.length);
            len += one.length;
        }
        long[] seen = new long[1];
        LineSplitter.ByteLineHandler handler = (bytes, from, length, truncated, endIndex) -> seen[0] += length;
        for (int round = 0; round < 7; round++) {
            LineSplitter splitter = new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES);
            long fed = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < 1_000_000_000L) {
                for (int off = 0; off < len; off += 4096) {
                    splitter.feed(buf, off, Math.min(4096, len - off), handler);
                }
                fed += len;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "round %d: %.2f M lines/s (%d bytes handed on)%n", round,
                    fed / (double) one.length / seconds / 1e6, seen[0]);
        }
    }
}
