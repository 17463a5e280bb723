package io.trafficviz.history;

import io.trafficviz.model.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's own rules: oldest dropped first (by age, then by size), and a file it cannot read moved aside. */
class HistoryStoreTest {
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_752_580_800_000L; // 2025-07-15T12:00:00Z

    static HistoryRow row(long time, int i) {
        NodeId proxy = NodeId.proxy("s1", "public-proxy", false);
        return new HistoryRow("access.log", time, "s1", "public-net", "public-proxy", NodeId.external("s1", "public-net"),
                "public-net", proxy, NodeId.service("s1", "svc-" + (i % 7)), "private-net", false,
                i % 10 == 0 ? 503 : 200, 1_234_000L + i, 0, 512 + i % 100, "GET", "example.com",
                "/items/" + (i % 5000) + "?page=" + (i % 3));
    }

    private static long count(HistoryStore store, String where) throws Exception {
        try (Connection c = store.reader(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM requests WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void anOffsetWithoutRequestsAfterARestart_keepsTheSourcesStoredRequests(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("offsets.duckdb");
        try (HistoryStore store = HistoryStore.open(file)) {
            store.trimToOffsets();
            store.append(List.of(row(T0, 0), row(T0 + 1, 1), new Queued.Offset("access.log", "{\"offset\":200}")));
            store.closeAppender();
        }
        // Restarted: the file was rotated quietly, so the next offset comes with no request.
        try (HistoryStore store = HistoryStore.open(file)) {
            store.trimToOffsets();
            store.append(List.of(new Queued.Offset("access.log", "{\"offset\":0}")));
            store.closeAppender();
        }
        try (HistoryStore store = HistoryStore.open(file)) {
            assertThat(store.trimToOffsets()).containsEntry("access.log", "{\"offset\":0}");
            assertThat(count(store, "true")).isEqualTo(2);
        }
    }

    @Test
    void duckDbMemory_isHalfTheHeap_withinItsBounds(@TempDir Path dir) throws Exception {
        // The 256 MiB container's heap (docs/performance.md): DuckDB's native memory comes on top of it.
        try (HistoryStore store = HistoryStore.open(dir.resolve("small.duckdb"), 104L << 20)) {
            assertThat(store.memoryLimitSetting()).isEqualTo("52.0 MiB");
        }
        try (HistoryStore store = HistoryStore.open(dir.resolve("tiny.duckdb"), 40L << 20)) {
            assertThat(store.memoryLimitSetting()).isEqualTo("32.0 MiB");
        }
        try (HistoryStore store = HistoryStore.open(dir.resolve("big.duckdb"), 8L << 30)) {
            assertThat(store.memoryLimitSetting()).isEqualTo("256.0 MiB");
        }
    }

    @Test
    void newRoutesOfABatch_areStoredWithIt_andNumberedOnAfterAReopen(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("routes.duckdb");
        try (HistoryStore store = HistoryStore.open(file)) {
            store.append(List.of(row(T0, 0), row(T0 + 1, 1), row(T0 + 2, 7)));
            store.append(List.of(row(T0 + 3, 2)));
            store.closeAppender();
            assertThat(count(store, "route NOT IN (SELECT id FROM routes)")).isZero();
        }
        try (HistoryStore store = HistoryStore.open(file)) {
            store.append(List.of(row(T0 + 4, 3), row(T0 + 5, 0)));
            store.closeAppender();
            assertThat(count(store, "route NOT IN (SELECT id FROM routes)")).isZero();
            try (Connection c = store.reader(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id), max(id) FROM routes")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(4); // svc-0, svc-1, svc-2, svc-3: row(…, 7) is svc-0's again
                assertThat(rs.getLong(2)).isEqualTo(4);
                assertThat(rs.getLong(3)).isEqualTo(4);
            }
        }
    }

    @Test
    void retention_dropsRequestsOlderThanTheCutoff_andKeepsTheRest(@TempDir Path dir) throws Exception {
        try (HistoryStore store = HistoryStore.open(dir.resolve("h.duckdb"))) {
            List<HistoryRow> rows = new ArrayList<>();
            for (int i = 0; i < 10 * 60; i++) {
                rows.add(row(T0 + i * HOUR / 60, i)); // ten hours, a request a minute
            }
            store.append(rows);
            long dropped = store.dropOldest(T0 + 4 * HOUR, Long.MAX_VALUE);
            assertThat(dropped).isEqualTo(4 * 60);
            assertThat(count(store, "time_ms < " + (T0 + 4 * HOUR))).isZero();
            assertThat(count(store, "true")).isEqualTo(6 * 60);
            store.closeAppender();
        }
    }

    @Test
    void pastMaxBytes_theOldestHoursGo_untilTheStoreFits(@TempDir Path dir) throws Exception {
        try (HistoryStore store = HistoryStore.open(dir.resolve("h.duckdb"))) {
            List<HistoryRow> rows = new ArrayList<>();
            for (int i = 0; i < 600_000; i++) {
                rows.add(row(T0 + i * (24 * HOUR / 600_000), i)); // a day
                if (rows.size() == 50_000) {
                    store.append(rows);
                    rows.clear();
                }
            }
            store.checkpoint();
            long used = store.usedBytes();
            long half = used / 2;
            store.dropOldest(0, half);
            assertThat(store.usedBytes()).isLessThanOrEqualTo(half);
            long left = count(store, "true");
            assertThat(left).isPositive().isLessThan(600_000);
            // What is left is the newest: every request after the oldest one kept.
            try (Connection c = store.reader(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT min(time_ms), max(time_ms) FROM requests")) {
                rs.next();
                assertThat(rs.getLong(2)).isEqualTo(T0 + 599_999L * (24 * HOUR / 600_000));
                assertThat(count(store, "time_ms >= " + rs.getLong(1))).isEqualTo(left);
                assertThat(rs.getLong(1) % HOUR).isZero(); // whole hours went
            }
            // After the delete and CHECKPOINT the file shrank (DuckDB truncates the free blocks at its end and reuses the
            // others): as many rows again, newer, bring it back to about its size before, not beyond.
            long fileAfterDrop = store.fileBytes();
            long dropped = 600_000 - left;
            for (int i = 0; i < dropped; i++) {
                rows.add(row(T0 + 24 * HOUR + i * (24 * HOUR / 600_000), i));
                if (rows.size() == 50_000) {
                    store.append(rows);
                    rows.clear();
                }
            }
            store.append(rows);
            store.checkpoint();
            System.out.printf("history store: used %d B before the drop, %d B after; file %d B after the drop, %d B"
                    + " after as many rows again%n", used, store.usedBytes(), fileAfterDrop, store.fileBytes());
            assertThat(fileAfterDrop).isLessThan(used);
            assertThat(store.fileBytes()).isLessThan(used + used / 10);
            store.closeAppender();
        }
    }

    @Test
    void aFileThatIsNotAStore_isMovedAside_andAnEmptyStoreStarts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.duckdb");
        Files.writeString(file, "this is not a DuckDB file, whatever its name says\n".repeat(200));
        try (HistoryStore store = HistoryStore.open(file)) {
            store.append(List.of(row(T0, 1)));
            assertThat(count(store, "true")).isEqualTo(1);
            store.closeAppender();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> aside = files.filter(p -> p.getFileName().toString().startsWith("history.duckdb.unreadable-"))
                    .toList();
            assertThat(aside).hasSize(1);
            assertThat(Files.readString(aside.get(0))).startsWith("this is not a DuckDB file");
        }
    }

    @Test
    void aStoreReopened_keepsItsRows_andNumbersOnFromThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("h.duckdb");
        try (HistoryStore store = HistoryStore.open(file)) {
            store.append(List.of(row(T0, 1), row(T0 + 1, 2)));
            store.closeAppender();
        }
        try (HistoryStore store = HistoryStore.open(file)) {
            store.append(List.of(row(T0 + 2, 3)));
            assertThat(count(store, "true")).isEqualTo(3);
            assertThat(count(store, "seq = 3 AND time_ms = " + (T0 + 2))).isEqualTo(1);
            assertThat(count(store, "route = 1")).isEqualTo(1); // svc-1 again: the same route as before
            store.closeAppender();
        }
    }

    @Test
    void pagesNewestFirst_crossSlicesOfTheStore_withoutLosingOrRepeatingARow(@TempDir Path dir) throws Exception {
        try (HistoryStore store = HistoryStore.open(dir.resolve("h.duckdb"))) {
            List<HistoryRow> rows = new ArrayList<>();
            for (int i = 0; i < 300_000; i++) { // several of the pager's slices (65,536 rows, then 4x each)
                rows.add(row(T0 + i, i));
                if (rows.size() == 50_000) {
                    store.append(rows);
                    rows.clear();
                }
            }
            HistoryQueries q = new HistoryQueries(store, List.of(), 100, 100, 10);
            Long cursor = null;
            long previous = Long.MAX_VALUE;
            int seen = 0;
            do {
                HistoryQueries.Page page = q.requests(new HistoryQueries.Filter(null, "svc-3", "5xx", "?page=1", null,
                        null, cursor), 997);
                for (var e : page.rows()) {
                    assertThat(e.seq()).isLessThan(previous);
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.toId()).isEqualTo("service:s1/svc-3");
                    previous = e.seq();
                    seen++;
                }
                cursor = page.next();
            } while (cursor != null);
            // i % 10 == 0 (503), i % 7 == 3 (svc-3), i % 3 == 1 (?page=1): one i in 210
            assertThat(seen).isEqualTo((int) java.util.stream.IntStream.range(0, 300_000)
                    .filter(i -> i % 10 == 0 && i % 7 == 3 && i % 3 == 1).count());
            store.closeAppender();
        }
    }
}
