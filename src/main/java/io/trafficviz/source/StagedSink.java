package io.trafficviz.source;

/**
 * A {@link LineSink} whose work splits in two: {@link #prepare} (parsing: any thread, in parallel) and {@link #commit}
 * (counting: one batch at a time, in the order the batches were read). A replay of many files uses it to parse on
 * other cores than the one that counts, and to pace lines by the timestamps their preparation found.
 *
 * @param <P> a batch's prepared lines; reusable, made by {@link #newPrepared}
 */
public interface StagedSink<P> extends LineSink {
    P newPrepared();

    /** Prepares {@code batch}'s lines into {@code into} (which it overwrites); the batch may be reused afterwards. */
    void prepare(LineBatch batch, P into);

    /** Counts prepared lines {@code [from, to)}; returns how many were not taken. */
    int commit(P prepared, int from, int to);

    int size(P prepared);

    /** The timestamp of prepared line {@code i} in epoch milliseconds, or 0 when it has none (or was malformed). */
    long timeMillis(P prepared, int i);
}
