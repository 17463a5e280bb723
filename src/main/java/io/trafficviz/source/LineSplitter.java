package io.trafficviz.source;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a byte stream into lines ending in {@code \n}, keeping at most {@code maxLineBytes} of any line in memory.
 *
 * <p>Bytes after the last newline are held as a pending partial line until more bytes (or {@link #flushPartial}) arrive.
 * Lines are decoded as UTF-8 by {@link String#String(byte[], int, int, java.nio.charset.Charset)}, which replaces
 * malformed input instead of throwing: a log with junk bytes must not stop the tailer.
 */
public final class LineSplitter {
    /** Lines longer than this are cut (and counted) unless a source is told otherwise: 64 KiB, Traefik's own bound. */
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;


    /** Receives each line; {@code endIndex} is the index just past its {@code \n} in the array given to feed. */
    public interface LineHandler {
        void line(String text, boolean truncated, int endIndex);
    }

    /**
     * Receives each line as bytes, {@code \r} and truncation already applied: {@code bytes[from, from+length)} is only
     * valid during the call (it is the caller's buffer or the splitter's own).
     */
    public interface ByteLineHandler {
        void line(byte[] bytes, int from, int length, boolean truncated, int endIndex);
    }

    private final int maxLineBytes;
    /** One byte of slack so a line of exactly maxLineBytes followed by \r\n is not reported as truncated. */
    private final int pendingLimit;
    private byte[] pending = new byte[256];
    private int pendingLength;
    /** The pending line went past pendingLimit; its remaining bytes are being skipped until the newline. */
    private boolean overflowed;

    public LineSplitter(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.pendingLimit = maxLineBytes + 1;
    }

    /** Splits {@code buf[off, off+len)}, calling the handler for every line completed by it. */
    public void feed(byte[] buf, int off, int len, LineHandler handler) {
        feed(buf, off, len, decoding(handler));
    }

    /** As {@link #feed(byte[], int, int, LineHandler)}, without decoding lines into Strings. */
    public void feed(byte[] buf, int off, int len, ByteLineHandler handler) {
        int end = off + len;
        int lineStart = off;
        for (int i = indexOfNewline(buf, off, end); i >= 0; i = indexOfNewline(buf, i + 1, end)) {
            if (pendingLength == 0 && !overflowed) {
                emit(buf, lineStart, i - lineStart, false, handler, i + 1);
            } else {
                appendPending(buf, lineStart, i - lineStart);
                emit(pending, 0, pendingLength, overflowed, handler, i + 1);
                clearPending();
            }
            lineStart = i + 1;
        }
        appendPending(buf, lineStart, end - lineStart);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Index of the first {@code \n} in {@code buf[from, to)}, or -1. Eight bytes at a time (SWAR: a byte of the word
     * XOR newlines is zero exactly where there is a newline, and the lowest flagged byte is always a true zero), which
     * is several times faster than a byte loop on log lines hundreds of bytes long.
     */
    static int indexOfNewline(byte[] buf, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long word = (long) LONGS.get(buf, i) ^ NEWLINES;
            long found = (word - ONES) & ~word & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** True if bytes of an unfinished line are waiting for their newline. */
    public boolean hasPartial() {
        return pendingLength > 0 || overflowed;
    }

    /**
     * Delivers the unfinished line as if its newline had arrived; used when no newline will ever come (the file was
     * rotated away or truncated). Returns whether there was anything to deliver.
     */
    public boolean flushPartial(LineHandler handler) {
        return flushPartial(decoding(handler));
    }

    public boolean flushPartial(ByteLineHandler handler) {
        if (!hasPartial()) {
            return false;
        }
        emit(pending, 0, pendingLength, overflowed, handler, -1);
        clearPending();
        return true;
    }

    /** Forgets any unfinished line, e.g. when re-reading a file from another position. */
    public void reset() {
        clearPending();
    }

    private static ByteLineHandler decoding(LineHandler handler) {
        return (bytes, from, length, truncated, endIndex) ->
                handler.line(new String(bytes, from, length, StandardCharsets.UTF_8), truncated, endIndex);
    }

    private void emit(byte[] bytes, int from, int length, boolean alreadyOverflowed, ByteLineHandler handler,
                      int endIndex) {
        int n = length;
        // When the line overflowed, its real last byte was skipped, so a \r in the kept part is content.
        if (!alreadyOverflowed && n > 0 && bytes[from + n - 1] == '\r') {
            n--;
        }
        boolean truncated = alreadyOverflowed || n > maxLineBytes;
        if (truncated) {
            n = Utf8.completePrefixLength(bytes, from, Math.min(n, maxLineBytes));
        }
        handler.line(bytes, from, n, truncated, endIndex);
    }

    private void appendPending(byte[] buf, int from, int length) {
        if (length <= 0) {
            return;
        }
        int room = pendingLimit - pendingLength;
        int kept = Math.min(room, length);
        if (kept < length) {
            overflowed = true;
        }
        if (kept <= 0) {
            return;
        }
        if (pendingLength + kept > pending.length) {
            int grown = Math.max(pending.length * 2, pendingLength + kept);
            pending = Arrays.copyOf(pending, Math.min(grown, pendingLimit));
        }
        System.arraycopy(buf, from, pending, pendingLength, kept);
        pendingLength += kept;
    }

    private void clearPending() {
        pendingLength = 0;
        overflowed = false;
        // Don't keep a 64 KiB array alive for one long line among millions of short ones.
        if (pending.length > 8192) {
            pending = new byte[256];
        }
    }
}
