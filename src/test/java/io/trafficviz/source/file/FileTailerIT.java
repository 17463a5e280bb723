package io.trafficviz.source.file;

import io.trafficviz.source.LineSink;

import static io.trafficviz.source.file.NumberedLines.expected;
import static io.trafficviz.source.file.NumberedLines.numbers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Following a single file: positions, line framing and stats. Rotation and restarts have their own tests. */
class FileTailerIT extends TailerTestSupport {

    @Test
    void deliversLinesAppendedWhileTailing() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        tail(options(log()), sink);

        append(log(), "first\n");
        sink.awaitAtLeast(1);
        append(log(), "second\nthird\n");
        sink.awaitAtLeast(3);

        assertThat(sink.texts()).containsExactly("first", "second", "third");
        assertThat(sink.origins()).containsOnly(log().toString());
    }

    @Test
    void startAtEndSkipsLinesAlreadyInTheFile() throws Exception {
        append(log(), "old 1\nold 2\n");
        CollectingSink sink = new CollectingSink();
        tail(options(log()), sink);

        append(log(), "new\n");

        assertThat(sink.awaitAtLeast(1).texts()).containsExactly("new");
    }

    @Test
    void startAtEndStillDeliversTheLineBeingWrittenWhole() throws Exception {
        append(log(), "old\npart");
        CollectingSink sink = new CollectingSink();
        tail(options(log()), sink);

        append(log(), "ial\n");

        assertThat(sink.awaitAtLeast(1).texts()).containsExactly("partial");
    }

    @Test
    void startAtBeginningReadsLinesAlreadyInTheFile() throws Exception {
        append(log(), "old 1\nold 2\n");
        CollectingSink sink = new CollectingSink();
        tail(options(log()).withStartAt(StartPosition.BEGINNING), sink);

        append(log(), "new\n");

        assertThat(sink.awaitAtLeast(3).texts()).containsExactly("old 1", "old 2", "new");
    }

    @Test
    void fileCreatedAfterStartIsReadFromItsBeginning() throws Exception {
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()), sink); // END applies to existing files only
        assertThat(tailer.snapshot().state()).isEqualTo(TailerState.WAITING_FOR_FILE);

        append(log(), "a\nb\nc\n");

        assertThat(sink.awaitAtLeast(3).texts()).containsExactly("a", "b", "c");
        assertThat(tailer.snapshot().state()).isEqualTo(TailerState.TAILING);
    }

    @Test
    void partialLineIsDeliveredOnlyOnceItsNewlineArrives() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()), sink);

        append(log(), "complete\npart");
        sink.awaitAtLeast(1);
        Await.until("the partial line to be read", () -> tailer.snapshot().bytes() == 13);
        assertThat(sink.texts()).containsExactly("complete");
        assertThat(tailer.snapshot().offset()).as("offset stops before the partial line").isEqualTo(9);

        append(log(), "ial\n");

        assertThat(sink.awaitAtLeast(2).texts()).containsExactly("complete", "partial");
        assertThat(tailer.snapshot().offset()).isEqualTo(17);
    }

    @Test
    void crlfLineEndingsAreStripped() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        tail(options(log()), sink);

        append(log(), "one\r\ntwo\r\n\r\nthree\n");

        assertThat(sink.awaitAtLeast(4).texts()).containsExactly("one", "two", "", "three");
    }

    @Test
    void overLongLineIsTruncatedCountedAndFollowingLinesAreIntact() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()).withMaxLineBytes(100), sink);

        append(log(), "before\n" + "x".repeat(1000) + "\nafter\n");

        assertThat(sink.awaitAtLeast(3).texts()).containsExactly("before", "x".repeat(100), "after");
        assertThat(tailer.snapshot().truncated()).isEqualTo(1);
    }

    @Test
    void hugeLineWrittenInPiecesIsCutAtTheDefaultCap() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()), sink);

        byte[] piece = "y".repeat(512 * 1024).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 8; i++) { // 4 MiB, far past the cap and the read buffer
            append(log(), piece);
        }
        append(log(), "\nafter\n");

        sink.awaitAtLeast(2);
        // Its head and tail around the marker (LineSplitter.CUT_MARKER), within the cap.
        assertThat(sink.texts().get(0)).hasSize(TailerOptions.DEFAULT_MAX_LINE_BYTES)
                .matches("y+" + java.util.regex.Pattern.quote(io.trafficviz.source.LineSplitter.CUT_MARKER) + "y+");
        assertThat(sink.texts().get(1)).isEqualTo("after");
        assertThat(tailer.snapshot().truncated()).isEqualTo(1);
        assertThat(tailer.snapshot().offset()).isEqualTo(Files.size(log()));
    }

    @Test
    void invalidUtf8IsReplacedAndTailingGoesOn() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        tail(options(log()), sink);

        append(log(), new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28, ' ', (byte) 0xFF, '\n'});
        append(log(), "good é\n");

        assertThat(sink.awaitAtLeast(2).texts()).containsExactly("bad \uFFFD( \uFFFD", "good é");
    }

    @Test
    void sinkFailureSkipsTheLineButNotTheRest() throws Exception {
        Files.createFile(log());
        CollectingSink collected = new CollectingSink();
        LineSink failingOnPoison = batch -> {
            if (batch.texts().contains("poison")) {
                throw new IllegalStateException("boom");
            }
            return collected.accept(batch);
        };
        FileTailer tailer = tail(options(log()), failingOnPoison);

        append(log(), "a\npoison\nb\n");

        assertThat(collected.awaitAtLeast(2).texts()).containsExactly("a", "b");
        assertThat(tailer.snapshot().state()).isEqualTo(TailerState.TAILING);
    }

    @Test
    void statsFollowTheLifecycle() throws Exception {
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = new FileTailer(options(log()), sink);
        assertThat(tailer.snapshot().state()).isEqualTo(TailerState.STOPPED);

        tailer.start();
        assertThat(tailer.snapshot()).isEqualTo(
                new TailerStats(log().toString(), TailerState.WAITING_FOR_FILE, 0, 0, 0, 0, 0, null, 0));
        assertThat(tailingThread()).as("named daemon thread").isNotNull()
                .satisfies(t -> assertThat(t.isDaemon()).isTrue());

        append(log(), NumberedLines.range(0, 10));
        sink.awaitAtLeast(10);
        long size = Files.size(log());
        Await.until("stats to catch up", () -> tailer.snapshot().offset() == size);
        assertThat(tailer.snapshot()).isEqualTo(
                new TailerStats(log().toString(), TailerState.TAILING, size, 10, size, 0, 0, null, 0));

        tailer.close();
        assertThat(tailer.snapshot().state()).isEqualTo(TailerState.STOPPED);
        assertThat(tailingThread()).as("thread ended").isNull();
        tailer.close(); // idempotent
        assertThatThrownBy(tailer::start).isInstanceOf(IllegalStateException.class);
        assertThat(numbers(sink.texts())).isEqualTo(expected(0, 10));
    }

    @Test
    void errorsAreReportedAndRetriedWithoutStopping() throws Exception {
        Files.createDirectory(log()); // something unreadable as a log is at the path
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()), sink);
        Await.until("an error to be reported", () -> tailer.snapshot().lastError() != null);
        assertThat(tailer.snapshot().state()).isEqualTo(TailerState.WAITING_FOR_FILE);
        assertThat(tailer.snapshot().lastError()).contains("directory");

        Files.delete(log());
        append(log(), "recovered\n");

        assertThat(sink.awaitAtLeast(1).texts()).containsExactly("recovered");
        assertThat(tailer.snapshot().lastError()).isNull();
        assertThat(tailer.snapshot().state()).isEqualTo(TailerState.TAILING);
    }

    @Test
    void permissionDeniedIsReportedAndRetried() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root can read anything");
        append(log(), "secret\n");
        Files.setPosixFilePermissions(log(), PosixFilePermissions.fromString("---------"));
        CollectingSink sink = new CollectingSink();
        FileTailer tailer = tail(options(log()).withStartAt(StartPosition.BEGINNING), sink);
        Await.until("permission denied to be reported", () -> tailer.snapshot().lastError() != null);
        assertThat(tailer.snapshot().lastError()).contains("permission denied");

        Files.setPosixFilePermissions(log(), PosixFilePermissions.fromString("rw-------"));

        assertThat(sink.awaitAtLeast(1).texts()).containsExactly("secret");
        assertThat(tailer.snapshot().lastError()).isNull();
    }

    /**
     * With a poll interval of a minute, a tailer idle for 5 s is in a back-off wait that ends at ~8.2 s (1 + 2 + 4 ...
     * ms): polling alone would read a line appended at 5 s more than 3 s later. A change in the directory wakes it.
     * Two tailers of one directory share its watch, and one closing leaves the other's.
     */
    @Test
    void idleTailersAreWokenByTheirFileChangingNotByTheNextPoll() throws Exception {
        Path a = dir.resolve("a.log");
        Path b = dir.resolve("b.log");
        Files.createFile(a);
        Files.createFile(b);
        CollectingSink sinkA = new CollectingSink();
        CollectingSink sinkB = new CollectingSink();
        FileTailer tailerA = tail(options(a).withPollInterval(Duration.ofMinutes(1)), sinkA);
        tail(options(b).withPollInterval(Duration.ofMinutes(1)), sinkB);
        Thread.sleep(5_000);

        append(a, "to a\n");
        assertThat(sinkA.awaitAtLeast(1, Duration.ofSeconds(1)).texts()).containsExactly("to a");
        tailerA.close();
        append(b, "to b\n");
        assertThat(sinkB.awaitAtLeast(1, Duration.ofSeconds(1)).texts()).containsExactly("to b");
    }

    private Thread tailingThread() {
        String name = "tail:" + log();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name) && t.isAlive())
                .findFirst().orElse(null);
    }
}
