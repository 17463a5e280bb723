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
    private final PathPool pathPool = new PathPool(200_000);

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<Node, Map<Node, Edge>> hopEdges = new IdentityHashMap<>();
    private final Map<Node, Map<Node, Edge>> logicalEdges = new IdentityHashMap<>();
    private int hopEdgeCount;
    private int logicalEdgeCount;
    private long overflowedNodes;
    private long overflowedEdges;

    private final List<Node> newNodes = new ArrayList<>();
    private final List<Edge> dirtyEdges = new ArrayList<>();
    private final Set<Node> changedNodes = new LinkedHashSet<>();

    public TrafficGraph(int maxNodes, int maxEdges, int maxPathsPerEdge) {
        this.maxNodes = maxNodes;
        this.maxEdges = maxEdges;
        this.maxPathsPerEdge = maxPathsPerEdge;
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
        record(hopEdges, client, proxy, status, durationNanos, bytes, path, nowMillis, true);
        if (target != null && target.kind() != NodeKind.PROXY && target.kind() != NodeKind.GATEWAY) {
            // The backend's own time is the latency of the proxy → service hop.
            record(hopEdges, proxy, target, status, originDurationNanos > 0 ? originDurationNanos : durationNanos,
                    bytes, path, nowMillis, true);
        }
        record(logicalEdges, client, target != null ? target : proxy, status, durationNanos, bytes, path, nowMillis,
                false);
    }

    private void record(Map<Node, Map<Node, Edge>> edges, Node from, Node to, int status, long nanos, long bytes,
                        String path, long nowMillis, boolean hop) {
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
                    edge = new Edge(overflowFrom, overflowTo);
                    out.put(overflowTo, edge);
                }
            } else {
                edge = new Edge(from, to);
                out.put(to, edge);
                if (hop) {
                    hopEdgeCount++;
                } else {
                    logicalEdgeCount++;
                }
            }
        }
        edge.stats().record(status, nanos, bytes, path, nowMillis, maxPathsPerEdge, pathPool);
        if (hop && !edge.dirty) {
            edge.dirty = true;
            dirtyEdges.add(edge);
        }
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
            e.dirty = false;
        }
        newNodes.clear();
        changedNodes.clear();
        dirtyEdges.clear();
        return changes;
    }

    /** Forgets what changed since the last call, as {@link #drainChanges} would but without building the lists. */
    public void discardChanges() {
        for (Edge e : dirtyEdges) {
            e.dirty = false;
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
