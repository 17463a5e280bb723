package io.trafficviz.source.file;

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
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells tailers at once when something changes in their log's directory, through one {@link WatchService} (inotify
 * on Linux) shared by all of them, so that a line written to a quiet log is read within a millisecond instead of at
 * the tailer's next poll, up to its poll interval later. One service for all tailers, because inotify instances are
 * few per user (128 by default) where watched directories are many.
 *
 * <p>Polling stays the tailers' safety net: for file systems that send no notifications (NFS, some FUSE mounts), for a
 * directory that cannot be watched (missing, or the inotify limits reached) and for events the kernel dropped. It is
 * also what a quiet log in a directory busy with other files' writes gets: news nobody waits for costs a wake-up each
 * (at 10,000 writes/s to a neighbour, 8 points of a core), so such a directory is left alone for a while.
 */
final class DirectoryWatch {
    private static final Logger log = LoggerFactory.getLogger(DirectoryWatch.class);
    private static DirectoryWatch shared;
    /** Events a second that interest no listener, past which a directory is not watched for {@link #restNanos}. */
    static final int NOISY_EVENTS_PER_SECOND = 500;

    private final WatchService service;
    private final long restNanos;
    private final Map<WatchKey, Set<Predicate<Path>>> listeners = new ConcurrentHashMap<>();
    /** Per key, the start of its current second and its uninteresting events in it (written by the watch thread). */
    private final Map<WatchKey, long[]> noise = new ConcurrentHashMap<>();
    /** Directories found noisy, until when (System.nanoTime) they are not watched. */
    private final Map<Path, Long> restingUntil = new ConcurrentHashMap<>();

    DirectoryWatch(WatchService service, long restNanos) {
        this.service = service;
        this.restNanos = restNanos;
        Thread thread = new Thread(this::run, "tail-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The process's watch, started on first use; null where the file system offers none. */
    static synchronized DirectoryWatch shared() {
        if (shared == null) {
            try {
                shared = new DirectoryWatch(FileSystems.getDefault().newWatchService(), 10_000_000_000L);
            } catch (IOException | UnsupportedOperationException e) {
                log.info("No file change notifications ({}); log files are polled", e.toString());
                return null;
            }
        }
        return shared;
    }

    /**
     * Calls {@code listener} on the watch's thread with the name of each entry of {@code dir} that is created,
     * modified or deleted, or with null when the kernel dropped events (then anything may have changed); it answers
     * whether the news concerned it. The listener must be quick: it holds up every other directory's news. When more
     * than {@value #NOISY_EVENTS_PER_SECOND} events a second concern nobody, the subscription ends ({@link
     * Subscription#isValid()} turns false) and the directory cannot be subscribed to for a while.
     *
     * @throws IOException if {@code dir} cannot be watched (e.g. it does not exist, the inotify limits are reached, or
     *                     it is resting after being noisy)
     */
    synchronized Subscription subscribe(Path dir, Predicate<Path> listener) throws IOException {
        Long until = restingUntil.get(dir);
        if (until != null) {
            if (System.nanoTime() - until < 0) {
                throw new IOException(dir + " is busy with other files' writes: polled for now");
            }
            restingUntil.remove(dir);
        }
        // Registering a directory again returns its existing key: tailers of files in one directory share it.
        WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        listeners.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(listener);
        return new Subscription(key, listener);
    }

    private synchronized void unsubscribe(WatchKey key, Predicate<Path> listener) {
        Set<Predicate<Path>> set = listeners.get(key);
        if (set == null) {
            return;
        }
        set.remove(listener);
        if (set.isEmpty()) {
            listeners.remove(key);
            noise.remove(key); // a tailer subscribes anew after every quiet gap: each time a new key
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
            Set<Predicate<Path>> targets = listeners.getOrDefault(key, Set.of());
            int uninteresting = 0;
            for (WatchEvent<?> event : key.pollEvents()) {
                Path name = event.kind() == StandardWatchEventKinds.OVERFLOW ? null : (Path) event.context();
                boolean interesting = false;
                for (Predicate<Path> listener : targets) {
                    try {
                        interesting |= listener.test(name);
                    } catch (RuntimeException e) {
                        log.warn("file change listener failed", e);
                    }
                }
                if (!interesting) {
                    uninteresting += event.count();
                }
            }
            settle(key, uninteresting);
        }
    }

    /**
     * Counts a key's noise and re-arms it, under the lock that {@link #unsubscribe} takes: outside it, the last
     * subscriber could leave between the count and the re-arm, and the count would outlive its key.
     */
    private synchronized void settle(WatchKey key, int uninteresting) {
        // Events still queued for a key nobody listens to any more concern nobody, but say nothing about noise.
        if (listeners.containsKey(key) && noisy(key, uninteresting)) {
            rest(key);
        } else if (!listeners.containsKey(key) || !key.reset()) {
            // The directory is gone (or was unsubscribed): its tailers fall back to polling and subscribe again.
            listeners.remove(key);
            noise.remove(key);
        }
    }

    private boolean noisy(WatchKey key, int uninteresting) {
        long now = System.nanoTime();
        long[] second = noise.computeIfAbsent(key, k -> new long[] {now, 0});
        if (now - second[0] >= 1_000_000_000L) {
            second[0] = now;
            second[1] = 0;
        }
        second[1] += uninteresting;
        return second[1] > NOISY_EVENTS_PER_SECOND;
    }

    /** Stops watching a noisy directory: its subscribers poll, and may subscribe again once it has rested. */
    private synchronized void rest(WatchKey key) {
        Path dir = (Path) key.watchable();
        restingUntil.put(dir, System.nanoTime() + restNanos);
        listeners.remove(key);
        noise.remove(key);
        key.cancel();
        log.debug("{} is busy with writes to files nobody waits for: polling its quiet logs for a while", dir);
    }

    /** Keys whose noise is being counted: none once nobody is subscribed. */
    int countedKeys() {
        return noise.size();
    }

    /** One listener on one directory. */
    final class Subscription implements AutoCloseable {
        private final WatchKey key;
        private final Predicate<Path> listener;

        private Subscription(WatchKey key, Predicate<Path> listener) {
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
