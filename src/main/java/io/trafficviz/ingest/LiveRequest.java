package io.trafficviz.ingest;

import io.trafficviz.graph.Node;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.model.RequestEvent;
import io.trafficviz.model.Route;
import io.trafficviz.parse.AccessLogEntry;
import io.trafficviz.resolve.ProxyContext;

/**
 * The request ingest is recording, as {@link EventListener#onRequest} sees it: the route and outcome for
 * nothing, the full {@link RequestEvent} only when asked for. One instance per ingest, refilled for every line
 * under its lock; valid only during the listener's call.
 */
public final class LiveRequest {
    private long seq;
    private long time;
    private ProxyContext ctx;
    private Route route;
    private TrafficGraph.Hops hops;
    private Node to;
    private AccessLogEntry entry;

    LiveRequest() {
    }

    void set(long seq, long time, ProxyContext ctx, Route route, TrafficGraph.Hops hops, AccessLogEntry entry) {
        this.seq = seq;
        this.time = time;
        this.ctx = ctx;
        this.route = route;
        this.hops = hops;
        this.to = hops.target() != null ? hops.target() : hops.proxy();
        this.entry = entry;
    }

    public String fromId() {
        return hops.client().id();
    }

    public String proxyId() {
        return hops.proxy().id();
    }

    /** The target's id, or the proxy's when the proxy answered itself (as {@link RequestEvent#toId()}). */
    public String toId() {
        return to.id();
    }

    public boolean error() {
        return entry.isError();
    }

    public boolean answeredByProxy() {
        return route.answeredByProxy();
    }

    /** Builds the full event (a new object every call). */
    public RequestEvent event() {
        TrafficGraph.Hops h = hops;
        return new RequestEvent(seq, time, ctx.serverName(), ctx.network(), ctx.proxyName(), h.client().label(),
                to.label(), h.client().id(), h.proxy().id(), to.id(), entry.requestMethod, entry.requestHost,
                entry.requestPath, entry.downstreamStatus, entry.durationMillis(), entry.isError(),
                route.answeredByProxy(), route.outsider());
    }
}
