package io.trafficviz.history;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * DuckDB's driver copies its ~58 MiB native library into the temporary directory at every start and deletes it only
 * when the JVM exits normally, so each {@code kill -9}, OOM kill or crash-looping restart leaves one behind (a
 * supervisor restarting a failing {@code serve} fills {@code /tmp}). Once the library is loaded it is mapped into the
 * process, and on Linux the file's name can go at once: the mapping keeps its pages until the process ends.
 */
final class NativeLibraryFile {
    private static final Logger log = LoggerFactory.getLogger(NativeLibraryFile.class);
    private static final AtomicBoolean DONE = new AtomicBoolean();
    private static final String NAME_PREFIX = "libduckdb_java";

    private NativeLibraryFile() {
    }

    /** After the driver's first connection: unlinks the library copy this process mapped from the temporary directory. */
    static void unlinkLoadedCopy() {
        if (!DONE.compareAndSet(false, true)) {
            return;
        }
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return;
        }
        try {
            for (Path copy : mappedCopies(Files.readAllLines(maps), Path.of(System.getProperty("java.io.tmpdir")))) {
                Files.deleteIfExists(copy);
                log.debug("Unlinked DuckDB's loaded library copy {}", copy);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Could not unlink DuckDB's library copy: {}", e.toString());
        }
    }

    /** The driver's copies among the mapped files of {@code mapsLines}: only in {@code tmpDir}, only its names. */
    static List<Path> mappedCopies(List<String> mapsLines, Path tmpDir) {
        Path dir = tmpDir.toAbsolutePath().normalize();
        List<Path> out = new ArrayList<>();
        for (String line : mapsLines) {
            int slash = line.indexOf('/');
            if (slash < 0 || line.endsWith(" (deleted)")) {
                continue;
            }
            Path file = Path.of(line.substring(slash)).normalize();
            Path name = file.getFileName();
            if (name != null && name.toString().startsWith(NAME_PREFIX) && dir.equals(file.getParent())
                    && !out.contains(file)) {
                out.add(file);
            }
        }
        return out;
    }
}
