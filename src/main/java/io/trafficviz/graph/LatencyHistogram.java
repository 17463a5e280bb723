package io.trafficviz.graph;

import java.util.Arrays;

/**
 * Latencies in microseconds as a log-linear histogram with the resolution of the HdrHistogram it replaces (2
 * significant digits, 8 µs at the bottom): a bucket is at most 1/128 of its value wide.
 *
 * <p>Written for the ingest path, where three are updated per line: the bucket index is a leading-zero count and two
 * shifts, and the histogram is nothing but its {@code int[]} of counts, held directly by {@link EdgeStats} (no object
 * of its own to reach first, no min/max/total bookkeeping: the total is the edge's request count), grown only as far as
 * the largest value recorded, so an edge that only saw a few milliseconds holds ~2 KB.
 */
final class LatencyHistogram {
    /** Values are counted in units of 8 µs: invisible in the millisecond figures the API shows. */
    private static final int UNIT_SHIFT = 3;
    /** Buckets per power of two above the linear range; the linear range (one unit per bucket) is twice that. */
    private static final int SUB_BUCKET_BITS = 7;
    /** Longer latencies are clamped to one hour rather than lost. */
    static final long MAX_MICROS = 3_600_000_000L;
    private static final int MAX_BUCKETS = index(MAX_MICROS) + 1;
    private static final int GROWTH_STEP = 1 << SUB_BUCKET_BITS;

    private LatencyHistogram() {
    }

    /** An empty histogram covering 0..2 ms exactly to the unit (grown by {@link #record} when needed). */
    static int[] empty() {
        return new int[2 * GROWTH_STEP];
    }

    /**
     * Values below 256 units are their own bucket; above, the value is shifted right until 8 bits remain and the
     * shift selects the 128-bucket octave it falls in: for shift s ≥ 1, buckets [(s+1)·128, (s+2)·128).
     */
    static int index(long micros) {
        long units = micros >>> UNIT_SHIFT;
        int shift = Math.max(0, 64 - (SUB_BUCKET_BITS + 1) - Long.numberOfLeadingZeros(units));
        return (shift << SUB_BUCKET_BITS) + (int) (units >>> shift);
    }

    /** The largest microsecond value that falls in bucket {@code index} (what HdrHistogram reports a percentile as). */
    static long highestMicrosIn(int index) {
        int shift = Math.max(0, (index >>> SUB_BUCKET_BITS) - 1);
        long firstUnit = (long) (index - (shift << SUB_BUCKET_BITS)) << shift;
        return ((firstUnit + (1L << shift)) << UNIT_SHIFT) - 1;
    }

    /**
     * How many values are at or below each of {@code boundsMicros} (ascending): a bucket counts below a bound when its
     * lowest value is, so a duration of exactly the bound is in (buckets are under 1 % wide above 2 ms, one 8 µs unit
     * below: that is how far above a bound a value may be and still be counted in).
     */
    static long[] atOrBelow(int[] counts, long[] boundsMicros) {
        long[] out = new long[boundsMicros.length];
        long seen = 0;
        int b = 0;
        for (int i = 0; i < counts.length && b < boundsMicros.length; i++) {
            long lowest = i == 0 ? 0 : highestMicrosIn(i - 1) + 1;
            while (b < boundsMicros.length && lowest > boundsMicros[b]) {
                out[b++] = seen;
            }
            seen += counts[i];
        }
        while (b < boundsMicros.length) {
            out[b++] = seen;
        }
        return out;
    }

    /** The sum of the values, each taken as the middle of its bucket, in microseconds. */
    static double sumMicros(int[] counts) {
        double sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                long high = highestMicrosIn(i);
                long low = i == 0 ? 0 : highestMicrosIn(i - 1) + 1;
                sum += counts[i] * ((low + high) / 2.0);
            }
        }
        return sum;
    }

    /**
     * Counts {@code micros} (negative as 0, over an hour as an hour) in {@code counts}; returns the array to keep, a
     * larger copy when the value was beyond its range.
     */
    static int[] record(int[] counts, long micros) {
        int i = index(Math.max(0, Math.min(MAX_MICROS, micros)));
        if (i >= counts.length) {
            counts = Arrays.copyOf(counts, Math.min(MAX_BUCKETS, (i / GROWTH_STEP + 1) * GROWTH_STEP));
        }
        counts[i]++;
        return counts;
    }

    /**
     * The value at {@code percentile} (0..100) of {@code total} recorded values, exactly as HdrHistogram 2.2 computes
     * it: the highest value of the bucket holding the value of rank ceil(percentile/100 · total) (the percentile taken
     * one ulp lower, so that 95% of 20 is rank 19, not 20), at least rank 1; 0 when empty.
     */
    static long valueAtPercentile(int[] counts, long total, double percentile) {
        if (total == 0) {
            return 0;
        }
        double requested = Math.min(Math.max(Math.nextDown(percentile), 0), 100);
        long rank = Math.max(1, (long) Math.ceil(requested * total / 100));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return highestMicrosIn(i);
            }
        }
        throw new IllegalStateException("counts add up to less than " + total);
    }
}
