package io.trafficviz.graph;

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
 * <p>Not thread-safe by itself: the ingest pipeline mutates it and readers take the same lock (see
 * {@code Pipeline#readGraph}), per batch of lines rather than per line. Memory is bounded: past {@code maxNodes} new
 * nodes fold into one overflow node per server, past {@code maxEdges} new edges fold into one overflow edge.
 */
public final class TrafficGraph {
    public static final String OVERFLOW_PREFIX = "overflow:";

    private final int maxNodes;
    private final int maxEdges;
    private final int maxPathsPerEdge;
    private final PathPool pathPool = new PathPool();

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<Node, Map<Node, Edge>> hopEdges = new IdentityHashMap<>();
    private final Map<Node, Map<Node, Edge>> logicalEdges = new IdentityHashMap<>();
    private int hopEdgeCount;
    private int logicalEdgeCount;
    private long overflowedNodes;
    private long overflowedEdges;

    /**
     * Every (client, proxy, target) seen, with the edges a request along it updates: one probe per line instead of
     * three map-of-map lookups. Open addressing on the nodes' serials; bounded (past the cap a route is looked up
     * through the maps every time, as before).
     */
    private Route[] routes = new Route[1024];
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

    public Node node(String id) {
        return nodes.get(id);
    }

    /** The node with this id, created if new; past the node cap, the server's overflow node. */
    public Node ensureNode(String id, NodeKind kind, String label, String server, String network) {
        Node existing = nodes.get(id);
        if (existing != null) {
            return existing;
        }
        if (nodes.size() >= maxNodes && kind != NodeKind.PROXY && kind != NodeKind.GATEWAY) {
            overflowedNodes++;
            String overflowId = OVERFLOW_PREFIX + server;
            Node overflow = nodes.get(overflowId);
            if (overflow == null) {
                overflow = add(new Node(overflowId, NodeKind.UNRECOGNISED, "other (node cap reached)", server, network));
            }
            return overflow;
        }
        return add(new Node(id, kind, label, server, network));
    }

    private Node add(Node node) {
        node.serial = nodes.size();
        nodes.put(node.id(), node);
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
    public void recordRequest(Node client, Node proxy, Node target, int status, long durationNanos,
                              long originDurationNanos, long bytes, String path, long nowMillis) {
        Route route = route(client, proxy, target);
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

    private void markDirty(Edge edge) {
        edge.stats().dirty = true;
        dirtyEdges.add(edge);
    }

    /** The edges a request client → proxy → target (null: the proxy answered) updates. */
    private static final class Route {
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

        Route(Node client, Node proxy, Node target, Edge clientHop, Edge targetHop, Edge logical, int foldedEdges) {
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
    }

    private Route route(Node client, Node proxy, Node target) {
        int targetSerial = target == null ? -1 : target.serial;
        if (client.serial < 0 || proxy.serial < 0 || (target != null && targetSerial < 0)) {
            return newRoute(client, proxy, target); // nodes from outside this graph: nothing to key them by
        }
        Route[] table = routes;
        int mask = table.length - 1;
        int i = routeHash(client.serial, proxy.serial, targetSerial) & mask;
        Route r;
        while ((r = table[i]) != null) {
            if (r.client == client && r.proxy == proxy && r.target == target) {
                return r;
            }
            i = (i + 1) & mask;
        }
        r = newRoute(client, proxy, target);
        if (routeCount < maxRoutes) {
            table[i] = r;
            if (++routeCount * 2 > table.length) {
                growRoutes();
            }
        }
        return r;
    }

    private static int routeHash(int client, int proxy, int target) {
        int h = (client * 0x9E3779B1 + proxy) * 0x9E3779B1 + target;
        h *= 0x85EBCA6B;
        return h ^ (h >>> 16);
    }

    private void growRoutes() {
        Route[] old = routes;
        Route[] table = new Route[old.length * 2];
        int mask = table.length - 1;
        for (Route r : old) {
            if (r != null) {
                int i = routeHash(r.client.serial, r.proxy.serial, r.target == null ? -1 : r.target.serial) & mask;
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
    private Route newRoute(Node client, Node proxy, Node target) {
        long foldedBefore = overflowedEdges;
        Edge clientHop = edge(hopEdges, client, proxy, true);
        Edge targetHop = target != null && target.kind() != NodeKind.PROXY && target.kind() != NodeKind.GATEWAY
                ? edge(hopEdges, proxy, target, true) : null;
        Edge logical = edge(logicalEdges, client, target != null ? target : proxy, false);
        int folded = (int) (overflowedEdges - foldedBefore);
        overflowedEdges = foldedBefore; // counted per request by the caller
        return new Route(client, proxy, target, clientHop, targetHop, logical, folded);
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
        String id = OVERFLOW_PREFIX + server;
        Node node = nodes.get(id);
        return node != null ? node : add(new Node(id, NodeKind.UNRECOGNISED, "other (cap reached)", server, network));
    }

    public Collection<Node> nodes() {
        return Collections.unmodifiableCollection(nodes.values());
    }

    public List<Edge> hopEdges() {
        return flatten(hopEdges);
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
