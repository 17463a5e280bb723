package io.trafficviz.ingest;

import io.trafficviz.model.NodeFact;

/** Receives every resolved request while {@link #wantsEvents()} says someone is watching. Must not block. */
public interface EventListener {
    boolean wantsEvents();

    /**
     * One resolved request. {@code request} is the pipeline's own, reused for the next line: read it (or take its
     * {@link LiveRequest#event()}) during this call only. A listener that only needs the request counted (its route
     * and outcome) need not build the event at all.
     */
    void onRequest(LiveRequest request);

    /**
     * Something the resolver learnt about a node (on its cache misses or from a discovered inventory), under ingest's
     * lock as {@link #onRequest} is, whether or not {@link #wantsEvents()}. Must not block.
     */
    default void onFact(NodeFact fact) {
    }

    EventListener NONE = new EventListener() {
        @Override
        public boolean wantsEvents() {
            return false;
        }

        @Override
        public void onRequest(LiveRequest request) {
        }
    };

    /**
     * Both listeners, each called while it wants events, {@code first} first. One that throws does not keep the
     * request from the other (the line is counted either way; ingest logs the failure).
     */
    static EventListener both(EventListener first, EventListener second) {
        return new EventListener() {
            @Override
            public boolean wantsEvents() {
                return first.wantsEvents() || second.wantsEvents();
            }

            @Override
            public void onRequest(LiveRequest request) {
                RuntimeException failure = null;
                if (first.wantsEvents()) {
                    try {
                        first.onRequest(request);
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
                if (second.wantsEvents()) {
                    second.onRequest(request);
                }
                if (failure != null) {
                    throw failure;
                }
            }

            @Override
            public void onFact(NodeFact fact) {
                try {
                    first.onFact(fact);
                } finally {
                    second.onFact(fact);
                }
            }
        };
    }
}
