package io.trafficviz.graph;

import java.util.Arrays;

/**
 * Requests per second over the last 10 s, 1 min and 5 min, from a ring of per-second counters.
 * Time is passed in, not read from a clock, so replay can run on the logs' own time.
 *
 * <p>The newest second's count is kept in a field and moved into the ring only when a later second arrives: almost
 * every line falls in the newest second, so recording is a compare and an increment on this object, without touching
 * the ring (another cache line) or computing its slot. The ring is allocated on the first such move, so an edge seen
 * within a single second costs no ring.
 */
final class RollingRate {
    private static final int SLOTS = 300;
    /** Counts of the seconds before {@link #headSecond} (its own slot is kept at 0: that second is in the field). */
    private int[] counts;
    private long headSecond = Long.MIN_VALUE;
    private int headCount;

    /** Records one request at {@code second} (epoch seconds: the caller divides once for all the edges of a line). */
    void recordSecond(long second) {
        if (second == headSecond) {
            headCount++;
        } else {
            recordOtherSecond(second);
        }
    }

    void record(long nowMillis) {
        recordSecond(Math.floorDiv(nowMillis, 1000));
    }

    private void recordOtherSecond(long second) {
        if (headSecond == Long.MIN_VALUE) {
            headSecond = second;
            headCount = 1;
            return;
        }
        if (second < headSecond) {
            if (second > headSecond - SLOTS) { // late lines within the window still count; older ones are ignored
                ring()[slot(second)]++;
            }
            return;
        }
        int[] ring = ring();
        if (second - headSecond >= SLOTS) {
            Arrays.fill(ring, 0);
        } else {
            ring[slot(headSecond)] = headCount;
            for (long s = headSecond + 1; s <= second; s++) {
                ring[slot(s)] = 0;
            }
        }
        headSecond = second;
        headCount = 1;
    }

    private int[] ring() {
        if (counts == null) {
            counts = new int[SLOTS];
        }
        return counts;
    }

    private static int slot(long second) {
        return (int) Math.floorMod(second, (long) SLOTS);
    }

    /** Average rate over the {@code windowSeconds} seconds before {@code nowMillis}, the current second included. */
    double perSecond(long nowMillis, int windowSeconds) {
        if (headSecond == Long.MIN_VALUE) {
            return 0;
        }
        long now = Math.floorDiv(nowMillis, 1000);
        long sum = 0;
        for (long s = Math.max(now - windowSeconds + 1, headSecond - SLOTS + 1); s <= Math.min(now, headSecond); s++) {
            sum += s == headSecond ? headCount : counts == null ? 0 : counts[slot(s)];
        }
        return sum / (double) windowSeconds;
    }
}
