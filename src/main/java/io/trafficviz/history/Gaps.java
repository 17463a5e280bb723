package io.trafficviz.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests counted by the live graph but not kept in the store (the writer's queue was full, or the store failed to
 * write them), as time ranges: a window over a gap shows fewer requests than happened, and says so. Bounded: past
 * {@link #MAX_KEPT} gaps the oldest are forgotten (their requests stay in {@link #droppedTotal}).
 */
public final class Gaps {
    static final int MAX_KEPT = 100;

    /** Requests from {@code fromMillis} to {@code toMillis} (their start times, inclusive) that were not stored. */
    public record Gap(long fromMillis, long toMillis, long requests, String reason) {
    }

    private final List<Gap> closed = new ArrayList<>();
    private long openFrom;
    private long openTo;
    private long openCount;
    private String openReason;
    private long droppedTotal;

    /** Notes {@code n} requests around {@code time} that were not stored; cheap, for ingest's thread. */
    synchronized void dropped(long fromMillis, long toMillis, long n, String reason) {
        if (openCount > 0 && !reason.equals(openReason)) {
            close();
        }
        if (openCount == 0) {
            openFrom = fromMillis;
            openTo = toMillis;
            openReason = reason;
        } else {
            openFrom = Math.min(openFrom, fromMillis);
            openTo = Math.max(openTo, toMillis);
        }
        openCount += n;
        droppedTotal += n;
    }

    /** A request was stored again: the gap in progress, if any, is over. Returns it, or null. */
    synchronized Gap stored() {
        return openCount == 0 ? null : close();
    }

    private Gap close() {
        Gap gap = new Gap(openFrom, openTo, openCount, openReason);
        closed.add(gap);
        if (closed.size() > MAX_KEPT) {
            closed.remove(0);
        }
        openCount = 0;
        openReason = null;
        return gap;
    }

    /** The known gaps, oldest first, the one in progress last. */
    public synchronized List<Gap> all() {
        List<Gap> out = new ArrayList<>(closed);
        if (openCount > 0) {
            out.add(new Gap(openFrom, openTo, openCount, openReason));
        }
        return out;
    }

    /** Every request not stored since start. */
    public synchronized long droppedTotal() {
        return droppedTotal;
    }

    /** Whether requests are being dropped right now (no request stored since the last drop). */
    public synchronized boolean open() {
        return openCount > 0;
    }
}
