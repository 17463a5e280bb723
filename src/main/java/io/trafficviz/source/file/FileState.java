package io.trafficviz.source.file;

/**
 * Where reading of one file got to, as persisted by {@link OffsetStore}.
 *
 * @param path              the configured path the file was read through
 * @param inode             the file's inode (or platform file key)
 * @param fingerprintLength how many leading bytes the fingerprint covers (up to 1024; fewer for a short file)
 * @param fingerprintCrc32  CRC32 of those leading bytes
 * @param offset            byte offset just past the last line handed to the sink
 */
public record FileState(String path, String inode, int fingerprintLength, long fingerprintCrc32, long offset) {
    public FileState {
        if (path == null || inode == null) {
            throw new IllegalArgumentException("path and inode are required");
        }
        if (fingerprintLength < 0 || fingerprintLength > Fingerprint.MAX_BYTES || offset < 0) {
            throw new IllegalArgumentException("invalid file state: " + fingerprintLength + "/" + offset);
        }
    }
}
