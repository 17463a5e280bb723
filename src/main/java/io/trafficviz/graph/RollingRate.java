package io.trafficviz.graph;

/**
 * Requests per second over the last 10 s, 1 min and 5 min, from a ring of per-second counters.
 * Time is passed in, not read from a clock, so replay can run on the logs' own time.
 */
final class RollingRate {
    private static final int SLOTS = 300;
    private final int[] counts = new int[SLOTS];
    private long headSecond = Long.MIN_VALUE;

    void record(long nowMillis) {
        long second = Math.floorDiv(nowMillis, 1000);
        advance(second);
        if (second > headSecond - SLOTS) { // ignore lines older than the window
            counts[(int) Math.floorMod(second, (long) SLOTS)]++;
        }
    }

    /** Average rate over the {@code windowSeconds} seconds before {@code nowMillis}, the current second included. */
    double perSecond(long nowMillis, int windowSeconds) {
        long now = Math.floorDiv(nowMillis, 1000);
        if (headSecond == Long.MIN_VALUE) {
            return 0;
        }
        long sum = 0;
        for (long s = now - windowSeconds + 1; s <= now; s++) {
            if (s <= headSecond && s > headSecond - SLOTS) {
                sum += counts[(int) Math.floorMod(s, (long) SLOTS)];
            }
        }
        return sum / (double) windowSeconds;
    }

    private void advance(long second) {
        if (headSecond == Long.MIN_VALUE || second - headSecond >= SLOTS) {
            java.util.Arrays.fill(counts, 0);
            headSecond = second;
            return;
        }
        while (headSecond < second) {
            headSecond++;
            counts[(int) Math.floorMod(headSecond, (long) SLOTS)] = 0;
        }
    }
}
