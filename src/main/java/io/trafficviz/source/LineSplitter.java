package io.trafficviz.source;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a byte stream into lines ending in {@code \n}, keeping at most {@code maxLineBytes} of any line in memory.
 *
 * <p>A longer line has each of its quoted values longer than {@link #MAX_FIELD_BYTES} cut in place as it streams
 * past ({@link FieldCutter}: JSON strings and CLF's quoted fields), so a request with a 40 KB path and a 40 KB
 * User-Agent is still one well-formed line with its caller, router and status: counted, an outsider in it flagged.
 * If the line is still too long, it keeps its head and its tail with a marker in between ({@link #CUT_MARKER}), within
 * {@code maxLineBytes}. (With a cap under {@link #MIN_BYTES_TO_KEEP_TAIL} only the head is kept.)
 *
 * <p>Bytes after the last newline are held as a pending partial line until more bytes (or {@link #flushPartial}) arrive.
 * Lines are decoded as UTF-8 by {@link String#String(byte[], int, int, java.nio.charset.Charset)}, which replaces
 * malformed input instead of throwing: a log with junk bytes must not stop the tailer.
 */
public final class LineSplitter {
    /** Lines longer than this are cut (and counted) unless a source is told otherwise: 64 KiB, Traefik's own bound. */
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    /**
     * Put where the middle of an over-long line was cut out. ASCII without quotes or backslashes, so inside a JSON
     * string or a quoted CLF field the line still parses, the cut field carrying the mark.
     */
    public static final String CUT_MARKER = "...[cut by trafficviz]...";
    /** Below this cap there is no room worth splitting between a head, the marker and a tail. */
    static final int MIN_BYTES_TO_KEEP_TAIL = 1024;
    private static final byte[] CUT = CUT_MARKER.getBytes(StandardCharsets.US_ASCII);
    /** How a value cut by the field cut ends, before the count of bytes left out: {@code …[cut-N-bytes]}. */
    public static final String FIELD_CUT_MARK = FieldCutter.MARK_PREFIX;
    /** Quoted values of an over-long line are cut to this many bytes (a 64 KiB cap keeps 4 KiB of each). */
    static final int MAX_FIELD_BYTES = 4096;


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
    /** Whether an over-long line keeps its tail (the cap leaves room for it). */
    private final boolean keepTail;
    private final int headBytes;
    /** The last bytes of an over-long pending line, a ring: tailCount bytes seen, the newest at tailCount - 1. */
    private final byte[] tail;
    private long tailCount;
    /** An over-long line assembled for the handler: head, marker, tail. */
    private final byte[] cut;
    /** Cuts the long values of an over-long line; null when the cap is too small to keep a tail. */
    private final FieldCutter fieldCutter;
    private final FieldCutter.Sink keep = this::store;
    /** The pending line went past the cap and its bytes now pass through the field cutter. */
    private boolean cuttingFields;

    public LineSplitter(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.pendingLimit = maxLineBytes + 1;
        this.keepTail = maxLineBytes >= MIN_BYTES_TO_KEEP_TAIL;
        this.headBytes = keepTail ? maxLineBytes / 2 : 0;
        // One byte more than the tail kept: the byte before it tells whether its first byte was escaped.
        this.tail = keepTail ? new byte[maxLineBytes - headBytes - CUT.length + 1] : new byte[0];
        this.cut = keepTail ? new byte[maxLineBytes] : new byte[0];
        this.fieldCutter = keepTail ? new FieldCutter(Math.min(MAX_FIELD_BYTES, maxLineBytes / 8)) : null;
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
            if (pendingLength == 0 && !overflowed && !cuttingFields) {
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
        return pendingLength > 0 || overflowed || cuttingFields;
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
        if (cuttingFields) {
            fieldCutter.finish(keep);
            emitFieldCut(handler, endIndex);
            return;
        }
        int n = length;
        // When the line overflowed, its real last byte was skipped, so a \r in the kept part is content.
        if (!alreadyOverflowed && n > 0 && bytes[from + n - 1] == '\r') {
            n--;
        }
        boolean truncated = alreadyOverflowed || n > maxLineBytes;
        if (truncated && fieldCutter != null && !alreadyOverflowed) {
            // A whole over-long line at once (in the caller's buffer or exactly filling pending): cut its fields too.
            startCuttingFields(bytes, from, n);
            fieldCutter.finish(keep);
            emitFieldCut(handler, endIndex);
            clearPending();
            return;
        }
        if (truncated && keepTail) {
            if (alreadyOverflowed) {
                emitCut(bytes, from, tail, tailCount, handler, endIndex);
            } else {
                // The whole line is in the caller's buffer: its last bytes are the tail.
                int tailLength = Math.min(tail.length, n - headBytes);
                System.arraycopy(bytes, from + n - tailLength, tail, 0, tailLength);
                emitCut(bytes, from, tail, tailLength, handler, endIndex);
            }
            return;
        }
        if (truncated) {
            n = Utf8.completePrefixLength(bytes, from, Math.min(n, maxLineBytes));
        }
        handler.line(bytes, from, n, truncated, endIndex);
    }

    /**
     * Hands on head + marker + tail. The head ends on a whole character and not on a backslash (which would escape the
     * marker's first byte); the tail starts on a whole character and not right after a backslash (a {@code \"} cut in
     * two would end a JSON string early), and loses a final {@code \r}.
     */
    private void emitCut(byte[] head, int headFrom, byte[] ring, long ringCount, ByteLineHandler handler, int endIndex) {
        int h = Utf8.completePrefixLength(head, headFrom, headBytes);
        while (h > 0 && head[headFrom + h - 1] == '\\') {
            h--;
        }
        System.arraycopy(head, headFrom, cut, 0, h);
        System.arraycopy(CUT, 0, cut, h, CUT.length);
        int kept = (int) Math.min(ring.length - 1, ringCount);
        int start = (int) ((ringCount - kept) % ring.length);
        int at = h + CUT.length;
        for (int i = 0; i < kept; i++) {
            cut[at + i] = ring[(start + i) % ring.length];
        }
        int tailFrom = at;
        int tailEnd = at + kept;
        if (tailEnd > tailFrom && cut[tailEnd - 1] == '\r') {
            tailEnd--;
        }
        // The byte before the tail (cut away, but still in the ring) tells whether its first byte was escaped.
        byte before = ringCount > kept ? ring[(int) ((ringCount - kept - 1) % ring.length)] : 0;
        while (tailFrom < tailEnd && ((cut[tailFrom] & 0xC0) == 0x80 || cut[tailFrom] == '\\'
                || (tailFrom == at ? before : cut[tailFrom - 1]) == '\\')) {
            tailFrom++;
        }
        System.arraycopy(cut, tailFrom, cut, at, tailEnd - tailFrom);
        handler.line(cut, 0, at + tailEnd - tailFrom, true, endIndex);
    }

    /**
     * Hands on a line that went through the field cutter: whole if its cut fields brought it within the cap, else (the
     * last resort, e.g. hundreds of long fields) its head and tail around {@link #CUT_MARKER}.
     */
    private void emitFieldCut(ByteLineHandler handler, int endIndex) {
        if (overflowed) {
            emitCut(pending, 0, tail, tailCount, handler, endIndex);
            return;
        }
        int n = pendingLength;
        if (n > 0 && pending[n - 1] == '\r') {
            n--;
        }
        handler.line(pending, 0, n, true, endIndex);
    }

    /** From here on the line's bytes, starting with {@code bytes[from, from+length)}, pass through the field cutter. */
    private void startCuttingFields(byte[] bytes, int from, int length) {
        // bytes may be pending itself: the cut line is built in a fresh array.
        pending = new byte[256];
        pendingLength = 0;
        overflowed = false;
        tailCount = 0;
        cuttingFields = true;
        fieldCutter.reset();
        fieldCutter.filter(bytes, from, length, keep);
    }

    private void appendPending(byte[] buf, int from, int length) {
        if (length <= 0) {
            return;
        }
        if (cuttingFields) {
            fieldCutter.filter(buf, from, length, keep);
        } else if (fieldCutter != null && pendingLength + length > pendingLimit) {
            startCuttingFields(pending, 0, pendingLength);
            fieldCutter.filter(buf, from, length, keep);
        } else {
            store(buf, from, length);
        }
    }

    /** Keeps bytes of the pending line: up to the cap, then (with a tail kept) only the head and the last bytes. */
    private void store(byte[] buf, int from, int length) {
        if (length <= 0) {
            return;
        }
        if (overflowed && keepTail) {
            pushTail(buf, from, length);
            return;
        }
        int room = pendingLimit - pendingLength;
        int kept = Math.min(room, length);
        if (kept > 0) {
            if (pendingLength + kept > pending.length) {
                int grown = Math.max(pending.length * 2, pendingLength + kept);
                pending = Arrays.copyOf(pending, Math.min(grown, pendingLimit));
            }
            System.arraycopy(buf, from, pending, pendingLength, kept);
            pendingLength += kept;
        }
        if (kept < length) {
            overflowed = true;
            if (keepTail) {
                // From here on only the head stays in pending; everything after it goes through the tail ring.
                tailCount = 0;
                pushTail(pending, headBytes, pendingLength - headBytes);
                pendingLength = headBytes;
                pushTail(buf, from + kept, length - kept);
            }
        }
    }

    private void pushTail(byte[] buf, int from, int length) {
        int size = tail.length;
        if (length > size) {
            tailCount += length - size;
            from += length - size;
            length = size;
        }
        for (int i = 0; i < length; i++) {
            tail[(int) (tailCount++ % size)] = buf[from + i];
        }
    }

    private void clearPending() {
        pendingLength = 0;
        overflowed = false;
        tailCount = 0;
        cuttingFields = false;
        // Don't keep a 64 KiB array alive for one long line among millions of short ones.
        if (pending.length > 8192) {
            pending = new byte[256];
        }
    }
}
