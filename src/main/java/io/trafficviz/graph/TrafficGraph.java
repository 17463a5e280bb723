package io.trafficviz.graph;

import io.trafficviz.model.NodeFact;
import io.trafficviz.model.NodeId;
import io.trafficviz.model.NodeKind;
import io.trafficviz.model.Route;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nodes, edges and their statistics.
 *
 * <p>The graph alone creates nodes: from the resolver's {@link NodeFact}s and {@link Route}s, values keyed by
 * {@link NodeId}. Not thread-safe by itself: ingest owns it and its lock, and hands readers values rendered under that
 * lock. Memory is bounded: past {@code maxNodes} new nodes fold into one overflow node per server, past
 * {@code maxEdges} new edges fold into one overflow edge.
 */
public final class TrafficGraph {
    private final int maxNodes;
    private final int maxEdges;
    private final int maxPathsPerEdge;
    private final PathPool pathPool = new PathPool();

    private final Map<NodeId, Node> nodes = new LinkedHashMap<>();
    private final Map<Node, Map<Node, Edge>> hopEdges = new IdentityHashMap<>();
    private final Map<Node, Map<Node, Edge>> logicalEdges = new IdentityHashMap<>();
    private int hopEdgeCount;
    private int logicalEdgeCount;
    private long overflowedNodes;
    private long overflowedEdges;

    /**
     * Every (client, proxy, target) seen, with the edges a request along it updates: one probe per line instead of
     * three map-of-map lookups. Open addressing on the nodes' ids; bounded (past the cap a route is looked up
     * through the maps every time, as before).
     */
    private Hops[] routes = new Hops[1024];
    private int routeCount;
    private final int maxRoutes;

    private final List<Node> newNodes = new ArrayList<>();
    private final List<Edge> dirtyEdges = new ArrayList<>();
    private final Set<Node> changedNodes = new LinkedHashSet<>();

    public TrafficGraph(int maxNodes, int maxEdges, int maxPathsPerEdge) {
        this.maxNodes = maxNodes;
        this.maxEdges = maxEdges;
        this.maxPathsPerEdge = maxPathsPerEdge;
        this.maxRoutes = (int) Math.min(1 << 28, 4L * maxEdges + 1024);
    }

    /** The node with this id text (as the protocol writes it), or null. */
    public Node node(String id) {
        try {
            return nodes.get(NodeId.parse(id));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public Node node(NodeId id) {
        return nodes.get(id);
    }

    /**
     * The node with this id, created if new; past the node cap (proxies excepted), the server's overflow node, and the
     * refusal is counted (once per call: the resolver declares a node on each of its cache misses, so every new
     * caller past the cap counts).
     */
    public Node ensureNode(NodeId id, String network) {
        Node existing = nodes.get(id);
        if (existing != null) {
            return existing;
        }
        if (nodes.size() >= maxNodes && !id.isProxy()) {
            overflowedNodes++;
            NodeId overflowId = NodeId.overflow(id.server());
            Node overflow = nodes.get(overflowId);
            if (overflow == null) {
                overflow = add(new Node(overflowId, "other (node cap reached)", network));
            }
            return overflow;
        }
        return add(new Node(id, id.label(), network));
    }

    /** The node standing for {@code id}: its own, or its server's overflow node when the cap kept it out. */
    private Node standIn(NodeId id) {
        Node node = nodes.get(id);
        if (node == null) {
            node = nodes.get(NodeId.overflow(id.server()));
        }
        return node;
    }

    /** Applies what the resolver learnt about a node. */
    public void apply(NodeFact fact) {
        if (fact instanceof NodeFact.Declared d) {
            ensureNode(d.id(), d.network());
            return;
        }
        Node node = standIn(fact.id());
        if (node == null) {
            return; // never declared: nothing to describe
        }
        if (fact instanceof NodeFact.SeenAt a) {
            addAddress(node, a.address());
        } else if (fact instanceof NodeFact.Outsider) {
            markOutsider(node);
        } else if (fact instanceof NodeFact.InNetwork n && node.nodeId().equals(n.id())) {
            moveToNetwork(node, n.network()); // the overflow node stays where it is
        }
    }

    private Node add(Node node) {
        node.serial = nodes.size();
        nodes.put(node.nodeId(), node);
        newNodes.add(node);
        return node;
    }

    /** Notes an address for a node (shown in the UI); callers keep the number per node small. */
    public void addAddress(Node node, String address) {
        if (node.addresses().size() < 16 && node.addresses().add(address)) {
            changedNodes.add(node);
        }
    }

    /** Moves a node to another network (the resolver's rule for services several proxies route to), telling clients. */
    public void moveToNetwork(Node node, String network) {
        if (!node.network().equals(network)) {
            node.network(network);
            changedNodes.add(node);
        }
    }

    public void markOutsider(Node node) {
        if (!node.outsider()) {
            node.markOutsider();
            changedNodes.add(node);
        }
    }

    /**
     * Records one request: the hop client → proxy, then proxy → target unless the proxy answered itself
     * ({@code target == null}), and the logical edge client → (target or proxy).
     *
     * <p>A target that is itself a proxy (a gateway forwarding to a server's public proxy) logs the same request again,
     * with this proxy as its caller: the hop between the two is recorded from that line only, so that it counts each
     * request once.
     */
    public Hops record(Route request, int status, long durationNanos, long originDurationNanos, long bytes,
                       String path, long nowMillis) {
        Hops route = route(request);
        count(route, status, durationNanos, originDurationNanos, bytes, path, nowMillis);
        return route;
    }

    /** As {@link #record}, for callers that hold the nodes (benchmarks and tests of the edge statistics). */
    public void recordRequest(Node client, Node proxy, Node target, int status, long durationNanos,
                              long originDurationNanos, long bytes, String path, long nowMillis) {
        count(route(client, proxy, target), status, durationNanos, originDurationNanos, bytes, path, nowMillis);
    }

    private void count(Hops route, int status, long durationNanos, long originDurationNanos, long bytes, String path,
                       long nowMillis) {
        overflowedEdges += route.foldedEdges;
        // What is the same for the line's edges is derived once here.
        int statusClass = EdgeStats.statusClassOf(status);
        long second = Math.floorDiv(nowMillis, 1000);
        long micros = durationNanos / 1000;
        EdgeStats clientHop = route.clientHopStats;
        EdgeStats targetHop = route.targetHopStats;
        EdgeStats logical = route.logicalStats;
        // Edge by edge but one kind of memory at a time (the stats objects, then the latency arrays): the edges are
        // mostly out of cache, and independent misses issued together overlap instead of waiting for one another.
        clientHop.count(statusClass, bytes, nowMillis, second);
        if (targetHop != null) {
            targetHop.count(statusClass, bytes, nowMillis, second);
        }
        logical.count(statusClass, bytes, nowMillis, second);
        clientHop.recordLatency(micros);
        if (targetHop != null) {
            // The backend's own time is the latency of the proxy → service hop.
            targetHop.recordLatency(originDurationNanos > 0 ? originDurationNanos / 1000 : micros);
        }
        logical.recordLatency(micros);
        if (!clientHop.dirty) {
            markDirty(route.clientHop);
        }
        if (targetHop != null && !targetHop.dirty) {
            markDirty(route.targetHop);
        }
        if (path != null) {
            // Hashed once; each edge hands on the text it holds, the pooled copy the next edges compare by reference.
            int hash = path.hashCode();
            String held = clientHop.countPath(path, hash, maxPathsPerEdge);
            if (targetHop != null) {
                held = targetHop.countPath(held, hash, maxPathsPerEdge);
            }
            logical.countPath(held, hash, maxPathsPerEdge);
        }
    }

    /**
     * The nodes and edges a request along {@code request} counts on, created (or folded past the caps) as
     * {@link #record} would: for callers that count many requests of few routes ({@link #recordWithoutPath}).
     */
    public Hops hops(Route request) {
        return route(request);
    }

    /**
     * Counts one request of a past window without its path, which the caller counts per edge afterwards
     * ({@link #countPaths}, from the store's sums), and only on the edges of the view the window is drawn as (the
     * logical edge, or the hops); its rate only when {@code withRate} (the request is among the last 300 s the rates
     * look back on). Edges and nodes are created, or folded past the caps, as {@link #record} does.
     */
    public void recordWithoutPath(Hops route, int status, long durationNanos, long originDurationNanos, long bytes,
                                  long nowMillis, boolean withRate, boolean logicalView) {
        overflowedEdges += route.foldedEdges;
        int statusClass = EdgeStats.statusClassOf(status);
        long micros = durationNanos / 1000;
        long second = Math.floorDiv(nowMillis, 1000);
        if (logicalView) {
            countPast(route.logicalStats, statusClass, bytes, micros, nowMillis, second, withRate);
            return;
        }
        countPast(route.clientHopStats, statusClass, bytes, micros, nowMillis, second, withRate);
        if (route.targetHopStats != null) {
            countPast(route.targetHopStats, statusClass, bytes,
                    originDurationNanos > 0 ? originDurationNanos / 1000 : micros, nowMillis, second, withRate);
        }
    }

    private static void countPast(EdgeStats stats, int statusClass, long bytes, long micros, long nowMillis,
                                  long second, boolean withRate) {
        if (withRate) {
            stats.count(statusClass, bytes, nowMillis, second);
        } else {
            stats.countWithoutRate(statusClass, bytes, nowMillis);
        }
        stats.recordLatency(micros);
    }

    /**
     * Counts {@code count} requests of {@code path} on {@code edge} at once (a past window's sums), as that many
     * requests of it would; a null path counts them under (other), as paths that came after the table was full.
     */
    public void countPaths(Edge edge, String path, long count) {
        if (path == null) {
            edge.stats().countOtherPaths(count);
        } else {
            edge.stats().countPath(path, count, maxPathsPerEdge);
        }
    }

    public int maxPathsPerEdge() {
        return maxPathsPerEdge;
    }

    private void markDirty(Edge edge) {
        edge.stats().dirty = true;
        dirtyEdges.add(edge);
    }

    /**
     * The nodes and edges a request client → proxy → target (null: the proxy answered) updates: what a {@link Route}
     * came to in this graph (its nodes may be overflow nodes).
     */
    public static final class Hops {
        final NodeId clientId;
        final NodeId proxyId;
        final NodeId targetId;
        final Node client;
        final Node proxy;
        final Node target;
        final Edge clientHop;
        /** Null when there is no proxy → target hop (the proxy answered, or the target is a proxy that logs it). */
        final Edge targetHop;
        final Edge logical;
        /* The edges' statistics, read on every line without going through the edges. */
        final EdgeStats clientHopStats;
        final EdgeStats targetHopStats;
        final EdgeStats logicalStats;
        /** How many of these edges are overflow edges standing in for ones the cap kept out (counted per request). */
        final int foldedEdges;

        Hops(NodeId clientId, NodeId proxyId, NodeId targetId, Node client, Node proxy, Node target, Edge clientHop,
             Edge targetHop, Edge logical, int foldedEdges) {
            this.clientId = clientId;
            this.proxyId = proxyId;
            this.targetId = targetId;
            this.client = client;
            this.proxy = proxy;
            this.target = target;
            this.clientHop = clientHop;
            this.targetHop = targetHop;
            this.logical = logical;
            this.foldedEdges = foldedEdges;
            this.clientHopStats = clientHop.stats();
            this.targetHopStats = targetHop == null ? null : targetHop.stats();
            this.logicalStats = logical.stats();
        }

        public Node client() {
            return client;
        }

        public Node proxy() {
            return proxy;
        }

        /** The target node, or null when the proxy answered itself. */
        public Node target() {
            return target;
        }
    }

    /**
     * The hops of a route, looked up by its ids: the resolver hands out the same id objects again, so a known route is
     * one probe with reference compares.
     */
    private Hops route(Route request) {
        NodeId caller = request.caller();
        NodeId proxy = request.proxy();
        NodeId target = request.target();
        Hops[] table = routes;
        int mask = table.length - 1;
        int i = routeHash(caller.hashCode(), proxy.hashCode(), target == null ? -1 : target.hashCode()) & mask;
        Hops r;
        while ((r = table[i]) != null) {
            if (same(r.clientId, caller) && same(r.proxyId, proxy) && same(r.targetId, target)) {
                return r;
            }
            i = (i + 1) & mask;
        }
        Node client = standInOrDeclare(caller);
        Node proxyNode = standInOrDeclare(proxy);
        Node targetNode = target == null ? null : standInOrDeclare(target);
        return remember(newRoute(caller, proxy, target, client, proxyNode, targetNode), i);
    }

    /** Keeps a new route in the table's free slot {@code i}, up to the cap (past it, routes are built each time). */
    private Hops remember(Hops r, int i) {
        if (routeCount < maxRoutes) {
            routes[i] = r;
            if (++routeCount * 2 > routes.length) {
                growRoutes();
            }
        }
        return r;
    }

    private static boolean same(NodeId a, NodeId b) {
        return a == b || (a != null && a.equals(b));
    }

    /** A route's node; an id nobody declared (a caller that skipped the facts) is declared in its own network. */
    private Node standInOrDeclare(NodeId id) {
        Node node = standIn(id);
        return node != null ? node : ensureNode(id, id.network() == null ? "" : id.network());
    }

    /** For {@link #recordRequest}: routes of nodes held by the caller, keyed by the nodes' ids. */
    private Hops route(Node client, Node proxy, Node target) {
        if (client.serial < 0 || proxy.serial < 0 || (target != null && target.serial < 0)) {
            // nodes from outside this graph: nothing to key them by
            return newRoute(client.nodeId(), proxy.nodeId(), target == null ? null : target.nodeId(), client, proxy,
                    target);
        }
        Route request = new Route(client.nodeId(), proxy.nodeId(), target == null ? null : target.nodeId(), false);
        Hops[] table = routes;
        int mask = table.length - 1;
        NodeId targetId = request.target();
        int i = routeHash(request.caller().hashCode(), request.proxy().hashCode(),
                targetId == null ? -1 : targetId.hashCode()) & mask;
        Hops r;
        while ((r = table[i]) != null) {
            if (r.client == client && r.proxy == proxy && r.target == target) {
                return r;
            }
            i = (i + 1) & mask;
        }
        return remember(newRoute(request.caller(), request.proxy(), targetId, client, proxy, target), i);
    }

    private static int routeHash(int client, int proxy, int target) {
        int h = (client * 0x9E3779B1 + proxy) * 0x9E3779B1 + target;
        h *= 0x85EBCA6B;
        return h ^ (h >>> 16);
    }

    private void growRoutes() {
        Hops[] old = routes;
        Hops[] table = new Hops[old.length * 2];
        int mask = table.length - 1;
        for (Hops r : old) {
            if (r != null) {
                int i = routeHash(r.clientId.hashCode(), r.proxyId.hashCode(),
                        r.targetId == null ? -1 : r.targetId.hashCode()) & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = r;
            }
        }
        routes = table;
    }

    /**
     * The hop client → proxy, then proxy → target unless the proxy answered itself ({@code target == null}) or the
     * target is a proxy, and the logical edge client → (target or proxy), created (or folded into overflow) as needed.
     */
    private Hops newRoute(NodeId clientId, NodeId proxyId, NodeId targetId, Node client, Node proxy, Node target) {
        long foldedBefore = overflowedEdges;
        Edge clientHop = edge(hopEdges, client, proxy, true);
        Edge targetHop = target != null && target.kind() != NodeKind.PROXY && target.kind() != NodeKind.GATEWAY
                ? edge(hopEdges, proxy, target, true) : null;
        Edge logical = edge(logicalEdges, client, target != null ? target : proxy, false);
        int folded = (int) (overflowedEdges - foldedBefore);
        overflowedEdges = foldedBefore; // counted per request by the caller
        return new Hops(clientId, proxyId, targetId, client, proxy, target, clientHop, targetHop, logical, folded);
    }

    private Edge edge(Map<Node, Map<Node, Edge>> edges, Node from, Node to, boolean hop) {
        Map<Node, Edge> out = edges.computeIfAbsent(from, k -> new IdentityHashMap<>(4));
        Edge edge = out.get(to);
        if (edge == null) {
            int count = hop ? hopEdgeCount : logicalEdgeCount;
            if (count >= maxEdges) {
                overflowedEdges++;
                Node overflowFrom = ensureOverflow(from.server(), from.network());
                Node overflowTo = ensureOverflow(to.server(), to.network());
                out = edges.computeIfAbsent(overflowFrom, k -> new IdentityHashMap<>(4));
                edge = out.get(overflowTo);
                if (edge == null) {
                    edge = new Edge(overflowFrom, overflowTo, pathPool);
                    out.put(overflowTo, edge);
                }
            } else {
                edge = new Edge(from, to, pathPool);
                out.put(to, edge);
                if (hop) {
                    hopEdgeCount++;
                } else {
                    logicalEdgeCount++;
                }
            }
        }
        return edge;
    }

    private Node ensureOverflow(String server, String network) {
        NodeId id = NodeId.overflow(server);
        Node node = nodes.get(id);
        return node != null ? node : add(new Node(id, id.label(), network));
    }

    public Collection<Node> nodes() {
        return Collections.unmodifiableCollection(nodes.values());
    }

    public List<Edge> hopEdges() {
        return flatten(hopEdges);
    }

    /** Every logical edge as a {@link ServiceGraphEdge}, durations counted against {@code boundsMicros}. */
    public List<ServiceGraphEdge> serviceGraph(long[] boundsMicros) {
        List<ServiceGraphEdge> out = new ArrayList<>();
        for (Edge e : logicalEdges()) {
            out.add(ServiceGraphEdge.of(e, boundsMicros));
        }
        return out;
    }

    public List<Edge> logicalEdges() {
        return flatten(logicalEdges);
    }

    /** Hop edge from one node to another, or null. */
    public Edge hopEdge(Node from, Node to) {
        Map<Node, Edge> out = hopEdges.get(from);
        return out == null ? null : out.get(to);
    }

    private static List<Edge> flatten(Map<Node, Map<Node, Edge>> edges) {
        List<Edge> all = new ArrayList<>();
        for (Map<Node, Edge> out : edges.values()) {
            all.addAll(out.values());
        }
        return all;
    }

    public long overflowedNodes() {
        return overflowedNodes;
    }

    public long overflowedEdges() {
        return overflowedEdges;
    }

    /** Hands over what changed since the last call (new nodes, nodes with new details, hop edges with new requests). */
    public Changes drainChanges() {
        Map<String, Node> nodesChanged = new LinkedHashMap<>();
        for (Node n : newNodes) {
            nodesChanged.put(n.id(), n);
        }
        for (Node n : changedNodes) {
            nodesChanged.put(n.id(), n);
        }
        Changes changes = new Changes(List.copyOf(nodesChanged.values()), List.copyOf(dirtyEdges));
        for (Edge e : dirtyEdges) {
            e.stats().dirty = false;
        }
        newNodes.clear();
        changedNodes.clear();
        dirtyEdges.clear();
        return changes;
    }

    /** Forgets what changed since the last call, as {@link #drainChanges} would but without building the lists. */
    public void discardChanges() {
        for (Edge e : dirtyEdges) {
            e.stats().dirty = false;
        }
        newNodes.clear();
        changedNodes.clear();
        dirtyEdges.clear();
    }

    public record Changes(List<Node> nodes, List<Edge> edges) {
        public boolean isEmpty() {
            return nodes.isEmpty() && edges.isEmpty();
        }
    }

    /** Per-service totals, for tests and summaries: bare service label → edge stats of every proxy → service hop. */
    public Map<String, List<EdgeStats>> statsByTarget() {
        Map<String, List<EdgeStats>> out = new HashMap<>();
        for (Edge e : hopEdges()) {
            out.computeIfAbsent(e.target().id(), k -> new ArrayList<>()).add(e.stats());
        }
        return out;
    }
}
