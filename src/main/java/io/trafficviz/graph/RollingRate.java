package io.trafficviz.graph;

import java.util.Arrays;

/**
 * Requests per second over the last 10 s, 1 min and 5 min: per-second counts of the last 300 seconds. Time is passed
 * in, not read from a clock, so replay can run on the logs' own time.
 *
 * <p>The state lives in {@link EdgeStats}, not in an object of its own, because the ingest path updates three per line
 * on thousands of edges: the newest second and its count are two fields there (almost every request is a compare and
 * an increment on the object already being written), and the ring of the 299 seconds before it is a bare array,
 * written only when a later second arrives and allocated on the first one (an edge seen within one second has none).
 * This class holds the ring's rules.
 */
final class RollingRate {
    static final int SLOTS = 300;

    private RollingRate() {
    }

    private static int slot(long second) {
        return (int) Math.floorMod(second, (long) SLOTS);
    }

    /**
     * Moves the newest second {@code head} (with {@code headCount} requests) into the ring and makes {@code second}
     * (later than {@code head}) the newest: the seconds in between are zeroed, all of them after a gap of 300 s or more.
     * Returns the ring, allocated if {@code ring} was null. The newest second's own slot is left at 0.
     */
    static int[] advance(int[] ring, long head, int headCount, long second) {
        if (ring == null) {
            ring = new int[SLOTS];
        }
        if (second - head >= SLOTS) {
            Arrays.fill(ring, 0);
        } else {
            ring[slot(head)] = headCount;
            for (long s = head + 1; s <= second; s++) {
                ring[slot(s)] = 0;
            }
        }
        return ring;
    }

    /**
     * Counts a late request at {@code second}, before the newest second {@code head}: kept if within the 300 s window,
     * ignored if older. Returns the ring, allocated if {@code ring} was null.
     */
    static int[] countLate(int[] ring, long head, long second) {
        if (second <= head - SLOTS) {
            return ring;
        }
        if (ring == null) {
            ring = new int[SLOTS];
        }
        ring[slot(second)]++;
        return ring;
    }

    /**
     * Average rate over the {@code windowSeconds} seconds before {@code nowMillis}, the current second included, given
     * the newest second {@code head} (Long.MIN_VALUE: nothing recorded) and its count.
     */
    static double perSecond(int[] ring, long head, int headCount, long nowMillis, int windowSeconds) {
        if (head == Long.MIN_VALUE) {
            return 0;
        }
        long now = Math.floorDiv(nowMillis, 1000);
        long sum = 0;
        for (long s = Math.max(now - windowSeconds + 1, head - SLOTS + 1); s <= Math.min(now, head); s++) {
            sum += s == head ? headCount : ring == null ? 0 : ring[slot(s)];
        }
        return sum / (double) windowSeconds;
    }
}
