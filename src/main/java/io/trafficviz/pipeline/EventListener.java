package io.trafficviz.pipeline;

import io.trafficviz.resolve.RequestEvent;

/** Receives every resolved request while {@link #wantsEvents()} says someone is watching. Must not block. */
public interface EventListener {
    boolean wantsEvents();

    void onEvent(RequestEvent event);

    EventListener NONE = new EventListener() {
        @Override
        public boolean wantsEvents() {
            return false;
        }

        @Override
        public void onEvent(RequestEvent event) {
        }
    };
}
