package io.trafficviz.source.file;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers, across restarts, how far each tailed file was read: one {@link FileState} per configured path, kept in a
 * JSON file.
 *
 * <p>Thread-safe; several tailers may share one store. Writes are atomic (temp file in the same directory, fsync,
 * rename), so a crash leaves either the old or the new content, never a torn file. {@link #put} only updates memory;
 * {@link #saveIfDue} writes at most once per save interval and {@link #save} writes now.
 */
public final class OffsetStore {
    /** How often {@link #saveIfDue} writes changed state unless told otherwise. */
    public static final Duration DEFAULT_SAVE_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(OffsetStore.class);
    private static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final ObjectMapper COMPACT = new ObjectMapper();

    private final Path file;
    private final long saveIntervalNanos;
    private final Object stateLock = new Object();
    /** Held while writing so concurrent saves cannot overtake each other and store older state last. */
    private final Object writeLock = new Object();
    private final Map<String, FileState> states = new LinkedHashMap<>();
    private long version;
    private long savedVersion;
    private long lastSaveNanos;

    private OffsetStore(Path file, Duration saveInterval, Map<String, FileState> loaded) {
        this.file = file.toAbsolutePath();
        this.saveIntervalNanos = saveInterval.toNanos();
        this.states.putAll(loaded);
        this.lastSaveNanos = System.nanoTime();
    }

    /** Opens the store kept in {@code file}, loading it if it exists. */
    public static OffsetStore open(Path file) throws IOException {
        return open(file, DEFAULT_SAVE_INTERVAL);
    }

    /**
     * Opens the store kept in {@code file}, loading it if it exists. A file that is not valid JSON is logged, moved
     * aside (suffix {@code .corrupt}) and replaced by an empty store rather than stopping the service.
     */
    public static OffsetStore open(Path file, Duration saveInterval) throws IOException {
        return new OffsetStore(file, saveInterval, load(file.toAbsolutePath()));
    }

    public Path file() {
        return file;
    }

    /** The last state recorded for {@code path}, if any. */
    public Optional<FileState> get(String path) {
        synchronized (stateLock) {
            return Optional.ofNullable(states.get(path));
        }
    }

    private volatile java.util.function.Consumer<FileState> onChange = s -> { };

    /**
     * Also hands every changed state to {@code listener}, on the reader's thread right after the lines it covers were
     * handed on (the history store records it in the same order as those lines' requests). Must not block.
     */
    public void onChange(java.util.function.Consumer<FileState> listener) {
        this.onChange = listener;
    }

    /** Records {@code state} in memory; it reaches disk with the next save. */
    public void put(FileState state) {
        boolean changed;
        synchronized (stateLock) {
            changed = !state.equals(states.put(state.path(), state));
            if (changed) {
                version++;
            }
        }
        if (changed) {
            onChange.accept(state);
        }
    }

    /** A state as this store writes it, one JSON object: for keeping it elsewhere ({@link #parseState}). */
    public static String stateText(FileState state) {
        try {
            return COMPACT.writeValueAsString(state);
        } catch (IOException e) {
            throw new IllegalStateException("a FileState always serialises", e);
        }
    }

    public static FileState parseState(String text) throws IOException {
        return JSON.readValue(text, FileState.class);
    }

    public void remove(String path) {
        synchronized (stateLock) {
            if (states.remove(path) != null) {
                version++;
            }
        }
    }

    /** Saves if something changed and the save interval has passed since the last save; returns whether it saved. */
    public boolean saveIfDue() throws IOException {
        synchronized (stateLock) {
            if (version == savedVersion || System.nanoTime() - lastSaveNanos < saveIntervalNanos) {
                return false;
            }
        }
        save();
        return true;
    }

    /** Writes the current state to disk now, atomically. */
    public void save() throws IOException {
        synchronized (writeLock) {
            List<FileState> snapshot;
            long snapshotVersion;
            synchronized (stateLock) {
                snapshot = new ArrayList<>(states.values());
                snapshotVersion = version;
            }
            snapshot.sort(Comparator.comparing(FileState::path));
            writeAtomically(JSON.writeValueAsBytes(new StoredFile(FORMAT_VERSION, snapshot)));
            synchronized (stateLock) {
                savedVersion = Math.max(savedVersion, snapshotVersion);
                lastSaveNanos = System.nanoTime();
            }
        }
    }

    private void writeAtomically(byte[] content) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, file.getFileName().toString() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        fsyncDirectory(dir);
    }

    /** Makes the rename itself durable; not every platform lets a directory be opened, so this is best effort. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("Could not fsync directory {}: {}", dir, e.toString());
        }
    }

    private static Map<String, FileState> load(Path file) throws IOException {
        Map<String, FileState> loaded = new LinkedHashMap<>();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return loaded;
        }
        try {
            StoredFile stored = JSON.readValue(content, StoredFile.class);
            if (stored.files() != null) {
                for (FileState state : stored.files()) {
                    loaded.put(state.path(), state);
                }
            }
        } catch (JacksonException | IllegalArgumentException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            String reason = e instanceof JacksonException json ? json.getOriginalMessage() : e.getMessage();
            log.warn("Offset store {} is unreadable ({}); moved it to {} and starting empty", file, reason, aside);
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        }
        return loaded;
    }

    /** The JSON document: a version number leaves room to change the format later. */
    private record StoredFile(int version, List<FileState> files) {
    }
}
