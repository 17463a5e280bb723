package io.trafficviz.source.replay;

import io.trafficviz.source.LineBatch;
import io.trafficviz.source.LineSplitter;

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
     * there were. Lines longer than {@link LineSplitter#DEFAULT_MAX_LINE_BYTES} are truncated; invalid UTF-8 is
     * replaced, never thrown.
     */
    public static long readAll(Path file, Consumer<String> consumer) throws IOException {
        return readAll(file, LineSplitter.DEFAULT_MAX_LINE_BYTES, consumer);
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

    /** The file's bytes, decompressed when its name ends in {@code .gz}. */
    public static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        if (!file.getFileName().toString().endsWith(".gz")) {
            return raw;
        }
        try {
            return new java.util.zip.GZIPInputStream(raw, 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw new IOException(file + " is named .gz but is not gzip: " + e.getMessage(), e);
        }
    }

    /**
     * One file read a buffer at a time, so that one thread can interleave many files (replay as fast as possible)
     * without a thread, a buffer and a batch of lines per file. Same line rules as {@link #readAll}.
     */
    public static final class Chunks implements AutoCloseable {
        private final InputStream in;
        private final LineSplitter splitter = new LineSplitter(LineSplitter.DEFAULT_MAX_LINE_BYTES);
        private final byte[] buffer;
        private boolean done;

        /** {@code file} may be gzip-compressed (a name ending in {@code .gz}), as rotated logs often are. */
        public Chunks(Path file, int bufferBytes) throws IOException {
            this.in = open(file);
            this.buffer = new byte[bufferBytes];
        }

        /**
         * Reads up to one buffer and appends every line it completes to {@code batch}; at the end of the file, the
         * last line even without its newline. Returns false once the file is finished.
         */
        public boolean next(LineBatch batch) throws IOException {
            if (done) {
                return false;
            }
            LineSplitter.ByteLineHandler handler = (bytes, from, length, truncated, endIndex) ->
                    batch.add(bytes, from, length);
            int n = in.read(buffer);
            if (n < 0) {
                splitter.flushPartial(handler);
                done = true;
                return false;
            }
            splitter.feed(buffer, 0, n, handler);
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
