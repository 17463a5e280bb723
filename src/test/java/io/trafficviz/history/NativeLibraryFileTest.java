package io.trafficviz.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NativeLibraryFileTest {
    @TempDir
    Path dir;

    @Test
    void picksOnlyTheDriversCopiesInTheTemporaryDirectory() {
        Path tmp = Path.of("/tmp");
        List<String> maps = List.of(
                "7f00-7f10 r--p 00000000 fd:01 123 /tmp/libduckdb_java123456789.so",
                "7f10-7f20 r-xp 00010000 fd:01 123 /tmp/libduckdb_java123456789.so",
                "7f20-7f30 r--p 00000000 fd:01 124 /tmp/libduckdb_java999.so (deleted)",
                "7f30-7f40 r--p 00000000 fd:01 125 /usr/lib/libduckdb_java.so",
                "7f40-7f50 r--p 00000000 fd:01 126 /tmp/sub/libduckdb_java1.so",
                "7f50-7f60 r--p 00000000 fd:01 127 /tmp/libother.so",
                "7f60-7f70 rw-p 00000000 00:00 0 [heap]");
        assertThat(NativeLibraryFile.mappedCopies(maps, tmp)).containsExactly(Path.of("/tmp/libduckdb_java123456789.so"));
    }

    @Test
    void aStoreOpenedInThisProcessLeavesNoLibraryCopyBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (HistoryStore store = HistoryStore.open(dir.resolve("h.duckdb"), 256L << 20)) {
            assertThat(store.file()).exists();
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            assertThat(maps).anyMatch(line -> line.contains("libduckdb_java"));
            for (String line : maps) {
                if (line.contains("libduckdb_java") && line.contains(tmp.toString())) {
                    assertThat(line).endsWith(" (deleted)");
                }
            }
        }
    }
}
