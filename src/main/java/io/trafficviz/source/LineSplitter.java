package io.trafficviz.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a byte stream into lines ending in {@code \n}, keeping at most {@code maxLineBytes} of any line in memory.
 *
 * <p>Bytes after the last newline are held as a pending partial line until more bytes (or {@link #flushPartial}) arrive.
 * Lines are decoded as UTF-8 by {@link String#String(byte[], int, int, java.nio.charset.Charset)}, which replaces
 * malformed input instead of throwing: a log with junk bytes must not stop the tailer.
 */
final class LineSplitter {

    /** Receives each line; {@code endIndex} is the index just past its {@code \n} in the array given to feed. */
    interface LineHandler {
        void line(String text, boolean truncated, int endIndex);
    }

    private final int maxLineBytes;
    /** One byte of slack so a line of exactly maxLineBytes followed by \r\n is not reported as truncated. */
    private final int pendingLimit;
    private byte[] pending = new byte[256];
    private int pendingLength;
    /** The pending line went past pendingLimit; its remaining bytes are being skipped until the newline. */
    private boolean overflowed;

    LineSplitter(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.pendingLimit = maxLineBytes + 1;
    }

    /** Splits {@code buf[off, off+len)}, calling the handler for every line completed by it. */
    void feed(byte[] buf, int off, int len, LineHandler handler) {
        int end = off + len;
        int lineStart = off;
        for (int i = off; i < end; i++) {
            if (buf[i] != '\n') {
                continue;
            }
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

    /** True if bytes of an unfinished line are waiting for their newline. */
    boolean hasPartial() {
        return pendingLength > 0 || overflowed;
    }

    /**
     * Delivers the unfinished line as if its newline had arrived; used when no newline will ever come (the file was
     * rotated away or truncated). Returns whether there was anything to deliver.
     */
    boolean flushPartial(LineHandler handler) {
        if (!hasPartial()) {
            return false;
        }
        emit(pending, 0, pendingLength, overflowed, handler, -1);
        clearPending();
        return true;
    }

    /** Forgets any unfinished line, e.g. when re-reading a file from another position. */
    void reset() {
        clearPending();
    }

    private void emit(byte[] bytes, int from, int length, boolean alreadyOverflowed, LineHandler handler, int endIndex) {
        int n = length;
        // When the line overflowed, its real last byte was skipped, so a \r in the kept part is content.
        if (!alreadyOverflowed && n > 0 && bytes[from + n - 1] == '\r') {
            n--;
        }
        boolean truncated = alreadyOverflowed || n > maxLineBytes;
        if (truncated) {
            n = Utf8.completePrefixLength(bytes, from, Math.min(n, maxLineBytes));
        }
        handler.line(new String(bytes, from, n, StandardCharsets.UTF_8), truncated, endIndex);
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
