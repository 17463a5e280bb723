package io.trafficviz.history;

import io.trafficviz.publish.http.MetricsAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Ingest never waits on the store: past the queue's room requests are dropped, and the gap they leave is recorded. */
class HistoryWriterTest {
    private static final long T0 = 1_752_580_800_000L;

    @Test
    void aFullQueue_dropsWithoutWaiting_andRecordsTheGap_whichEndsWhenRowsAreStoredAgain(@TempDir Path dir)
            throws Exception {
        try (HistoryStore store = HistoryStore.open(dir.resolve("h.duckdb"))) {
            HistoryWriter writer = new HistoryWriter(store, Long.MAX_VALUE / 2, Long.MAX_VALUE, () -> T0, 4, false);
            long started = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                writer.offer(HistoryStoreTest.row(T0 + i * 1000, i)); // the writer is not running: nothing drains
            }
            assertThat(System.nanoTime() - started).isLessThan(1_000_000_000L);
            assertThat(writer.gaps().open()).isTrue();
            assertThat(writer.gaps().droppedTotal()).isEqualTo(6);
            assertThat(writer.gaps().all()).containsExactly(
                    new Gaps.Gap(T0 + 4000, T0 + 9000, 6, HistoryWriter.QUEUE_FULL));
            assertThat(MetricsAccess.history(writer)).contains("trafficviz_history_dropped_total 6\n")
                    .contains("trafficviz_history_write_failing 0\n");

            writer.start();
            assertThat(writer.awaitWritten(10_000)).isTrue();
            assertThat(writer.stored()).isEqualTo(4);
            assertThat(writer.gaps().open()).isFalse();
            assertThat(writer.gaps().all()).hasSize(1);
            writer.close();
        }
    }
}
