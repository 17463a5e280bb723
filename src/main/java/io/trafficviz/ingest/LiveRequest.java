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
    private String origin;

    LiveRequest() {
    }

    void set(long seq, long time, ProxyContext ctx, Route route, TrafficGraph.Hops hops, AccessLogEntry entry,
             String origin) {
        this.origin = origin;
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

    /** The source its line came from (a tailed file's configured path, {@code push:server/proxy}). */
    public String origin() {
        return origin;
    }

    /** The request's start time (epoch ms; the time it was read when its line carries none). */
    public long time() {
        return time;
    }

    public String serverName() {
        return ctx.serverName();
    }

    /** The proxy's network. */
    public String network() {
        return ctx.network();
    }

    public String proxyName() {
        return ctx.proxyName();
    }

    /**
     * The route as the resolver named it, before the graph's caps folded any of its nodes into an overflow node: what
     * a graph of another window, with room to spare, would count it on.
     */
    public Route route() {
        return route;
    }

    /** The network of the caller's node in the graph (where the resolver put it), or null when folded by the cap. */
    public String callerNetwork() {
        return hops.client().nodeId().equals(route.caller()) ? hops.client().network() : null;
    }

    /** As {@link #callerNetwork()}, of the target; null also when the proxy answered. */
    public String targetNetwork() {
        Node target = hops.target();
        return target != null && target.nodeId().equals(route.target()) ? target.network() : null;
    }

    public int status() {
        return entry.downstreamStatus;
    }

    public long durationNanos() {
        return entry.durationNanos;
    }

    /** The backend's own time, 0 when the log has none (then the graph counts the whole duration on that hop). */
    public long originDurationNanos() {
        return entry.originDurationNanos;
    }

    public long bytes() {
        return entry.downstreamContentSize;
    }

    public String method() {
        return entry.requestMethod;
    }

    public String host() {
        return entry.requestHost;
    }

    /** The path with its query, as logged. */
    public String path() {
        return entry.requestPath;
    }

    /** The kept {@code X-Request-Id}, or null. */
    public String requestId() {
        return entry.requestId;
    }

    /** Builds the full event (a new object every call). */
    public RequestEvent event() {
        TrafficGraph.Hops h = hops;
        return new RequestEvent(seq, time, ctx.serverName(), ctx.network(), ctx.proxyName(), h.client().label(),
                to.label(), h.client().id(), h.proxy().id(), to.id(), entry.requestMethod, entry.requestHost,
                entry.requestPath, entry.downstreamStatus, entry.durationMillis(), entry.isError(),
                route.answeredByProxy(), route.outsider(), entry.requestId);
    }
}
