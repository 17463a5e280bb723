package io.trafficviz.source.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The first bytes of a file, used with the inode to recognise it: inodes are reused after a delete, content rarely is.
 */
final class Fingerprint {
    /** How many leading bytes identify a file once it is that long (Filebeat uses the same amount). */
    static final int MAX_BYTES = 1024;

    private Fingerprint() {
    }

    /** Reads up to {@code length} bytes from the start of the file; fewer if the file is shorter. */
    static byte[] readHead(FileChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) <= 0) {
                break;
            }
        }
        return buffer.position() == length ? buffer.array() : Arrays.copyOf(buffer.array(), buffer.position());
    }

    static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    /** True if the file still starts with the {@code length} bytes whose CRC32 is {@code crc}. */
    static boolean matches(FileChannel channel, int length, long crc) throws IOException {
        byte[] head = readHead(channel, length);
        return head.length == length && crc32(head) == crc;
    }
}
