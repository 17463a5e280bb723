package io.trafficviz.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Reads a whole log file once, from the beginning, for replay. Same line rules as {@link FileTailer}. */
public final class FileReader {
    private static final int BUFFER_BYTES = 1 << 20;

    private FileReader() {
    }

    /**
     * Hands every line of {@code file} to {@code consumer} (a last line without newline included) and returns how many
     * there were. Lines longer than {@link TailerOptions#DEFAULT_MAX_LINE_BYTES} are truncated; invalid UTF-8 is
     * replaced, never thrown.
     */
    public static long readAll(Path file, Consumer<String> consumer) throws IOException {
        return readAll(file, TailerOptions.DEFAULT_MAX_LINE_BYTES, consumer);
    }

    /** As {@link #readAll(Path, Consumer)}, cutting lines at {@code maxLineBytes}. */
    public static long readAll(Path file, int maxLineBytes, Consumer<String> consumer) throws IOException {
        LineSplitter splitter = new LineSplitter(maxLineBytes);
        long[] count = {0};
        LineSplitter.LineHandler handler = (text, truncated, endIndex) -> {
            consumer.accept(text);
            count[0]++;
        };
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                splitter.feed(buffer, 0, n, handler);
            }
        }
        splitter.flushPartial(handler);
        return count[0];
    }
}
