package io.trafficviz.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lines from one origin, as UTF-8 bytes: what every source hands to its {@link LineSink}. The lines sit end to end in
 * one array, so a batch of a read pass costs one copy and no object per line.
 *
 * <p>A source usually refills one batch again and again: a sink that keeps anything beyond its {@code accept} call
 * copies it.
 */
public final class LineBatch {
    private String origin;
    private byte[] bytes;
    private int[] starts;
    private int[] lengths;
    private int size;
    private int used;

    /** @param origin the source that read the lines: a file path, or {@code push:server/proxy} */
    public LineBatch(String origin) {
        this(origin, 16, 4096);
    }

    public LineBatch(String origin, int lines, int bytes) {
        this.origin = origin;
        this.bytes = new byte[Math.max(16, bytes)];
        this.starts = new int[Math.max(1, lines)];
        this.lengths = new int[Math.max(1, lines)];
    }

    /** A batch of these lines, encoded as UTF-8 (push bodies and tests). */
    public static LineBatch of(String origin, List<String> lines) {
        // Sized by the lines' own lengths (exact for ASCII; the array grows for the rest), never a guess per line: a
        // pushed body of millions of tiny lines must cost about its own size, not hundreds of bytes a line.
        long chars = 0;
        for (String line : lines) {
            chars += line.length();
        }
        LineBatch batch = new LineBatch(origin, lines.size(), (int) Math.min(chars, Integer.MAX_VALUE - 16));
        for (String line : lines) {
            batch.add(line);
        }
        return batch;
    }

    public static LineBatch of(String origin, String... lines) {
        return of(origin, Arrays.asList(lines));
    }

    public String origin() {
        return origin;
    }

    /** Appends a copy of {@code src[from, from+length)} as one line (without its terminator). */
    public void add(byte[] src, int from, int length) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            lengths = Arrays.copyOf(lengths, size * 2);
        }
        if (used + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + length));
        }
        System.arraycopy(src, from, bytes, used, length);
        starts[size] = used;
        lengths[size] = length;
        used += length;
        size++;
    }

    public void add(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        add(b, 0, b.length);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The array every line of this batch is in; line {@code i} is {@code [start(i), start(i) + length(i))}. */
    public byte[] bytes() {
        return bytes;
    }

    public int start(int i) {
        return starts[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /** Line {@code i} decoded (invalid UTF-8 replaced): for messages and tests, not for the hot path. */
    public String text(int i) {
        return new String(bytes, starts[i], lengths[i], StandardCharsets.UTF_8);
    }

    public List<String> texts() {
        List<String> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(text(i));
        }
        return out;
    }

    /** Bytes the lines take (without terminators). */
    public int byteCount() {
        return used;
    }

    /** Empties the batch for lines of another origin. */
    public void clear(String newOrigin) {
        clear();
        this.origin = newOrigin;
    }

    /** Empties the batch for reuse; a batch that grew past a burst's size gives its arrays back. */
    public void clear() {
        size = 0;
        used = 0;
        if (bytes.length > (4 << 20)) {
            bytes = new byte[1 << 20];
        }
    }

    @Override
    public String toString() {
        return "LineBatch[" + origin + ", " + size + " lines]";
    }
}
