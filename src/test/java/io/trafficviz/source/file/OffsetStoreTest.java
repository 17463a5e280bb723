package io.trafficviz.source.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetStoreTest {

    @TempDir
    Path dir;

    @Test
    void savedStateIsThereAfterReopening() throws Exception {
        Path file = dir.resolve("state/offsets.json");
        OffsetStore store = OffsetStore.open(file);
        FileState a = new FileState("/var/log/a.log", "42", 1024, 123456789L, 4096);
        FileState b = new FileState("/var/log/b.log", "43", 10, 99L, 10);
        store.put(a);
        store.put(b);
        store.save();

        OffsetStore reopened = OffsetStore.open(file);

        assertThat(reopened.get("/var/log/a.log")).contains(a);
        assertThat(reopened.get("/var/log/b.log")).contains(b);
        assertThat(reopened.get("/var/log/c.log")).isEmpty();
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws Exception {
        Path file = dir.resolve("offsets.json");
        OffsetStore store = OffsetStore.open(file);
        for (int i = 0; i < 5; i++) {
            store.put(new FileState("/a", "1", 0, 0, i));
            store.save();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void saveIfDueWritesOnlyChangesAndNotMoreOftenThanTheInterval() throws Exception {
        Path file = dir.resolve("offsets.json");
        OffsetStore store = OffsetStore.open(file, Duration.ZERO);
        assertThat(store.saveIfDue()).as("nothing changed yet").isFalse();
        store.put(new FileState("/a", "1", 0, 0, 1));
        assertThat(store.saveIfDue()).isTrue();
        assertThat(store.saveIfDue()).as("saved already").isFalse();
        store.put(new FileState("/a", "1", 0, 0, 1));
        assertThat(store.saveIfDue()).as("same state again is no change").isFalse();

        OffsetStore slow = OffsetStore.open(dir.resolve("slow.json"), Duration.ofHours(1));
        slow.put(new FileState("/a", "1", 0, 0, 1));
        assertThat(slow.saveIfDue()).as("interval not over").isFalse();
        assertThat(Files.exists(dir.resolve("slow.json"))).isFalse();
    }

    @Test
    void corruptFileIsMovedAsideAndTheStoreStartsEmpty() throws Exception {
        Path file = dir.resolve("offsets.json");
        Files.writeString(file, "{ not json");

        OffsetStore store = OffsetStore.open(file);

        assertThat(store.get("/a")).isEmpty();
        assertThat(dir.resolve("offsets.json.corrupt")).hasContent("{ not json");
        store.put(new FileState("/a", "1", 0, 0, 5));
        store.save();
        assertThat(OffsetStore.open(file).get("/a")).map(FileState::offset).contains(5L);
    }

    @Test
    void removeForgetsAPath() throws Exception {
        Path file = dir.resolve("offsets.json");
        OffsetStore store = OffsetStore.open(file);
        store.put(new FileState("/a", "1", 0, 0, 5));
        store.remove("/a");
        store.save();
        assertThat(OffsetStore.open(file).get("/a")).isEmpty();
    }
}
