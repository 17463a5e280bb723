package io.trafficviz.graph;

import org.HdrHistogram.IntCountsHistogram;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {
    @Test
    void bucketsAreContiguousAndAtMostOne128thOfTheirValueWide() {
        int previous = -1;
        for (long micros = 0; micros < 20_000_000; micros += 1 + micros / 4096) {
            int i = LatencyHistogram.index(micros);
            assertThat(i).isBetween(previous, previous + 1);
            assertThat(LatencyHistogram.highestMicrosIn(i)).isGreaterThanOrEqualTo(micros);
            assertThat(LatencyHistogram.highestMicrosIn(i) - micros).isLessThanOrEqualTo(Math.max(7, micros / 128));
            if (i > 0) {
                assertThat(LatencyHistogram.highestMicrosIn(i - 1)).isLessThan(micros);
            }
            previous = i;
        }
    }

    @Test
    void percentilesMatchSortedValuesWithinTheResolution() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + r.nextInt(5_000);
            long[] values = new long[n];
            int[] counts = LatencyHistogram.empty();
            for (int i = 0; i < n; i++) {
                // log-uniform from 1 µs to ~100 s, as latencies spread
                values[i] = (long) Math.exp(r.nextDouble() * Math.log(100_000_000));
                counts = LatencyHistogram.record(counts, values[i]);
            }
            Arrays.sort(values);
            for (double p : new double[]{0, 1, 50, 90, 95, 99, 99.9, 100}) {
                long rank = Math.max(1, (long) Math.ceil(Math.nextDown(p) * n / 100));
                long exact = values[(int) Math.min(n, rank) - 1];
                long reported = LatencyHistogram.valueAtPercentile(counts, n, p);
                assertThat(reported).as("p%s of %s values", p, n)
                        .isBetween(exact, exact + Math.max(7, exact / 128));
            }
        }
    }

    @Test
    void reportsExactlyWhatTheHdrHistogramItReplacesReported() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            IntCountsHistogram hdr = new IntCountsHistogram(10, 100_000, 2);
            hdr.setAutoResize(true);
            int[] counts = LatencyHistogram.empty();
            int n = 1 + r.nextInt(trial < 100 ? 50 : 20_000);
            double spread = r.nextDouble() * 3;
            for (int i = 0; i < n; i++) {
                long micros = (long) (Math.exp(1.0 + spread * r.nextGaussian()) * 1000);
                hdr.recordValue(micros);
                counts = LatencyHistogram.record(counts, micros);
            }
            for (double p : new double[]{0, 10, 50, 66.6, 90, 95, 99, 99.9, 100}) {
                assertThat(LatencyHistogram.valueAtPercentile(counts, n, p)).as("p%s of %s", p, n)
                        .isEqualTo(p == 0 ? hdr.highestEquivalentValue(hdr.getValueAtPercentile(0))
                                : hdr.getValueAtPercentile(p));
            }
        }
    }

    @Test
    void growsOnlyAsFarAsTheLargestValueAndClampsAtAnHour() {
        int[] counts = LatencyHistogram.empty();
        counts = LatencyHistogram.record(counts, 1_500);
        assertThat(counts.length).isEqualTo(256);
        counts = LatencyHistogram.record(counts, 50_000);
        assertThat(counts.length).isLessThan(1024);
        counts = LatencyHistogram.record(counts, Long.MAX_VALUE);
        counts = LatencyHistogram.record(counts, -5);
        assertThat(LatencyHistogram.valueAtPercentile(counts, 4, 100))
                .isBetween(LatencyHistogram.MAX_MICROS, LatencyHistogram.MAX_MICROS + LatencyHistogram.MAX_MICROS / 128);
        assertThat(LatencyHistogram.valueAtPercentile(counts, 4, 0)).isEqualTo(7);
        assertThat(LatencyHistogram.valueAtPercentile(LatencyHistogram.empty(), 0, 50)).isZero();
    }
}
