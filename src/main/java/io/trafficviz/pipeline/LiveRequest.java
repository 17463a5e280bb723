package io.trafficviz.pipeline;

import io.trafficviz.graph.Node;
import io.trafficviz.parse.AccessLogEntry;
import io.trafficviz.resolve.ProxyContext;
import io.trafficviz.model.RequestEvent;
import io.trafficviz.resolve.Resolution;

/**
 * The request the pipeline is recording, as {@link EventListener#onRequest} sees it: the route and outcome for
 * nothing, the full {@link RequestEvent} only when asked for. One instance per pipeline, refilled for every line
 * under the pipeline's lock; valid only during the listener's call.
 */
public final class LiveRequest {
    private long seq;
    private long time;
    private ProxyContext ctx;
    private Resolution resolution;
    private Node to;
    private AccessLogEntry entry;

    LiveRequest() {
    }

    void set(long seq, long time, ProxyContext ctx, Resolution resolution, AccessLogEntry entry) {
        this.seq = seq;
        this.time = time;
        this.ctx = ctx;
        this.resolution = resolution;
        this.to = resolution.target() != null ? resolution.target() : resolution.proxy();
        this.entry = entry;
    }

    public String fromId() {
        return resolution.client().id();
    }

    public String proxyId() {
        return resolution.proxy().id();
    }

    /** The target's id, or the proxy's when the proxy answered itself (as {@link RequestEvent#toId()}). */
    public String toId() {
        return to.id();
    }

    public boolean error() {
        return entry.isError();
    }

    public boolean answeredByProxy() {
        return resolution.answeredByProxy();
    }

    /** Builds the full event (a new object every call). */
    public RequestEvent event() {
        Resolution r = resolution;
        return new RequestEvent(seq, time, ctx.serverName(), ctx.network(), ctx.proxyName(), r.client().label(),
                to.label(), r.client().id(), r.proxy().id(), to.id(), entry.requestMethod, entry.requestHost,
                entry.requestPath, entry.downstreamStatus, entry.durationMillis(), entry.isError(),
                r.answeredByProxy(), r.outsider());
    }
}
