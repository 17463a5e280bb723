package io.trafficviz.source.file;

import io.trafficviz.source.LineSplitter;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One open log file and how far it has been read. The channel stays bound to the file (inode) it was opened on, so
 * after a rotation the old file can still be read to its end.
 *
 * <p>Two positions are kept: {@code readPosition}, the next byte to read, and {@code committedOffset}, the byte just
 * past the last line handed out. Only the latter is safe to persist: bytes between them belong to a partial line.
 */
final class OpenLogFile implements Closeable {

    /** Receives the lines read. */
    interface LineListener {
        /** One line's bytes, valid during the call only. */
        void line(byte[] bytes, int from, int length, boolean truncated);

        /** The lines since the last call are complete: hand them on. Offsets advance past them only afterwards. */
        void endOfBatch();
    }

    private final Path file;
    private final FileChannel channel;
    private final String inode;
    private final LineSplitter splitter;
    private long readPosition;
    private long committedOffset;
    /** The file's first bytes as last read: its fingerprint. Grows until it holds {@link Fingerprint#MAX_BYTES}. */
    private byte[] head = new byte[0];
    private long headCrc = Fingerprint.crc32(head);
    private boolean atEnd = true;
    private long lastActivityNanos = System.nanoTime();
    private final long openedAtMillis = System.currentTimeMillis();
    private long lastReadMillis = openedAtMillis;

    private OpenLogFile(Path file, FileChannel channel, String inode, int maxLineBytes) {
        this.file = file;
        this.channel = channel;
        this.inode = inode;
        this.splitter = new LineSplitter(maxLineBytes);
    }

    /**
     * Opens the file at {@code file}, or returns null if the path changed to another file while it was being opened
     * (the caller simply tries again later).
     *
     * @throws NoSuchFileException if there is no file at the path
     */
    static OpenLogFile open(Path file, int maxLineBytes) throws IOException {
        String before = FileIdentity.inodeOf(file);
        if (before == null) {
            throw new NoSuchFileException(file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory");
        }
        if (!Files.isRegularFile(file)) {
            // Opening a FIFO blocks until a writer comes, and a device reads forever: neither is a log to tail.
            throw new IOException(file + " is not a regular file (a FIFO, device or socket); trafficviz tails files only");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        // Java cannot fstat a channel for its inode; checking the path before and after opening closes the gap.
        String after = FileIdentity.inodeOf(file);
        if (!before.equals(after)) {
            channel.close();
            return null;
        }
        return new OpenLogFile(file, channel, before, maxLineBytes);
    }

    Path file() {
        return file;
    }

    String inode() {
        return inode;
    }

    long committedOffset() {
        return committedOffset;
    }

    /** Whether the last read reached the end of the file. */
    boolean atEnd() {
        return atEnd;
    }

    /** When bytes last arrived (or the file was rotated away, see {@link #touch}). */
    long lastActivityNanos() {
        return lastActivityNanos;
    }

    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** Wall-clock time of opening: a file modified before it cannot have been written after this one was rotated. */
    long openedAtMillis() {
        return openedAtMillis;
    }

    /** Wall-clock time bytes were last read (or of opening): whatever was copied away later was not read. */
    long lastReadMillis() {
        return lastReadMillis;
    }

    /** The file's first bytes as last read (up to {@link Fingerprint#MAX_BYTES}): what a copy of it starts with. */
    byte[] head() {
        return head.clone();
    }

    /** The fingerprint to recognise this file's content by later, e.g. in a copy of it. */
    FileState state() {
        return state(file.toString());
    }

    /**
     * True if the file held bytes not yet handed out when last read: a partial line, or more than the last pass
     * read. If the file is then truncated with no copy to read them from, they are lost.
     */
    boolean hasUnreadRest() {
        return !atEnd || committedOffset < readPosition;
    }

    /** Up to {@code length} bytes from the file's start, as they are now. */
    byte[] readHead(int length) throws IOException {
        return Fingerprint.readHead(channel, length);
    }

    /** Whether the file starts with exactly these bytes. */
    boolean startsWith(byte[] bytes) throws IOException {
        return Arrays.equals(Fingerprint.readHead(channel, bytes.length), bytes);
    }

    /** Whether the file's first {@code length} bytes have this CRC32. */
    boolean startsWith(int length, long crc) throws IOException {
        return Fingerprint.matches(channel, length, crc);
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Positions reading at {@code offset}, which must be the start of a line. */
    void startAt(long offset) throws IOException {
        readPosition = offset;
        committedOffset = offset;
        splitter.reset();
        head = new byte[0];
        refreshHead();
    }

    /**
     * True if this file is the one described by {@code state}: same inode, still starting with the same bytes, and
     * at least as long as the stored offset.
     */
    boolean matches(FileState state) throws IOException {
        return state.inode().equals(inode)
                && channel.size() >= state.offset()
                && Fingerprint.matches(channel, state.fingerprintLength(), state.fingerprintCrc32());
    }

    /**
     * The offset just past the last complete line, looking back at most {@code window} bytes. Starting there rather
     * than at the very end means a line being written right now is delivered whole instead of as a fragment.
     */
    long endOfLastCompleteLine(int window) throws IOException {
        long size = channel.size();
        int length = (int) Math.min(window, size);
        long from = size - length;
        ByteBuffer tail = ByteBuffer.allocate(length);
        while (tail.hasRemaining() && channel.read(tail, from + tail.position()) > 0) {
            // keep reading until the window is full
        }
        byte[] bytes = tail.array();
        for (int i = tail.position() - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return from + i + 1;
            }
        }
        return from == 0 ? 0 : size;
    }

    /**
     * Reads up to {@code maxReads} buffers' worth, handing each complete line to the listener. Returns the number of
     * bytes read; {@link #atEnd()} tells whether the end of the file was reached.
     */
    long read(ByteBuffer buffer, int maxReads, LineListener listener) throws IOException {
        long total = 0;
        atEnd = false;
        for (int i = 0; i < maxReads; i++) {
            buffer.clear();
            int n = channel.read(buffer, readPosition);
            if (n <= 0) {
                atEnd = true;
                break;
            }
            long chunkStart = readPosition;
            readPosition += n;
            total += n;
            extendHead(buffer.array(), buffer.arrayOffset(), n, chunkStart);
            long[] lastEnd = {-1};
            splitter.feed(buffer.array(), buffer.arrayOffset(), n, (bytes, from, length, truncated, endIndex) -> {
                listener.line(bytes, from, length, truncated);
                lastEnd[0] = endIndex;
            });
            if (lastEnd[0] >= 0) {
                // Delivered before the offset moves: a crash in between reads the batch again, never skips it.
                listener.endOfBatch();
                committedOffset = chunkStart + lastEnd[0] - buffer.arrayOffset();
            }
        }
        if (total > 0) {
            lastActivityNanos = System.nanoTime();
            lastReadMillis = System.currentTimeMillis();
            refreshHead();
        }
        return total;
    }

    /**
     * True if the file no longer holds what was read: it is shorter than the read position, or its first bytes
     * changed. The second check catches a copytruncate followed by more writing than was there before.
     */
    boolean wasTruncatedOrReplaced() throws IOException {
        if (channel.size() < readPosition) {
            return true;
        }
        return head.length > 0 && !Arrays.equals(Fingerprint.readHead(channel, head.length), head);
    }

    /** Starts over at byte 0 after a truncation, delivering the cut-off partial line first so nothing is dropped. */
    void restartFromBeginning(LineListener listener) throws IOException {
        flushPartial(listener);
        startAt(0);
    }

    /** Starts over at byte 0 after a truncation whose copy holds the rest of the old content, partial line included. */
    void restartFromBeginningWithoutPartial() throws IOException {
        startAt(0);
        atEnd = true;
    }

    /** Delivers an unfinished last line; used once no newline can be expected any more. */
    void flushPartial(LineListener listener) {
        if (splitter.flushPartial((bytes, from, length, truncated, endIndex) ->
                listener.line(bytes, from, length, truncated))) {
            listener.endOfBatch();
            committedOffset = readPosition;
        }
    }

    /** The state to persist under {@code path}. */
    FileState state(String path) {
        return new FileState(path, inode, head.length, headCrc, committedOffset);
    }

    /**
     * Takes the fingerprint from the bytes just read rather than from the file as it is now: by now it may have been
     * truncated and rewritten, and a fingerprint of the new content would not recognise the copy of the old one.
     */
    private void extendHead(byte[] bytes, int from, int length, long chunkStart) {
        if (chunkStart != head.length || head.length >= Fingerprint.MAX_BYTES) {
            return;
        }
        int more = (int) Math.min(length, Fingerprint.MAX_BYTES - head.length);
        byte[] longer = Arrays.copyOf(head, head.length + more);
        System.arraycopy(bytes, from, longer, head.length, more);
        head = longer;
        headCrc = Fingerprint.crc32(head);
    }

    private void refreshHead() throws IOException {
        int wanted = (int) Math.min(Fingerprint.MAX_BYTES, readPosition);
        if (head.length < wanted) {
            head = Fingerprint.readHead(channel, wanted);
            headCrc = Fingerprint.crc32(head);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
