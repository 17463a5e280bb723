package io.trafficviz.source.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Identifies the file currently at a path by its inode, so a rotation (a different file at the same path) is noticed.
 *
 * <p>The device number is deliberately left out: it can change across remounts and container restarts for the very same
 * file, and the content fingerprint already guards against a coincidentally equal inode.
 */
final class FileIdentity {
    private static volatile boolean unixViewSupported = true;

    private FileIdentity() {
    }

    /** The inode (or the platform's file key) of the file at {@code path}, or null if nothing is there. */
    static String inodeOf(Path path) throws IOException {
        try {
            if (unixViewSupported) {
                try {
                    return Files.getAttribute(path, "unix:ino").toString();
                } catch (UnsupportedOperationException | IllegalArgumentException e) {
                    unixViewSupported = false;
                }
            }
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            Object key = attributes.fileKey();
            // Without a file key (Windows) the creation time is the best stand-in we have.
            return key != null ? key.toString() : "created:" + attributes.creationTime().toMillis();
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
