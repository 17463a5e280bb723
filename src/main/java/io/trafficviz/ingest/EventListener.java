package io.trafficviz.ingest;

/** Receives every resolved request while {@link #wantsEvents()} says someone is watching. Must not block. */
public interface EventListener {
    boolean wantsEvents();

    /**
     * One resolved request. {@code request} is the pipeline's own, reused for the next line: read it (or take its
     * {@link LiveRequest#event()}) during this call only. A listener that only needs the request counted (its route
     * and outcome) need not build the event at all.
     */
    void onRequest(LiveRequest request);

    EventListener NONE = new EventListener() {
        @Override
        public boolean wantsEvents() {
            return false;
        }

        @Override
        public void onRequest(LiveRequest request) {
        }
    };
}
