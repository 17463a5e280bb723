package io.trafficviz.history;

import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.model.NodeFact;
import io.trafficviz.model.Route;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.OutsiderSnapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Where the time of {@link HistoryQueries#window} goes, on {@link HistoryBench}'s store: the middle hour read over JDBC
 * without and with paths, {@link HistoryQueries#feed} alone, feed into a fresh {@link TrafficGraph}, the snapshot of
 * it, and the whole window. Usage: {@code WindowProbe STORE [ROUNDS]} (STORE: a file HistoryBench built with 24 hours);
 * prints one line a round, the first ones warming up.
 */
public final class WindowProbe {
    private static final long T0 = 1_752_580_800_000L;

    private WindowProbe() {
    }

    public static void main(String[] args) throws Exception {
        long from = T0 + 12 * 3_600_000L;
        long to = from + 3_600_000L;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (HistoryStore store = HistoryStore.open(Path.of(args[0]))) {
            HistoryQueries q = new HistoryQueries(store, List.of(), 5_000, 20_000, 100);
            String columns = "SELECT route, time_ms, status, duration_us, origin_us, bytes%s FROM requests"
                    + " WHERE time_ms >= ? AND time_ms < ? ORDER BY seq";
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                long rows = read(store, from, to, columns.formatted(""), false);
                long t1 = System.nanoTime();
                read(store, from, to, columns.formatted(", path"), true);
                long t2 = System.nanoTime();
                long[] chars = new long[1];
                q.feed(from, to, new HistoryQueries.Sink() {
                    @Override
                    public void apply(NodeFact fact) {
                    }

                    @Override
                    public void record(Route route, int status, long durationNanos, long originNanos, long bytes,
                                       String path, long time, String proxyKey) {
                        chars[0] += path.length();
                    }
                });
                long t3 = System.nanoTime();
                TrafficGraph graph = new TrafficGraph(5_000, 20_000, 100);
                q.feed(from, to, new HistoryQueries.Sink() {
                    @Override
                    public void apply(NodeFact fact) {
                        graph.apply(fact);
                    }

                    @Override
                    public void record(Route route, int status, long durationNanos, long originNanos, long bytes,
                                       String path, long time, String proxyKey) {
                        graph.record(route, status, durationNanos, originNanos, bytes, path, time);
                    }
                });
                long t4 = System.nanoTime();
                NetworkSnapshot.of(graph, false, to, new IngestTotals(rows, 0, 0, to, List.of()),
                        new OutsiderSnapshot(0, Map.of(), List.of()));
                long t5 = System.nanoTime();
                q.window(from, to, false);
                long t6 = System.nanoTime();
                System.out.printf("rows %d: read numbers %d ms, read with paths %d ms, feed %d ms, feed into a graph %d ms,"
                        + " snapshot %d ms, window %d ms%n", rows, ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3),
                        ms(t5 - t4), ms(t6 - t5));
            }
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static long read(HistoryStore store, long from, long to, String sql, boolean path) throws SQLException {
        long n = 0;
        long sum = 0;
        try (Connection c = store.reader(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sum += rs.getInt(1) + rs.getLong(2) + rs.getInt(3) + rs.getLong(4) + rs.getLong(5) + rs.getLong(6);
                    if (path) {
                        sum += rs.getString(7).length();
                    }
                    n++;
                }
            }
        }
        return sum == Long.MIN_VALUE ? -1 : n;
    }
}
