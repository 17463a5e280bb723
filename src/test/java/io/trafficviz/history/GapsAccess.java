package io.trafficviz.history;

/** Lets tests outside the package record a gap, as a full queue or a failing disk would. */
public final class GapsAccess {
    private GapsAccess() {
    }

    public static void dropped(Gaps gaps, long fromMillis, long toMillis, long requests, String reason) {
        gaps.dropped(fromMillis, toMillis, requests, reason);
    }
}
