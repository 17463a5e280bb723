package io.trafficviz.source.file;

import io.trafficviz.source.LineSink;
import io.trafficviz.source.LineBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one log file the way a log shipper does, handing every complete line to a {@link LineSink}.
 *
 * <p>It follows appends and survives rotation: rename (the old file is read to its end through the still-open handle,
 * then the new file is read from its beginning), copytruncate (the file became shorter or its first bytes changed:
 * the rest of the old content is read from its copy, e.g. {@code access.log.1}, from the offset reached, then the file
 * again from 0), delete-and-recreate, and a file that does not exist yet. Files are recognised by inode plus a
 * fingerprint of their first bytes, and with an {@link OffsetStore} a restart resumes exactly after the last line
 * delivered.
 *
 * <p>Rotations faster than the tailer looks (or a tailer held up by a slow sink or a GC pause) leave files that were
 * created at the path, written and rotated away in between: after each rotation the rotated siblings written since
 * are compared by content with what was read, and the unread ones are read, oldest first. Only a file deleted before
 * the tailer looked is out of reach; a truncation with no copy to finish from is counted in
 * {@link TailerStats#rotationLosses()}.
 *
 * <p>An idle tailer sleeps until the file's directory reports a change ({@link DirectoryWatch}, inotify on Linux),
 * so a line written to a quiet log is read within a millisecond; it also polls, after 1, 2, 4 ... ms up to the poll
 * interval, for file systems that report nothing.
 *
 * <p>Errors (e.g. permission denied) never stop the tailer: they are reported in {@link #snapshot()} and retried.
 */
public final class FileTailer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileTailer.class);

    private static final int READ_BUFFER_BYTES = 256 * 1024;
    /** Bounds one pass per file so rotation checks and close requests are seen at least every MiB read. */
    private static final int MAX_READS_PER_PASS = 4;
    private static final long SINK_ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CLOSE_TIMEOUT_MILLIS = 10_000;
    /** First wait after a pass that found nothing new; doubled on every further idle pass up to the poll interval. */
    private static final long MIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How often a tailer whose directory cannot be watched (yet) tries again. */
    private static final long WATCH_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Idle passes (1 + 2 + 4 ms of quiet) before a tailer asks to be woken by changes. A busy log is read by polling
     * alone: watching it would cost a wake-up per write (at 10,000 lines/s a fifth of a core), for nothing.
     */
    private static final int WATCH_AFTER_IDLE_PASSES = 3;
    private static final String NOT_A_REGULAR_FILE = "not a regular file";
    private static final List<String> COMPRESSED_SUFFIXES = List.of(".gz", ".bz2", ".xz", ".zst", ".zip", ".lz4");
    /** Fingerprints of files finished lately, so neither they nor copies of them are taken for unread files. */
    private static final int FINISHED_FILES_REMEMBERED = 64;
    /** Rotated siblings whose first bytes are compared when looking for a copy or a skipped file, newest first. */
    private static final int SIBLINGS_EXAMINED = 32;
    /** File times come from a coarse kernel clock, a few milliseconds behind the one Java reads. */
    private static final long MTIME_SLACK_MILLIS = 50;

    private final TailerOptions options;
    private final LineSink sink;
    private final String origin;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Object lifecycleLock = new Object();
    private Thread thread;
    private boolean started;
    private boolean closed;

    // Owned by the tailing thread (and by start() before it launches that thread).
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    /** The lines of the current read pass, handed to the sink at the end of each buffer read. */
    private final LineBatch batch;
    private final OpenLogFile.LineListener deliver = new OpenLogFile.LineListener() {
        @Override
        public void line(byte[] bytes, int from, int length, boolean wasTruncated) {
            if (wasTruncated) {
                truncated.incrementAndGet();
            }
            batch.add(bytes, from, length);
        }

        @Override
        public void endOfBatch() {
            deliverBatch();
        }
    };
    private OpenLogFile current;
    /** Files rotated away from the path, still read for late writes until they have been quiet for the grace time. */
    private final List<OpenLogFile> rotatedAway = new ArrayList<>();
    /** Content fingerprints of files finished (or truncated) lately, newest last; see {@link #isKnownContent}. */
    private final Deque<FileState> finished = new ArrayDeque<>();
    /**
     * Set when a file was rotated away: the wall-clock time it had been opened at. Any rotated sibling written since
     * then that we have not read is a file that came and went between two looks at the path (see findSkippedFiles).
     */
    private long rotatedFileOpenedAtMillis = -1;
    /** State to resume from if the file found at the path turns out to be this one (from the store, or before an error). */
    private FileState knownState;
    /** Until the path has been seen empty or a file opened, an existing file counts as old content (see startAt). */
    private boolean firstSight = true;
    /** What was at the path when it first could not be opened: if a different file shows up later, it is new. */
    private String firstSightInode;
    private FileState lastPut;
    private int idlePasses;
    private DirectoryWatch.Subscription watch;
    private long nextWatchAttemptNanos = System.nanoTime();
    /** Rotated-away files are still read, under other names: then any change in the directory may concern us. */
    private volatile boolean readingRotatedFiles;
    private long lastSinkErrorLogNanos = System.nanoTime() - SINK_ERROR_LOG_INTERVAL_NANOS;

    // Stats: written by the tailing thread only, read by anyone.
    private volatile TailerState state = TailerState.STOPPED;
    private volatile long offset;
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong rotationLosses = new AtomicLong();
    private volatile String fileError;
    /** Set when this pass reported a file error, so a later success in the same pass does not hide it. */
    private boolean fileErrorThisPass;
    private volatile String storeError;

    /** Creates a tailer; nothing is read until {@link #start()}. */
    public FileTailer(TailerOptions options, LineSink sink) {
        this.options = options;
        this.sink = sink;
        this.origin = options.path().toString();
        this.batch = new LineBatch(origin, 256, READ_BUFFER_BYTES);
    }

    public TailerOptions options() {
        return options;
    }

    /**
     * Positions on the file (stored offset, or per {@link TailerOptions#startAt()}) and starts following it on a daemon
     * thread named {@code tail:<path>}. Positioning happens before this returns, so lines appended afterwards are
     * delivered even with {@link StartPosition#END}.
     *
     * @throws IllegalStateException if already started or closed
     */
    public void start() {
        synchronized (lifecycleLock) {
            if (started || closed) {
                throw new IllegalStateException("tailer for " + origin + " was already " + (closed ? "closed" : "started"));
            }
            started = true;
            OffsetStore store = options.offsetStore();
            knownState = store == null ? null : store.get(origin).orElse(null);
            state = TailerState.WAITING_FOR_FILE;
            tryOpenCurrent();
            publishOffset();
            thread = new Thread(this::run, "tail:" + origin);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Stops following, delivers what is left in rotated-away files and persists the offset. Idempotent. */
    @Override
    public void close() {
        Thread running;
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            running = thread;
        }
        stopRequested.countDown();
        if (running == null) {
            state = TailerState.STOPPED;
            return;
        }
        LockSupport.unpark(running); // out of its wait now, not at the end of it
        if (running == Thread.currentThread()) {
            return; // called from the sink: the loop ends after this line
        }
        try {
            running.join(CLOSE_TIMEOUT_MILLIS);
            if (running.isAlive()) {
                log.warn("Tailer for {} did not stop within {} ms (is the sink blocked?)", origin, CLOSE_TIMEOUT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Current counters and state; safe to call from any thread. */
    public TailerStats snapshot() {
        String error = fileError != null ? fileError : storeError;
        return new TailerStats(origin, state, offset, lines.get(), bytes.get(), truncated.get(), rotations.get(), error,
                rotationLosses.get());
    }

    private void run() {
        Thread self = Thread.currentThread();
        String fileName = options.path().getFileName().toString();
        try {
            while (stopRequested.getCount() > 0 && !self.isInterrupted()) {
                boolean progressed;
                try {
                    progressed = pollOnce();
                } catch (RuntimeException e) {
                    // A bug must not silently end tailing; report it and keep going.
                    log.error("Unexpected error tailing {}", origin, e);
                    fileError = e.toString();
                    progressed = false;
                }
                publishOffset();
                checkpoint(false);
                if (progressed) {
                    idlePasses = 0;
                    unwatch();
                } else {
                    if (idlePasses >= WATCH_AFTER_IDLE_PASSES && watchDirectory(self, fileName)) {
                        continue; // a line written before the watch began sends no news: look once more first
                    }
                    // Right after reading, more is likely on its way: poll again within a millisecond, then back off
                    // (1, 2, 4 ... ms) to the poll interval. A line written to a busy log is seen in ~1 ms instead
                    // of up to a whole interval later, and once the log is quiet a change in its directory ends the
                    // wait at once (unpark); so does close().
                    long backoff = MIN_POLL_NANOS << Math.min(idlePasses++, 20);
                    LockSupport.parkNanos(this, Math.min(backoff, options.pollInterval().toNanos()));
                }
            }
        } finally {
            unwatch();
            shutdown();
        }
    }

    /**
     * Subscribes to changes in the file's directory, unless subscribed already (and the directory still the same) or
     * a failed attempt was less than a second ago; returns whether it subscribed now.
     */
    private boolean watchDirectory(Thread self, String fileName) {
        if ((watch != null && watch.isValid()) || System.nanoTime() - nextWatchAttemptNanos < 0) {
            return false;
        }
        unwatch();
        DirectoryWatch directories = DirectoryWatch.shared();
        if (directories == null) {
            nextWatchAttemptNanos = System.nanoTime() + WATCH_RETRY_NANOS;
            return false; // this file system reports no changes: polling it is
        }
        Path dir = options.path().toAbsolutePath().getParent();
        try {
            watch = directories.subscribe(dir, changed -> {
                if (changed == null || readingRotatedFiles || changed.toString().equals(fileName)) {
                    LockSupport.unpark(self);
                    return true;
                }
                return false;
            });
            return true;
        } catch (IOException e) {
            nextWatchAttemptNanos = System.nanoTime() + WATCH_RETRY_NANOS;
            log.debug("Cannot watch {} for changes ({}); polling it", dir, e.toString());
            return false;
        }
    }

    private void unwatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    /** One pass over the path and the open files; returns whether anything happened (so the next pass is immediate). */
    private boolean pollOnce() {
        fileErrorThisPass = false;
        boolean progressed = current == null ? tryOpenCurrent() : checkForRotation();
        boolean rotatedFilesAtEnd = true;
        for (Iterator<OpenLogFile> it = rotatedAway.iterator(); it.hasNext(); ) {
            OpenLogFile old = it.next();
            try {
                long n = old.read(buffer, MAX_READS_PER_PASS, deliver);
                bytes.addAndGet(n);
                progressed |= n > 0;
                if (!old.atEnd()) {
                    rotatedFilesAtEnd = false;
                } else if (System.nanoTime() - old.lastActivityNanos() >= options.rotationGrace().toNanos()) {
                    // Nothing has been written for a while: whoever wrote it has moved on, so a partial line is final.
                    old.flushPartial(deliver);
                    it.remove();
                    remember(old);
                    closeQuietly(old);
                    log.debug("Finished rotated file {} of {}", old.file(), origin);
                }
            } catch (IOException e) {
                log.warn("Giving up on rotated file {} of {}: {}", old.file(), origin, e.toString());
                it.remove();
                closeQuietly(old);
            }
        }
        // The old file is read to its end before the new one, so lines keep their order across a rotation.
        if (current != null && rotatedFilesAtEnd) {
            progressed |= readCurrent();
        }
        if (current != null && !fileErrorThisPass) {
            fileError = null;
        }
        readingRotatedFiles = !rotatedAway.isEmpty();
        return progressed;
    }

    private boolean readCurrent() {
        try {
            if (current.wasTruncatedOrReplaced()) {
                rotations.incrementAndGet();
                long lastReadMillis = current.lastReadMillis();
                remember(current); // its copies hold lines already read: never read again from their beginning
                boolean fromCopy = finishFromCopy();
                // Copies of content written and truncated away again between two looks (copytruncate faster than
                // the tailer looks) come next; the file itself is read again from its beginning after them.
                int skipped = findSkippedFiles(lastReadMillis);
                if (fromCopy) {
                    return true;
                }
                if (current.hasUnreadRest()) {
                    rotationLosses.incrementAndGet();
                    log.warn("{} was truncated before it was read to its end, and no copy of it was found next to it:"
                            + " the lines written since the last read are lost", origin);
                } else {
                    log.info("{} was truncated; reading it again from the beginning", origin);
                }
                current.restartFromBeginning(deliver);
                if (skipped > 0) {
                    return true;
                }
            }
            long n = current.read(buffer, MAX_READS_PER_PASS, deliver);
            bytes.addAndGet(n);
            return n > 0;
        } catch (IOException e) {
            reportFileError(e);
            // Reopen on a later pass, resuming here if the same file is still at the path.
            knownState = current.state(origin);
            closeQuietly(current);
            current = null;
            state = TailerState.WAITING_FOR_FILE;
            return false;
        }
    }

    /** Notices when the path names another file (or none) than the one being read; returns whether it did. */
    private boolean checkForRotation() {
        String inodeAtPath;
        try {
            inodeAtPath = FileIdentity.inodeOf(options.path());
        } catch (IOException e) {
            reportFileError(e); // e.g. directory permissions changed; the open handle still works
            return false;
        }
        if (current.inode().equals(inodeAtPath)) {
            return false;
        }
        log.info("{} was rotated ({}); finishing the old file, then {}", origin,
                inodeAtPath == null ? "removed" : "new file", inodeAtPath == null ? "waiting for a new one" : "reading the new one");
        rotations.incrementAndGet();
        current.touch();
        rotatedFileOpenedAtMillis = current.openedAtMillis();
        rotatedAway.add(current);
        current = null;
        knownState = null;
        firstSight = false;
        state = TailerState.WAITING_FOR_FILE;
        if (inodeAtPath != null) {
            tryOpenCurrent();
        }
        return true;
    }

    /** Tries to open the file at the path and choose where to start in it; returns whether it did. */
    private boolean tryOpenCurrent() {
        OpenLogFile file;
        try {
            file = OpenLogFile.open(options.path(), options.maxLineBytes());
            if (file == null) {
                return false; // rotated while opening: next pass
            }
        } catch (NoSuchFileException e) {
            if (knownState != null) {
                // Rotated while we were down and not recreated yet: the old file may still be next to it.
                recoverRotatedFile(knownState);
                knownState = null;
            }
            firstSight = false;
            fileError = null;
            return false;
        } catch (IOException e) {
            reportFileError(e);
            rememberFirstSightInode();
            return false;
        }
        try {
            file.startAt(chooseStartOffset(file));
        } catch (IOException e) {
            reportFileError(e);
            closeQuietly(file);
            return false;
        }
        current = file;
        knownState = null;
        firstSight = false;
        if (rotatedFileOpenedAtMillis >= 0) {
            findSkippedFiles(rotatedFileOpenedAtMillis);
            rotatedFileOpenedAtMillis = -1;
        }
        if (!fileErrorThisPass) {
            fileError = null;
        }
        state = TailerState.TAILING;
        log.info("Tailing {} from offset {}", origin, file.committedOffset());
        return true;
    }

    private long chooseStartOffset(OpenLogFile file) throws IOException {
        if (knownState != null) {
            if (file.matches(knownState)) {
                return knownState.offset();
            }
            if (!knownState.inode().equals(file.inode())) {
                recoverRotatedFile(knownState);
            }
            log.info("{} is not the file read before (inode or first bytes differ); reading it from the beginning", origin);
            return 0;
        }
        boolean sameFileAsFirstSeen = firstSightInode == null || firstSightInode.equals(file.inode());
        if (firstSight && sameFileAsFirstSeen && options.startAt() == StartPosition.END) {
            return file.endOfLastCompleteLine(options.maxLineBytes() + 2);
        }
        return 0; // a file that appeared while we watched is new: all of it is unread
    }

    private void rememberFirstSightInode() {
        if (firstSight && firstSightInode == null) {
            try {
                // Inode numbers are reused at once (a directory replaced by a file can get the same one), so
                // whatever is not a regular file is remembered as such: any log file found later is then new.
                firstSightInode = Files.isRegularFile(options.path())
                        ? FileIdentity.inodeOf(options.path())
                        : NOT_A_REGULAR_FILE;
            } catch (IOException e) {
                log.debug("Cannot identify {} either: {}", origin, e.toString());
            }
        }
    }

    /**
     * Best effort: finds the file described by {@code state} among the path's rotated siblings (e.g. {@code access.log.1},
     * {@code access.log-20240101}) and queues it to be read from the stored offset, so lines written between our
     * shutdown and the rotation are not lost.
     */
    private void recoverRotatedFile(FileState state) {
        Path path = options.path().toAbsolutePath();
        Path dir = path.getParent();
        String base = path.getFileName().toString();
        DirectoryStream.Filter<Path> rotatedSibling = candidate -> {
            String name = candidate.getFileName().toString();
            return name.startsWith(base) && !name.equals(base)
                    && COMPRESSED_SUFFIXES.stream().noneMatch(name.toLowerCase(Locale.ROOT)::endsWith);
        };
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(dir, rotatedSibling)) {
            for (Path sibling : siblings) {
                if (!state.inode().equals(FileIdentity.inodeOf(sibling))) {
                    continue;
                }
                OpenLogFile old = OpenLogFile.open(sibling, options.maxLineBytes());
                if (old != null && old.matches(state)) {
                    old.startAt(state.offset());
                    old.touch();
                    rotatedAway.add(old);
                    rotations.incrementAndGet();
                    log.info("{} was rotated while stopped; finishing {} from offset {} first", origin, sibling, state.offset());
                    return;
                }
                if (old != null) {
                    closeQuietly(old);
                }
            }
        } catch (IOException e) {
            log.warn("Could not look for the rotated file of {}: {}", origin, e.toString());
        }
    }

    /**
     * After a copytruncate: finds the copy (a rotated sibling starting with the bytes the file started with, e.g.
     * {@code access.log.1}) and queues it to be read from the offset reached, so the lines written between the last
     * read and the truncation are read from there. Returns whether it did; the file itself is then read again from
     * its beginning once the copy is done.
     */
    private boolean finishFromCopy() throws IOException {
        byte[] head = current.head();
        long from = current.committedOffset();
        if (head.length == 0) {
            return false;
        }
        OpenLogFile found = null;
        for (OpenLogFile copy : openRotatedSiblings(0)) {
            if (found == null && copy.startsWith(head) && copy.size() > from) {
                found = copy;
            } else {
                closeQuietly(copy);
            }
        }
        if (found == null) {
            return false; // none, or a copy taken before our last read: it holds nothing we have not read
        }
        current.restartFromBeginningWithoutPartial();
        found.startAt(from);
        found.touch();
        rotatedAway.add(found);
        log.info("{} was truncated (copytruncate); reading its copy {} from offset {} first", origin, found.file(), from);
        return true;
    }

    /**
     * After a rotation: queues, oldest first, every rotated sibling written since {@code sinceMillis} whose content
     * is not one we have read. Such a file was created at the path (or, with copytruncate, copied from it), written
     * and rotated away between two looks at the path (rotations faster than the tailer looks, or a tailer held up):
     * without this its lines would be lost. Returns how many it queued.
     */
    private int findSkippedFiles(long sinceMillis) {
        List<OpenLogFile> skipped = new ArrayList<>();
        for (OpenLogFile file : openRotatedSiblings(sinceMillis)) {
            try {
                if (file.size() == 0 || isKnownContent(file) || isCopyOfCurrent(file)) {
                    closeQuietly(file);
                    continue;
                }
                file.startAt(0);
                file.touch();
                skipped.add(file);
            } catch (IOException e) {
                closeQuietly(file);
            }
        }
        skipped.sort(Comparator.comparingLong(FileTailer::lastModifiedQuietly));
        for (OpenLogFile file : skipped) {
            rotatedAway.add(file);
            rotations.incrementAndGet();
            log.info("{} was rotated more than once since it was last looked at; reading the skipped file {}",
                    origin, file.file());
        }
        return skipped.size();
    }

    /**
     * Opens the rotated siblings modified since {@code sinceMillis} that are not open already, newest first. logrotate
     * may be shifting their names (.1 to .2 ...) while we look: the directory is listed twice, and once more when a
     * file is gone between the listing and its opening, so it is found under its new name.
     */
    private List<OpenLogFile> openRotatedSiblings(long sinceMillis) {
        List<OpenLogFile> opened = new ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            boolean vanished = false;
            for (Path sibling : rotatedSiblings()) {
                try {
                    if (Files.getLastModifiedTime(sibling).toMillis() < sinceMillis - MTIME_SLACK_MILLIS) {
                        continue;
                    }
                } catch (IOException e) {
                    vanished = true;
                    continue;
                }
                OpenLogFile file = openQuietly(sibling);
                if (file == null) {
                    vanished = true;
                    continue;
                }
                String inode = file.inode();
                if (isOpen(inode) || opened.stream().anyMatch(f -> f.inode().equals(inode))) {
                    closeQuietly(file);
                } else {
                    opened.add(file);
                }
            }
            // A directory listing taken while names are being shifted can miss an entry altogether (readdir is not
            // atomic against rename): so always a second look, and a third if a file vanished.
            if (!vanished && attempt >= 1) {
                break;
            }
        }
        return opened;
    }

    /**
     * Whether the file at the path starts with this file's first bytes: a copy taken before a truncation that has not
     * happened yet (or not been noticed). It is read from where we are once the truncation is noticed, not now.
     */
    private boolean isCopyOfCurrent(OpenLogFile file) throws IOException {
        return current != null && current.startsWith(file.readHead(Fingerprint.MAX_BYTES));
    }

    private static long lastModifiedQuietly(OpenLogFile file) {
        try {
            return Files.getLastModifiedTime(file.file()).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE; // renamed again since: it is among the newest
        }
    }

    /** Rotated siblings of the path ({@code access.log.1}, {@code access.log-20240101}...), not compressed, newest first. */
    private List<Path> rotatedSiblings() {
        Path path = options.path().toAbsolutePath();
        String base = path.getFileName().toString();
        DirectoryStream.Filter<Path> rotatedName = candidate -> {
            String name = candidate.getFileName().toString();
            if (!name.startsWith(base) || name.length() == base.length()) {
                return false;
            }
            char separator = name.charAt(base.length());
            return (separator == '.' || separator == '-' || separator == '_')
                    && name.substring(base.length()).chars().anyMatch(Character::isDigit)
                    && COMPRESSED_SUFFIXES.stream().noneMatch(name.toLowerCase(Locale.ROOT)::endsWith);
        };
        List<Path> found = new ArrayList<>();
        List<Long> modified = new ArrayList<>();
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(path.getParent(), rotatedName)) {
            for (Path sibling : siblings) {
                try {
                    modified.add(Files.getLastModifiedTime(sibling).toMillis());
                    found.add(sibling);
                } catch (IOException e) {
                    // rotated away again while listed
                }
            }
        } catch (IOException e) {
            log.warn("Could not look for rotated files of {}: {}", origin, e.toString());
            return List.of();
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> modified.get(i)).reversed());
        return order.stream().limit(SIBLINGS_EXAMINED).map(found::get).toList();
    }

    /** Whether the file is the one being read or one of the rotated files still open. */
    private boolean isOpen(String inode) {
        return (current != null && current.inode().equals(inode))
                || rotatedAway.stream().anyMatch(f -> f.inode().equals(inode));
    }

    /** Whether the file starts with the first bytes of a file read lately (so it is that file, or a copy of it). */
    private boolean isKnownContent(OpenLogFile file) throws IOException {
        for (FileState known : finished) {
            if (known.fingerprintLength() > 0 && file.startsWith(known.fingerprintLength(), known.fingerprintCrc32())) {
                return true;
            }
        }
        for (OpenLogFile open : rotatedAway) {
            FileState state = open.state();
            if (state.fingerprintLength() > 0 && file.startsWith(state.fingerprintLength(), state.fingerprintCrc32())) {
                return true;
            }
        }
        return false;
    }

    /** Keeps the content fingerprint of a file being let go (or truncated), so a copy of it is not read again. */
    private void remember(OpenLogFile file) {
        FileState state = file.state();
        if (state.fingerprintLength() == 0) {
            return; // an empty file: nothing in it to read twice
        }
        finished.addLast(state);
        if (finished.size() > FINISHED_FILES_REMEMBERED) {
            finished.removeFirst();
        }
    }

    private OpenLogFile openQuietly(Path file) {
        try {
            return OpenLogFile.open(file, options.maxLineBytes());
        } catch (IOException e) {
            return null;
        }
    }

    private void deliverBatch() {
        if (batch.isEmpty()) {
            return;
        }
        int n = batch.size();
        try {
            sink.accept(batch);
        } catch (RuntimeException e) {
            deliverOneByOne(e);
        } finally {
            batch.clear();
        }
        lines.addAndGet(n);
    }

    /** After the sink failed on a batch: each line on its own, so only the lines it chokes on are skipped. */
    private void deliverOneByOne(RuntimeException first) {
        LineBatch single = new LineBatch(origin, 1, 1024);
        RuntimeException failure = first;
        int skipped = 0;
        for (int i = 0; i < batch.size(); i++) {
            single.clear();
            single.add(batch.bytes(), batch.start(i), batch.length(i));
            try {
                sink.accept(single);
            } catch (RuntimeException e) {
                failure = e;
                skipped++;
            }
        }
        long now = System.nanoTime();
        if (skipped > 0 && now - lastSinkErrorLogNanos >= SINK_ERROR_LOG_INTERVAL_NANOS) {
            lastSinkErrorLogNanos = now;
            log.warn("Sink failed on {} line(s) from {}; skipping them", skipped, origin, failure);
        }
    }

    /** Hands the current position to the store (memory), and saves when due or when {@code force}d. */
    private void checkpoint(boolean force) {
        OffsetStore store = options.offsetStore();
        if (store == null) {
            return;
        }
        // Until a new file shows up, the file last rotated away is the one whose progress matters: were the old
        // position kept instead, a restart that finds the rotated file would read its end again.
        OpenLogFile latest = current != null ? current
                : rotatedAway.isEmpty() ? null : rotatedAway.get(rotatedAway.size() - 1);
        if (latest != null) {
            FileState now = latest.state(origin);
            if (!now.equals(lastPut)) {
                store.put(now);
                lastPut = now;
            }
        }
        try {
            if (force) {
                store.save();
            } else {
                store.saveIfDue();
            }
            storeError = null;
        } catch (IOException e) {
            String message = "cannot save offsets to " + store.file() + ": " + e;
            if (!message.equals(storeError)) {
                log.warn(message);
            }
            storeError = message;
        }
    }

    private void shutdown() {
        try {
            for (OpenLogFile old : rotatedAway) {
                try {
                    // Nobody will come back for a rotated file, so finish it now, partial line included.
                    long n;
                    do {
                        n = old.read(buffer, MAX_READS_PER_PASS, deliver);
                        bytes.addAndGet(n);
                    } while (n > 0);
                    old.flushPartial(deliver);
                } catch (IOException e) {
                    log.warn("Could not finish rotated file {} of {}: {}", old.file(), origin, e.toString());
                }
            }
            publishOffset();
            checkpoint(true);
            rotatedAway.forEach(FileTailer::closeQuietly);
            rotatedAway.clear();
            if (current != null) {
                closeQuietly(current);
            }
        } catch (RuntimeException e) {
            log.error("Error while stopping the tailer for {}", origin, e);
        } finally {
            state = TailerState.STOPPED;
            log.info("Stopped tailing {}", origin);
        }
    }

    private void publishOffset() {
        offset = current == null ? 0 : current.committedOffset();
    }

    private void reportFileError(IOException e) {
        String message = e instanceof AccessDeniedException denied ? "permission denied: " + denied.getFile() : e.toString();
        fileErrorThisPass = true;
        if (!message.equals(fileError)) {
            log.warn("Problem tailing {}: {} (will keep retrying)", origin, message);
        }
        fileError = message;
    }

    private static void closeQuietly(OpenLogFile file) {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("Closing {} failed: {}", file.file(), e.toString());
        }
    }
}
