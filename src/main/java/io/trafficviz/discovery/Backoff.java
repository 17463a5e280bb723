package io.trafficviz.discovery;

import java.time.Duration;

/**
 * Retry delays after failures: {@code initial}, doubling per consecutive failure, never above {@code cap}; the
 * regular interval once things work again.
 */
record Backoff(Duration initial, Duration cap) {

    /** The delay before the next refresh after {@code consecutiveFailures} failures (0 = healthy). */
    Duration delayAfter(int consecutiveFailures) {
        if (consecutiveFailures <= 0) {
            return cap;
        }
        long capMillis = cap.toMillis();
        long millis = Math.max(1, initial.toMillis());
        // Doubling stops at the cap, so it cannot overflow however many failures there were.
        for (int i = 1; i < consecutiveFailures && millis < capMillis; i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, capMillis));
    }
}
