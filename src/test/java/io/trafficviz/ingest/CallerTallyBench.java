package io.trafficviz.ingest;

import io.trafficviz.model.NodeId;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * CPU nanoseconds per line that {@link CallerTally#record} adds to ingest's hot path (it runs under the lock for every
 * line): a mix of internal callers (1,000 nodes, 20 proxies) and external callers (one node per network, 5,000 client
 * addresses in 400 /24s), half of each. Each line's address is a fresh String, as the parser hands it over; the same
 * loop without the tally (copying the address and hashing it) is measured too and subtracted. CPU time of this
 * thread, so other processes on the machine matter less (they still share its caches).
 * Run: {@code java -cp target/classes:target/test-classes io.trafficviz.ingest.CallerTallyBench}.
 */
public final class CallerTallyBench {
    private static final int LINES = 4096;

    private CallerTallyBench() {
    }

    public static void main(String[] args) {
        NodeId[] callers = new NodeId[LINES];
        NodeId[] proxies = new NodeId[LINES];
        String[] addresses = new String[LINES];
        NodeId[] internal = new NodeId[1000];
        for (int i = 0; i < internal.length; i++) {
            internal[i] = NodeId.service("s" + i % 4, "svc-" + i);
        }
        NodeId[] external = {NodeId.external("s0", "pub"), NodeId.external("s1", "pub")};
        NodeId[] proxy = new NodeId[20];
        for (int i = 0; i < proxy.length; i++) {
            proxy[i] = NodeId.proxy("s" + i % 4, "p" + i, false);
        }
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < LINES; i++) {
            boolean outside = random.nextBoolean();
            callers[i] = outside ? external[random.nextInt(2)] : internal[random.nextInt(internal.length)];
            proxies[i] = proxy[random.nextInt(proxy.length)];
            int client = random.nextInt(5000);
            addresses[i] = "198." + (client % 400 / 200) + "." + client % 200 + "." + client / 400;
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        CallerTally tally = new CallerTally();
        long sink = 0;
        for (int round = 0; round < 8; round++) {
            long start = cpu.getCurrentThreadCpuTime();
            long lines = 0;
            for (int pass = 0; pass < 400; pass++) {
                for (int i = 0; i < LINES; i++) {
                    sink += new String(addresses[i]).hashCode();
                }
                lines += LINES;
            }
            double baseline = (cpu.getCurrentThreadCpuTime() - start) / (double) lines;
            start = cpu.getCurrentThreadCpuTime();
            for (int pass = 0; pass < 400; pass++) {
                for (int i = 0; i < LINES; i++) {
                    tally.record(callers[i], proxies[i], new String(addresses[i]), (i & 7) == 0, (i & 3) == 0);
                }
            }
            double withTally = (cpu.getCurrentThreadCpuTime() - start) / (double) lines;
            System.out.printf(Locale.ROOT, "round %d: %.1f CPU-ns a line with the tally, %.1f without: %.1f added%n",
                    round, withTally, baseline, withTally - baseline);
        }
        System.out.println(sink == 42 ? "" : "(" + tally.snapshot().callers().size() + " pairs)");
    }
}
