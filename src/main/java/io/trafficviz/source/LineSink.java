package io.trafficviz.source;

/**
 * The one door into ingest: every source (tailing, push, replay, the simulation's files) hands its lines here, a
 * batch at a time. Implementations must be thread-safe: every source calls from its own thread. The batch is the
 * caller's again once {@code accept} returns.
 */
@FunctionalInterface
public interface LineSink {
    /** @return how many of the lines were not taken (malformed, or from an origin nobody registered) */
    int accept(LineBatch batch);
}
