package io.trafficviz.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RollingRateTest {
    /** Same answers as keeping every request's second, over bursts, gaps longer than the ring and late lines. */
    @Test
    void agreesWithEveryRequestKept() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            EdgeStats rate = new EdgeStats();
            List<Long> seconds = new ArrayList<>();
            long head = Long.MIN_VALUE;
            long t = 1_700_000_000_000L + r.nextInt(1000);
            for (int i = 0; i < 3_000; i++) {
                int dice = r.nextInt(100);
                t += dice < 80 ? r.nextInt(50) : dice < 97 ? r.nextInt(5_000) : r.nextInt(400_000);
                long at = r.nextInt(20) == 0 ? t - r.nextInt(400_000) : t; // some late lines
                rate.record(200, 1_000_000, 1, null, at, 10);
                long second = Math.floorDiv(at, 1000);
                head = Math.max(head, second);
                seconds.add(second);
                if (r.nextInt(10) == 0) {
                    long now = t + r.nextInt(20_000);
                    for (int window : new int[]{10, 60, 300}) {
                        assertThat(rate.ratePerSecond(now, window)).as("window %s", window)
                                .isCloseTo(reference(seconds, head, Math.floorDiv(now, 1000), window), within(1e-9));
                    }
                }
            }
        }
    }

    /** Requests in the window before {@code now}, counting only those the ring keeps (the 300 s before the newest). */
    private static double reference(List<Long> seconds, long head, long now, int window) {
        long n = 0;
        // a late line is kept if it was within the ring's 300 s of the newest second seen when it arrived
        long newest = Long.MIN_VALUE;
        for (long s : seconds) {
            if (s > newest) {
                newest = s;
            } else if (s <= newest - 300) {
                continue;
            }
            if (s > now - window && s <= now && s > head - 300 && s <= head) {
                n++;
            }
        }
        return n / (double) window;
    }
}
