package io.trafficviz.source;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells tailers at once when something changes in their log's directory, through one {@link WatchService} (inotify
 * on Linux) shared by all of them, so that a line written to a quiet log is read within a millisecond instead of at
 * the tailer's next poll, up to its poll interval later. One service for all tailers, because inotify instances are
 * few per user (128 by default) where watched directories are many.
 *
 * <p>Polling stays the tailers' safety net: for file systems that send no notifications (NFS, some FUSE mounts), for a
 * directory that cannot be watched (missing, or the inotify limits reached) and for events the kernel dropped.
 */
final class DirectoryWatch {
    private static final Logger log = LoggerFactory.getLogger(DirectoryWatch.class);
    private static DirectoryWatch shared;

    private final WatchService service;
    private final Map<WatchKey, Set<Consumer<Path>>> listeners = new ConcurrentHashMap<>();

    private DirectoryWatch(WatchService service) {
        this.service = service;
        Thread thread = new Thread(this::run, "tail-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The process's watch, started on first use; null where the file system offers none. */
    static synchronized DirectoryWatch shared() {
        if (shared == null) {
            try {
                shared = new DirectoryWatch(FileSystems.getDefault().newWatchService());
            } catch (IOException | UnsupportedOperationException e) {
                log.info("No file change notifications ({}); log files are polled", e.toString());
                return null;
            }
        }
        return shared;
    }

    /**
     * Calls {@code listener} on the watch's thread with the name of each entry of {@code dir} that is created,
     * modified or deleted, or with null when the kernel dropped events (then anything may have changed). The listener
     * must be quick: it holds up every other directory's news.
     *
     * @throws IOException if {@code dir} cannot be watched (e.g. it does not exist, or the inotify limits are reached)
     */
    synchronized Subscription subscribe(Path dir, Consumer<Path> listener) throws IOException {
        // Registering a directory again returns its existing key: tailers of files in one directory share it.
        WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        listeners.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(listener);
        return new Subscription(key, listener);
    }

    private synchronized void unsubscribe(WatchKey key, Consumer<Path> listener) {
        Set<Consumer<Path>> set = listeners.get(key);
        if (set == null) {
            return;
        }
        set.remove(listener);
        if (set.isEmpty()) {
            listeners.remove(key);
            key.cancel();
        }
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Set<Consumer<Path>> targets = listeners.getOrDefault(key, Set.of());
            for (WatchEvent<?> event : key.pollEvents()) {
                Path name = event.kind() == StandardWatchEventKinds.OVERFLOW ? null : (Path) event.context();
                for (Consumer<Path> listener : targets) {
                    try {
                        listener.accept(name);
                    } catch (RuntimeException e) {
                        log.warn("file change listener failed", e);
                    }
                }
            }
            if (!key.reset()) {
                // The directory is gone (or was unsubscribed): its tailers fall back to polling and subscribe again.
                listeners.remove(key);
            }
        }
    }

    /** One listener on one directory. */
    final class Subscription implements AutoCloseable {
        private final WatchKey key;
        private final Consumer<Path> listener;

        private Subscription(WatchKey key, Consumer<Path> listener) {
            this.key = key;
            this.listener = listener;
        }

        /** False once the directory was deleted or renamed: news from it no longer arrives. */
        boolean isValid() {
            return key.isValid();
        }

        @Override
        public void close() {
            unsubscribe(key, listener);
        }
    }
}
