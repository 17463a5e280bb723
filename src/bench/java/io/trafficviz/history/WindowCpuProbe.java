package io.trafficviz.history;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A window's cost in CPU, less sensitive to a shared machine's load than its wall time: the process's and the calling
 * thread's CPU time for one hour as a graph (hops, then logical) on HistoryBench's store, median of 7 after 2 warm-ups.
 * Usage: {@code WindowCpuProbe STORE_FILE [OFFSET_MS]} (the hour starts 12 h after HistoryBench's first request, plus
 * OFFSET_MS).
 */
public final class WindowCpuProbe {
    private WindowCpuProbe() {
    }

    public static void main(String[] a) throws Exception {
        long t0 = 1_752_580_800_000L + 12 * 3_600_000L;
        long from = t0 + Long.parseLong(a.length > 1 ? a[1] : "0");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var th = ManagementFactory.getThreadMXBean();
        try (HistoryStore store = HistoryStore.open(Path.of(a[0]))) {
            store.closeAppender();
            HistoryQueries q = new HistoryQueries(store, List.of(), 5000, 20000, 100);
            for (boolean logical : new boolean[] {false, true}) {
                List<long[]> runs = new ArrayList<>();
                for (int round = 0; round < 9; round++) {
                    long w0 = System.nanoTime();
                    long p0 = os.getProcessCpuTime();
                    long c0 = th.getCurrentThreadCpuTime();
                    q.window(from, from + 3_600_000L, logical);
                    if (round >= 2) {
                        runs.add(new long[] {(System.nanoTime() - w0) / 1_000_000, (os.getProcessCpuTime() - p0) / 1_000_000,
                            (th.getCurrentThreadCpuTime() - c0) / 1_000_000});
                    }
                }
                long[] wall = runs.stream().mapToLong(r -> r[0]).sorted().toArray();
                long[] proc = runs.stream().mapToLong(r -> r[1]).sorted().toArray();
                long[] thr = runs.stream().mapToLong(r -> r[2]).sorted().toArray();
                System.out.printf("%s: median wall %d ms (min %d), process CPU %d ms (min %d), calling thread CPU %d ms"
                        + " (min %d)%n", logical ? "logical" : "hops", wall[3], wall[0], proc[3], proc[0], thr[3], thr[0]);
            }
        }
    }
}
