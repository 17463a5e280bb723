package io.trafficviz.source.file;

import static io.trafficviz.source.file.NumberedLines.expected;
import static io.trafficviz.source.file.NumberedLines.numbers;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rename, copytruncate and delete-and-recreate rotation while tailing. */
class FileTailerRotationIT extends TailerTestSupport {

    private static final int TOTAL_LINES = 20_000;
    private static final Duration LONG_WAIT = Duration.ofSeconds(30);

    @Test
    void renameRotationWhileAWriterKeepsWritingLosesAndRepeatsNothing() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()), sink);
        int rotateEvery = 3334; // 5 rotations within 20k lines

        BackgroundWriter writer = BackgroundWriter.start(() -> {
            OutputStream out = Files.newOutputStream(log(), StandardOpenOption.APPEND);
            for (int n = 0; n < TOTAL_LINES; n++) {
                if (n > 0 && n % rotateEvery == 0) {
                    // What logrotate + a reopening writer do: rename, then the writer creates a fresh file.
                    out.close();
                    Files.move(log(), dir.resolve("access.log." + n / rotateEvery));
                    out = Files.newOutputStream(log(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
                out.write(NumberedLines.bytes(n));
                pace(n);
            }
            out.close();
        });

        sink.awaitAtLeast(TOTAL_LINES, LONG_WAIT);
        writer.join();
        assertThat(numbers(sink.texts())).isEqualTo(expected(0, TOTAL_LINES));
        assertThat(tailer.snapshot().rotations()).isEqualTo(5);
    }

    @Test
    void copytruncateWhileAWriterKeepsWritingLosesAndRepeatsNothing() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()), sink);
        int rotateEvery = 4000; // 4 truncations

        BackgroundWriter writer = BackgroundWriter.start(() -> {
            // O_APPEND matters: after the truncate the writer must continue at the new end, not its old offset.
            try (FileChannel out = FileChannel.open(log(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                for (int n = 0; n < TOTAL_LINES; n++) {
                    if (n > 0 && n % rotateEvery == 0) {
                        // The writer pauses during copy+truncate, closing the classic loss window of copytruncate
                        // (lines written after the tailer's last read and before the truncate).
                        sink.awaitAtLeast(n, LONG_WAIT);
                        Files.copy(log(), dir.resolve("access.log." + n / rotateEvery));
                        try (FileChannel truncate = FileChannel.open(log(), StandardOpenOption.WRITE)) {
                            truncate.truncate(0);
                        }
                    }
                    out.write(ByteBuffer.wrap(NumberedLines.bytes(n)));
                    pace(n);
                }
            }
        });

        sink.awaitAtLeast(TOTAL_LINES, LONG_WAIT);
        writer.join();
        assertThat(numbers(sink.texts())).isEqualTo(expected(0, TOTAL_LINES));
        assertThat(tailer.snapshot().rotations()).isEqualTo(4);
    }

    @Test
    void truncateFollowedByMoreThanWasThereBeforeIsStillNoticed() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        // A long poll interval leaves the file rewritten past the old offset before the tailer looks again; only the
        // changed first bytes (fingerprint) can tell.
        FileTailer tailer = tail(options(log()).withPollInterval(Duration.ofSeconds(2)), sink);
        append(log(), NumberedLines.range(0, 20));
        sink.awaitAtLeast(20);

        try (FileChannel truncate = FileChannel.open(log(), StandardOpenOption.WRITE)) {
            truncate.truncate(0);
        }
        append(log(), NumberedLines.range(1000, 1050));

        sink.awaitAtLeast(70);
        assertThat(numbers(sink.texts()))
                .containsExactlyElementsOf(concat(expected(0, 20), expected(1000, 1050)));
        assertThat(tailer.snapshot().rotations()).isEqualTo(1);
    }

    @Test
    void deleteAndRecreateReadsTheRestOfTheOldFileThenTheNewOneFromItsBeginning() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()), sink);
        append(log(), NumberedLines.range(0, 100));
        sink.awaitAtLeast(100);

        try (OutputStream old = Files.newOutputStream(log(), StandardOpenOption.APPEND)) {
            old.write(NumberedLines.range(100, 150).getBytes());
            Files.delete(log());
            append(log(), NumberedLines.range(150, 200));
        }

        sink.awaitAtLeast(200);
        assertThat(numbers(sink.texts())).isEqualTo(expected(0, 200));
        assertThat(tailer.snapshot().rotations()).isEqualTo(1);
        Await.until("the new file to be tailed", () -> tailer.snapshot().state() == TailerState.TAILING);
    }

    @Test
    void fileRemovedWithoutReplacementMeansWaitingForANewOne() throws Exception {
        append(log(), "");
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()), sink);
        append(log(), "last words\n");
        sink.awaitAtLeast(1);

        Files.delete(log());
        Await.until("waiting state", () -> tailer.snapshot().state() == TailerState.WAITING_FOR_FILE);
        append(log(), "born again\n");

        assertThat(sink.awaitAtLeast(2).texts()).containsExactly("last words", "born again");
        assertThat(tailer.snapshot().state()).isEqualTo(TailerState.TAILING);
    }

    @Test
    void partialLastLineOfARotatedFileIsDeliveredAfterTheGraceTime() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        tail(options(log()), sink);
        append(log(), "one\nunfinished");
        sink.awaitAtLeast(1);

        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), "two\n");

        assertThat(sink.awaitAtLeast(3).texts()).containsExactly("one", "two", "unfinished");
    }

    @Test
    void lateWritesToTheRotatedFileAreStillRead() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        tail(options(log()).withRotationGrace(Duration.ofSeconds(5)), sink);

        // Like Traefik between logrotate's rename and the USR1 that makes it reopen the path.
        try (OutputStream old = Files.newOutputStream(log(), StandardOpenOption.APPEND)) {
            old.write("before rename\n".getBytes());
            Files.move(log(), dir.resolve("access.log.1"));
            append(log(), "new file\n");
            sink.awaitAtLeast(2);
            old.write("late write\n".getBytes());
        }

        assertThat(sink.awaitAtLeast(3).texts()).containsExactly("before rename", "new file", "late write");
    }

    @Test
    void aFileCreatedAndRotatedAwayWhileTheTailerWasHeldUpIsStillRead() throws Exception {
        Files.createFile(log());
        HeldSink sink = new HeldSink();
        tail(options(log()), sink);
        append(log(), NumberedLines.range(0, 10));
        sink.awaitHeld();

        // While the sink holds the tailer: two rotations, logrotate style (.1 shifted to .2), so the file in between
        // is never seen at the path.
        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), NumberedLines.range(10, 20));
        Files.move(dir.resolve("access.log.1"), dir.resolve("access.log.2"));
        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), NumberedLines.range(20, 30));
        sink.release();

        sink.awaitAtLeast(30);
        assertThat(numbers(sink.texts())).isEqualTo(expected(0, 30));
    }

    @Test
    void copytruncateReadsTheLinesNotYetReadFromTheCopy() throws Exception {
        Files.createFile(log());
        HeldSink sink = new HeldSink();
        FileTailer tailer = tail(options(log()), sink);
        String line10 = NumberedLines.line(10) + "\n";
        append(log(), NumberedLines.range(0, 10) + line10.substring(0, 20));
        sink.awaitHeld();

        // Written, copied and truncated while the tailer is held: only the copy has lines 10 to 19.
        append(log(), line10.substring(20) + NumberedLines.range(11, 20));
        Files.copy(log(), dir.resolve("access.log.1"));
        try (FileChannel truncate = FileChannel.open(log(), StandardOpenOption.WRITE)) {
            truncate.truncate(0);
        }
        append(log(), NumberedLines.range(20, 22));
        sink.release();

        sink.awaitAtLeast(22);
        assertThat(numbers(sink.texts())).isEqualTo(expected(0, 22));
        assertThat(tailer.snapshot().rotationLosses()).isZero();
    }

    @Test
    void copytruncateWithoutACopyCountsTheLoss() throws Exception {
        Files.createFile(log());
        HeldSink sink = new HeldSink();
        FileTailer tailer = tail(options(log()), sink);
        append(log(), NumberedLines.range(0, 10) + "0000010 GET /cut");
        sink.awaitHeld();

        // The copy is compressed (or deleted) at once: the rest of line 10 and lines 11 to 19 are gone for good.
        append(log(), "-off\n" + NumberedLines.range(11, 20));
        try (FileChannel truncate = FileChannel.open(log(), StandardOpenOption.WRITE)) {
            truncate.truncate(0);
        }
        append(log(), NumberedLines.range(20, 22));
        sink.release();

        sink.awaitAtLeast(13);
        assertThat(sink.texts()).contains("0000010 GET /cut").contains(NumberedLines.line(21));
        assertThat(tailer.snapshot().rotationLosses()).isEqualTo(1);
    }

    /** Holds the tailer inside its first delivery until released, as a slow pipeline or a long GC pause would. */
    private static final class HeldSink extends CollectingSink {
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        @Override
        void beforeAccept() {
            held.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitHeld() throws InterruptedException {
            assertThat(held.await(10, TimeUnit.SECONDS)).as("the tailer delivered").isTrue();
        }

        void release() {
            released.countDown();
        }
    }

    /** Keeps the writer continuous but slow enough that every file lives through several polls. */
    private static void pace(int n) throws InterruptedException {
        if (n % 10 == 9) {
            Thread.sleep(1);
        }
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
