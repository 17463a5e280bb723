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

    @Test
    void rowsWithLongPaths_fillTheQueueByBytes_notByCount(@TempDir Path dir) throws Exception {
        try (HistoryStore store = HistoryStore.open(dir.resolve("h.duckdb"))) {
            HistoryWriter writer = new HistoryWriter(store, Long.MAX_VALUE / 2, Long.MAX_VALUE, () -> T0, 65_536, false);
            HistoryRow first = longPath(0);
            long fit = writer.maxQueuedBytes / first.queuedBytes();
            for (int i = 0; i < fit + 100; i++) {
                writer.offer(longPath(i)); // the writer is not running: nothing drains
            }
            assertThat(writer.gaps().droppedTotal()).isEqualTo(100);
            writer.start();
            assertThat(writer.awaitWritten(60_000)).isTrue();
            assertThat(writer.stored()).isEqualTo(fit);
            // Room again once the rows are stored.
            writer.offer(longPath(1));
            assertThat(writer.awaitWritten(60_000)).isTrue();
            assertThat(writer.stored()).isEqualTo(fit + 1);
            writer.close();
        }
    }

    /** A request whose path is 60,000 characters: what a client may send and Traefik logs. */
    private static HistoryRow longPath(int i) {
        HistoryRow r = HistoryStoreTest.row(T0 + i, i);
        return new HistoryRow(r.origin(), r.time(), r.server(), r.network(), r.proxyName(), r.caller(), r.callerNetwork(),
                r.proxy(), r.target(), r.targetNetwork(), r.outsider(), r.status(), r.durationNanos(), r.originNanos(),
                r.bytes(), r.method(), r.host(), "/" + "a".repeat(59_990) + "?i=" + i);
    }
}
