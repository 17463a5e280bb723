package io.trafficviz.source.file;

import static io.trafficviz.source.file.NumberedLines.expected;
import static io.trafficviz.source.file.NumberedLines.numbers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Restarting with an {@link OffsetStore}: resume exactly after the last delivered line, whatever happened meanwhile. */
class FileTailerRestartIT extends TailerTestSupport {

    private Path storeFile() {
        return dir.resolve("state/offsets.json");
    }

    /** A fresh store instance on the same file, as a restarted process would have. */
    private TailerOptions restartedOptions() throws Exception {
        return options(log()).withOffsetStore(OffsetStore.open(storeFile()));
    }

    @Test
    void restartMidStreamDeliversExactlyTheMissingLines() throws Exception {
        int total = 6000;
        Files.createFile(log());
        CollectingSink beforeRestart = new CollectingSink();
        FileTailer first = tail(restartedOptions(), beforeRestart);

        BackgroundWriter writer = BackgroundWriter.start(() -> {
            try (OutputStream out = Files.newOutputStream(log(), StandardOpenOption.APPEND)) {
                for (int n = 0; n < total; n++) {
                    out.write(NumberedLines.bytes(n));
                    if (n % 10 == 9) {
                        Thread.sleep(1);
                    }
                }
            }
        });
        beforeRestart.awaitAtLeast(1500);
        first.close(); // while the writer is still going
        writer.join();
        assertThat(beforeRestart.size()).as("stopped mid-stream").isLessThan(total);

        CollectingSink afterRestart = new CollectingSink();
        tail(restartedOptions(), afterRestart); // default END: the stored offset must win
        afterRestart.awaitAtLeast(total - beforeRestart.size());

        List<String> all = new ArrayList<>(beforeRestart.texts());
        all.addAll(afterRestart.texts());
        assertThat(numbers(all)).isEqualTo(expected(0, total));
    }

    @Test
    void offsetsAreSavedWhileRunningNotOnlyOnClose() throws Exception {
        Files.createFile(log());
        CollectingSink sink = new CollectingSink();
        tail(restartedOptions(), sink);
        append(log(), NumberedLines.range(0, 10));
        sink.awaitAtLeast(10);
        long size = Files.size(log());

        Await.until("the offset to be saved", () -> storedOffset() == size);
    }

    @Test
    void rotationWhileStoppedFinishesTheRotatedFileThenReadsTheNewOne() throws Exception {
        append(log(), NumberedLines.range(0, 100));
        CollectingSink beforeRestart = new CollectingSink();
        FileTailer first = tail(restartedOptions().withStartAt(StartPosition.BEGINNING), beforeRestart);
        beforeRestart.awaitAtLeast(100);
        first.close();

        append(log(), NumberedLines.range(100, 150));
        Files.move(log(), dir.resolve("access.log.1"));
        append(log(), NumberedLines.range(150, 200));
        CollectingSink afterRestart = new CollectingSink();
        tail(restartedOptions(), afterRestart);

        afterRestart.awaitAtLeast(100);
        assertThat(numbers(afterRestart.texts())).isEqualTo(expected(100, 200));
    }

    @Test
    void rotationWhileStoppedWithTheOldFileGoneReadsTheNewFileFromItsBeginning() throws Exception {
        append(log(), NumberedLines.range(0, 100));
        CollectingSink beforeRestart = new CollectingSink();
        FileTailer first = tail(restartedOptions().withStartAt(StartPosition.BEGINNING), beforeRestart);
        beforeRestart.awaitAtLeast(100);
        first.close();

        Files.createDirectory(dir.resolve("archive"));
        Files.move(log(), dir.resolve("archive/old.log"));
        append(log(), NumberedLines.range(150, 200));
        CollectingSink afterRestart = new CollectingSink();
        tail(restartedOptions(), afterRestart);

        afterRestart.awaitAtLeast(50);
        assertThat(numbers(afterRestart.texts())).isEqualTo(expected(150, 200));
    }

    @Test
    void linesReadFromARotatedFileAreNotReadAgainAfterARestart() throws Exception {
        append(log(), NumberedLines.range(0, 100));
        CollectingSink beforeRestart = new CollectingSink();
        FileTailer first = tail(restartedOptions().withStartAt(StartPosition.BEGINNING), beforeRestart);
        beforeRestart.awaitAtLeast(100);
        Path rotated = dir.resolve("access.log.1");
        Files.move(log(), rotated);
        Await.until("the rotation to be noticed", () -> first.snapshot().state() == TailerState.WAITING_FOR_FILE);
        append(rotated, NumberedLines.range(100, 150)); // a late write through the writer's old handle
        beforeRestart.awaitAtLeast(150);
        first.close();

        append(log(), NumberedLines.range(200, 210));
        CollectingSink afterRestart = new CollectingSink();
        tail(restartedOptions(), afterRestart);

        afterRestart.awaitAtLeast(10);
        assertThat(numbers(beforeRestart.texts())).isEqualTo(expected(0, 150));
        assertThat(numbers(afterRestart.texts())).isEqualTo(expected(200, 210));
    }

    @Test
    void sameInodeWithDifferentContentIsANewFile() throws Exception {
        // Inode reuse after a delete: the stored inode matches, the fingerprint does not.
        append(log(), NumberedLines.range(0, 10));
        byte[] otherContent = "some other file that used to have this inode\n".getBytes(StandardCharsets.UTF_8);
        OffsetStore store = OffsetStore.open(storeFile());
        store.put(new FileState(log().toString(), FileIdentity.inodeOf(log()), otherContent.length,
                Fingerprint.crc32(otherContent), 300));
        store.save();

        CollectingSink sink = new CollectingSink();
        tail(restartedOptions(), sink);

        sink.awaitAtLeast(10);
        assertThat(numbers(sink.texts())).isEqualTo(expected(0, 10));
    }

    @Test
    void fileDeletedAndRecreatedWhileStoppedIsReadFromItsBeginning() throws Exception {
        append(log(), NumberedLines.range(0, 30));
        CollectingSink beforeRestart = new CollectingSink();
        FileTailer first = tail(restartedOptions().withStartAt(StartPosition.BEGINNING), beforeRestart);
        beforeRestart.awaitAtLeast(30);
        first.close();

        Files.delete(log()); // the new file may well get the same inode back
        append(log(), NumberedLines.range(500, 540));
        CollectingSink afterRestart = new CollectingSink();
        tail(restartedOptions(), afterRestart);

        afterRestart.awaitAtLeast(40);
        assertThat(numbers(afterRestart.texts())).isEqualTo(expected(500, 540));
    }

    @Test
    void fileTruncatedWhileStoppedIsReadFromItsBeginning() throws Exception {
        append(log(), NumberedLines.range(0, 30));
        CollectingSink beforeRestart = new CollectingSink();
        FileTailer first = tail(restartedOptions().withStartAt(StartPosition.BEGINNING), beforeRestart);
        beforeRestart.awaitAtLeast(30);
        first.close();

        Files.write(log(), NumberedLines.range(700, 705).getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.TRUNCATE_EXISTING);
        CollectingSink afterRestart = new CollectingSink();
        tail(restartedOptions(), afterRestart);

        afterRestart.awaitAtLeast(5);
        assertThat(numbers(afterRestart.texts())).isEqualTo(expected(700, 705));
    }

    @Test
    void aPathWithoutStoredStateStillHonoursStartAt() throws Exception {
        append(log(), "existing\n");
        CollectingSink sink = new CollectingSink();
        tail(restartedOptions(), sink);

        append(log(), "new\n");

        assertThat(sink.awaitAtLeast(1).texts()).containsExactly("new");
    }

    private long storedOffset() {
        try {
            if (!Files.exists(storeFile())) {
                return -1;
            }
            JsonNode files = new ObjectMapper().readTree(storeFile().toFile()).path("files");
            for (JsonNode file : files) {
                if (file.path("path").asText().equals(log().toString())) {
                    return file.path("offset").asLong();
                }
            }
            return -1;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
