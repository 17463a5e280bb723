package io.trafficviz.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.graph.Edge;
import io.trafficviz.graph.Node;
import io.trafficviz.model.NodeId;
import io.trafficviz.model.NodeKind;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.ingest.Ingest;
import io.trafficviz.publish.http.NetworkInfo;
import io.trafficviz.publish.wire.NetworkInfoDoc;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The heap the graph needs at its limits' ceiling, in the whole app: a {@link TrafficvizApp} (20 servers, a public and
 * a private proxy each) whose graph is filled through the API the pipeline uses ({@code ensureNode}, {@code addAddress},
 * {@code recordRequest}) until every limit is reached:
 * <ul>
 *   <li>{@code maxNodes} nodes (the proxies and services);</li>
 *   <li>{@code maxEdges} hop edges and {@code maxEdges} logical edges (the caps are per view), plus the overflow edges
 *       between the servers' overflow nodes that the routes beyond the caps fold into;</li>
 *   <li>every edge holding {@code maxPathsPerEdge} paths of 40–55 characters, <b>distinct per edge</b> (the worst case:
 *       no text is shared between edges through {@code PathPool}). A line counts its path on all three edges of its
 *       route, so each edge is filled through a route whose two other edges are folded into overflow edges that are
 *       already full;</li>
 *   <li>latencies log-uniform from 1 ms to {@code LATENCY_MAX_S} (default 60 s, Traefik's default entry point read
 *       timeout; each edge's first request takes the longest), so each histogram is as wide as such an edge's gets;</li>
 *   <li>log time spanning ~10 minutes, so every edge's 300-second rate ring is allocated;</li>
 *   <li>the route table at its cap (4 × maxEdges + 1024 routes).</li>
 * </ul>
 * The app runs its web server (idle). Live heap is the used heap after {@code System.gc()} (a full collection with
 * G1; run with a heap large enough that
 * nothing else decides it, e.g. -Xmx3g), measured before and after each stage.
 *
 * <p>Then what the app allocates on top, per request, at the ceiling: a {@code /network_info} document (hop view) built
 * and serialised as the web server does, held while measured.
 *
 * <p>With {@code survive SECONDS}, the filled app then takes further traffic for that long (new paths on the edges'
 * routes, ~a tenth of them new routes, the graph's changes drained every 50 ms as the hub does, a {@code /network_info}
 * document built and serialised every second) and reports GC time and whether it ran out of memory: run it with the
 * recommended {@code -Xmx} to check the recommendation.
 *
 * <p>Usage: {@code GraphCeiling [fill|survive SECONDS] [MAX_NODES MAX_EDGES MAX_PATHS_PER_EDGE]}. Prints one JSON line.
 */
public final class GraphCeiling {
    private static final int SERVERS = 20;
    private static final long T0 = 1_790_000_000_000L;
    private static final String[] RESOURCES = {"orders", "customers", "invoices", "shipments", "catalogue", "payments",
            "accounts", "inventory"};
    private static final double LATENCY_MAX_S = Double.parseDouble(System.getProperty("latencyMaxSeconds", "60"));
    /** The factor between live heap and the recommended -Xmx: room for the young generation (see survive). */
    private static final double HEADROOM = 2.0;

    private final TrafficGraph graph;
    private final TrafficvizConfig.Limits limits;
    private final SplittableRandom random = new SplittableRandom(1);
    private final List<Node> proxies = new ArrayList<>();
    private final List<Node> workloads = new ArrayList<>();
    private final Map<Node, Integer> index = new IdentityHashMap<>();
    private long lines;
    /** Routes used to fill the edges, as node indexes (client, proxy, target or -1), for survive's traffic. */
    private int[] fillRoutes;
    private LongSet hop;
    private LongSet logical;
    private LongSet triples;
    private int fillRouteCount;

    private GraphCeiling(TrafficGraph graph, TrafficvizConfig.Limits limits) {
        this.graph = graph;
        this.limits = limits;
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "fill";
        int surviveSeconds = mode.equals("survive") ? Integer.parseInt(args[1]) : 0;
        int at = mode.equals("survive") ? 2 : 1;
        TrafficvizConfig.Limits limits = args.length >= at + 3
                ? new TrafficvizConfig.Limits(Integer.parseInt(args[at]), Integer.parseInt(args[at + 1]),
                TrafficvizConfig.Limits.DEFAULTS.maxUnknownPerGroup(), Integer.parseInt(args[at + 2]))
                : TrafficvizConfig.Limits.DEFAULTS;

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("maxHeapMb", mb(Runtime.getRuntime().maxMemory()));
        out.put("limits", Map.of("maxNodes", limits.maxNodes(), "maxEdges", limits.maxEdges(),
                "maxPathsPerEdge", limits.maxPathsPerEdge()));
        long empty = liveHeap();
        Path dir = Files.createTempDirectory("graph-ceiling");
        TrafficvizApp app = TrafficvizApp.create(ConfigLoader.parse(config(limits), dir), true);
        app.startWeb(); // idle (no client): what a running server holds besides its graph
        long appBaseline = liveHeap();
        out.put("appWithoutGraphMb", mb(appBaseline - empty));

        Ingest pipeline = app.ingest();
        GraphCeiling fill = new GraphCeiling(underIngestLock(pipeline, g -> g), limits);
        long t = System.nanoTime();
        Map<String, Object> stages = new LinkedHashMap<>();
        underIngestLock(pipeline, g -> {
            fill.fill(stages);
            return null;
        });
        out.put("fillSeconds", Math.round((System.nanoTime() - t) / 1e8) / 10.0);
        long filled = liveHeap();
        long graphBytes = filled - appBaseline;
        out.putAll(stages);
        out.put("lines", fill.lines);
        out.put("graphLiveHeapMb", mb(graphBytes));
        int edges = (int) stages.get("hopEdges") + (int) stages.get("logicalEdges")
                + (int) stages.get("overflowHopEdges") + (int) stages.get("overflowLogicalEdges");
        out.put("bytesPerEdgeAllIn", graphBytes / edges);
        out.put("appLiveHeapMb", mb(filled - empty));
        long recommended = (long) (HEADROOM * (filled - empty));
        out.put("recommendedXmxMb", roundUp64(mb(recommended)));

        // What one /network_info request adds at the ceiling, while it is being answered.
        NetworkInfo info = app.networkInfo();
        t = System.nanoTime();
        NetworkInfoDoc doc = info.document(false, pipeline.rateClock());
        long buildMillis = (System.nanoTime() - t) / 1_000_000;
        byte[] json = new ObjectMapper().writeValueAsBytes(doc);
        long withDoc = liveHeap();
        out.put("networkInfoDocumentMb", mb(withDoc - filled));
        out.put("networkInfoJsonMb", mb(json.length));
        out.put("networkInfoBuildMillisUnderLock", buildMillis);
        doc = null;
        json = null;

        if (surviveSeconds > 0) {
            out.put("survive", fill.survive(app, surviveSeconds));
        }
        out.put("load", Bench.loadAverage());
        System.out.println(new ObjectMapper().writeValueAsString(out));
        app.close();
        System.exit(0);
    }

    private static String config(TrafficvizConfig.Limits limits) {
        StringBuilder yaml = new StringBuilder("listen: 127.0.0.1:0\nlimits:\n")
                .append("  maxNodes: ").append(limits.maxNodes()).append('\n')
                .append("  maxEdges: ").append(limits.maxEdges()).append('\n')
                .append("  maxPathsPerEdge: ").append(limits.maxPathsPerEdge()).append('\n')
                .append("servers:\n");
        for (int s = 0; s < SERVERS; s++) {
            yaml.append("  - name: server-").append(s).append("\n    proxies:\n")
                    .append("      - {name: public-proxy, role: public, network: public-net}\n")
                    .append("      - {name: private-proxy, role: private, network: private-net}\n");
        }
        return yaml.toString();
    }

    private void fill(Map<String, Object> stages) {
        // The bench's own bookkeeping is allocated at its final size before the first measurement, and dropped before
        // the last, so that no stage's figure includes it.
        hop = new LongSet(4 * limits.maxEdges());
        logical = new LongSet(4 * limits.maxEdges());
        triples = new LongSet(10 * limits.maxEdges() + 500 * SERVERS * SERVERS);
        fillRoutes = new int[6 * limits.maxEdges()];
        long beforeNodes = live();
        for (Node n : graph.nodes()) {
            if (n.kind() == NodeKind.PROXY) {
                index.put(n, -1 - proxies.size());
                proxies.add(n);
            }
        }
        for (int i = 0; graph.nodes().size() < limits.maxNodes(); i++) {
            int server = i % SERVERS;
            String name = RESOURCES[i % RESOURCES.length] + "-service-" + i;
            Node n = graph.ensureNode(NodeId.service("server-" + server, name), "private-net");
            graph.addAddress(n, "10." + server + "." + (i / 250) + "." + (i % 250 + 2));
            index.put(n, workloads.size());
            workloads.add(n);
        }
        stages.put("nodes", graph.nodes().size());
        long afterNodes = live();
        stages.put("bytesPerNode", (afterNodes - beforeNodes) / (limits.maxNodes() - proxies.size()));

        // 1. Edges up to both caps, without paths: routes client → proxy → a service on the proxy's server, callers
        // from any server. Two requests per route a second apart (the rate ring), the first with the longest latency.
        LongSet hop = this.hop;
        LongSet logical = this.logical;
        LongSet triples = this.triples;
        while (true) {
            for (int k = 0; k < 500; k++) {
                Node c = workload();
                Node p = proxy();
                Node tgt = workloadOn(p.server());
                if (tgt == c) {
                    continue;
                }
                triples.add(triple(c, p, tgt));
                send(c, p, tgt, null, (long) (LATENCY_MAX_S * 1e9), 0);
                send(c, p, tgt, null, latencyNanos(), 1000);
            }
            if (realEdges(graph.hopEdges(), hop) >= limits.maxEdges()
                    && realEdges(graph.logicalEdges(), logical) >= limits.maxEdges()) {
                break;
            }
        }
        // 2. Fill the overflow edges, through routes all of whose edges fold into them (so no real edge takes these).
        int overflowLines = 250 * SERVERS * SERVERS;
        for (int n = 0; n < overflowLines; ) {
            Node c = workload();
            Node p = proxy();
            Node tgt = random.nextInt(10) == 0 ? null : workload();
            if (tgt == c || hop.contains(key(c, p)) || (tgt != null && hop.contains(key(p, tgt)))
                    || logical.contains(key(c, tgt == null ? p : tgt))) {
                continue;
            }
            triples.add(triple(c, p, tgt));
            send(c, p, tgt, path("overflow", n, 0), latencyNanos(), 0);
            n++;
        }
        int fullOverflow = 0;
        int overflowHop = 0;
        int overflowLogical = 0;
        for (Edge e : graph.hopEdges()) {
            if (overflow(e)) {
                overflowHop++;
                fullOverflow += e.stats().paths().containsKey("(other)") ? 1 : 0;
            }
        }
        for (Edge e : graph.logicalEdges()) {
            if (overflow(e)) {
                overflowLogical++;
                fullOverflow += e.stats().paths().containsKey("(other)") ? 1 : 0;
            }
        }
        long afterEdges = live();
        int allEdges = hop.size() + logical.size() + overflowHop + overflowLogical;
        // Routes (up to 2 per edge at the cap) and the overflow edges' paths are counted in here, shared by the edges.
        stages.put("bytesPerEdgeWithoutPaths", (afterEdges - afterNodes) / allEdges);
        // 3. maxPathsPerEdge paths on every real edge, each edge's own: the route's other edges are full overflow edges.
        int edgeNo = 0;
        for (Edge e : graph.hopEdges()) {
            if (overflow(e)) {
                continue;
            }
            Node c;
            Node p;
            Node tgt;
            if (e.source().kind() == NodeKind.PROXY) {
                p = e.source();
                tgt = e.target();
                do {
                    c = workload();
                } while (c == tgt || hop.contains(key(c, p)) || logical.contains(key(c, tgt)));
            } else {
                c = e.source();
                p = e.target();
                tgt = null; // the proxy answered: the logical edge c → p, which no real route made
            }
            fillEdge(c, p, tgt, edgeNo++, triples);
        }
        for (Edge e : graph.logicalEdges()) {
            if (overflow(e)) {
                continue;
            }
            Node c = e.source();
            Node tgt = e.target();
            Node p;
            do {
                p = proxy();
            } while (hop.contains(key(c, p)) || hop.contains(key(p, tgt)));
            fillEdge(c, p, tgt, edgeNo++, triples);
        }
        graph.discardChanges();
        stages.put("hopEdges", hop.size());
        stages.put("logicalEdges", logical.size());
        stages.put("overflowHopEdges", overflowHop);
        stages.put("overflowLogicalEdges", overflowLogical);
        stages.put("overflowEdgesFullBeforePaths", fullOverflow);
        stages.put("distinctRoutesSent", triples.size());
        stages.put("routesKept", Math.min(triples.size(), 4L * limits.maxEdges() + 1024));
        int full = 0;
        long pathsHeld = 0;
        for (List<Edge> view : List.of(graph.hopEdges(), graph.logicalEdges())) {
            for (Edge e : view) {
                Map<String, long[]> paths = e.stats().paths();
                pathsHeld += paths.size() - (paths.containsKey("(other)") ? 1 : 0);
                full += paths.size() - (paths.containsKey("(other)") ? 1 : 0) >= limits.maxPathsPerEdge() ? 1 : 0;
            }
        }
        stages.put("edgesWithAllPaths", full);
        stages.put("pathsHeld", pathsHeld);
        long afterPaths = live();
        stages.put("bytesPerPath", (afterPaths - afterEdges) / ((long) (hop.size() + logical.size()) * limits.maxPathsPerEdge()));
        stages.put("logSeconds", (lines / 7 + 1000) / 1000);
        this.hop = null;
        this.logical = null;
        this.triples = null;
    }

    private void fillEdge(Node c, Node p, Node tgt, int edgeNo, LongSet triples) {
        triples.add(triple(c, p, tgt));
        fillRoutes[fillRouteCount++] = index.get(c);
        fillRoutes[fillRouteCount++] = index.get(p);
        fillRoutes[fillRouteCount++] = tgt == null ? Integer.MIN_VALUE : index.get(tgt);
        for (int i = 0; i < limits.maxPathsPerEdge(); i++) {
            send(c, p, tgt, path(RESOURCES[edgeNo % RESOURCES.length], edgeNo, i), latencyNanos(), 0);
        }
    }

    /** Counts the edges not folded into overflow and notes them (by their nodes' indexes) in {@code keys}. */
    private int realEdges(List<Edge> edges, LongSet keys) {
        int n = 0;
        for (Edge e : edges) {
            if (!overflow(e)) {
                keys.add(key(e.source(), e.target()));
                n++;
            }
        }
        return n;
    }

    private static boolean overflow(Edge e) {
        return e.source().nodeId().isOverflow() || e.target().nodeId().isOverflow();
    }

    private long key(Node a, Node b) {
        return (long) index.get(a) << 32 ^ (index.get(b) & 0xFFFF_FFFFL);
    }

    private long triple(Node c, Node p, Node tgt) {
        return ((long) index.get(c) << 40) ^ ((long) (index.get(p) & 0xFFFF) << 20) ^ (tgt == null ? 0xFFFFF : index.get(tgt));
    }

    private Node workload() {
        return workloads.get(random.nextInt(workloads.size()));
    }

    private Node proxy() {
        return proxies.get(random.nextInt(proxies.size()));
    }

    private Node workloadOn(String server) {
        int s = Integer.parseInt(server.substring("server-".length()));
        int perServer = (workloads.size() - s + SERVERS - 1) / SERVERS;
        return workloads.get(s + SERVERS * random.nextInt(perServer));
    }

    /** 40–55 characters, like a REST path with ids: distinct for each (edge, i). */
    private static String path(String resource, int edgeNo, int i) {
        return "/api/v2/" + resource + "/" + (100_000 + edgeNo) + "/items/" + (1000 + i) + "/details?expand=lines";
    }

    /** Log-uniform from 1 ms to LATENCY_MAX_S. */
    private long latencyNanos() {
        return (long) (1e6 * Math.exp(random.nextDouble() * Math.log(LATENCY_MAX_S * 1000)));
    }

    /**
     * Runs {@code action} on the app's graph under ingest's lock. The bench fills the graph directly (millions of
     * requests without parsing them); ingest's lock and graph are private, as nothing in the product may reach them, so
     * the bench takes them by reflection.
     */
    static <T> T underIngestLock(Ingest ingest, java.util.function.Function<TrafficGraph, T> action) {
        try {
            java.lang.reflect.Field lockField = Ingest.class.getDeclaredField("lock");
            java.lang.reflect.Field graphField = Ingest.class.getDeclaredField("graph");
            lockField.setAccessible(true);
            graphField.setAccessible(true);
            java.util.concurrent.locks.Lock lock = (java.util.concurrent.locks.Lock) lockField.get(ingest);
            lock.lock();
            try {
                return action.apply((TrafficGraph) graphField.get(ingest));
            } finally {
                lock.unlock();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Ingest's lock or graph moved: update GraphCeiling", e);
        }
    }

    private void send(Node c, Node p, Node tgt, String path, long nanos, long laterMillis) {
        long now = T0 + lines / 7 + laterMillis; // ~7,000 lines per second of log time
        int status = random.nextInt(20) == 0 ? 502 : 200;
        graph.recordRequest(c, p, tgt, status, nanos, nanos - 1000, 1234, path, now);
        lines++;
    }

    /** Further traffic on the filled app for {@code seconds}; GC time and heap as it goes. */
    private Map<String, Object> survive(TrafficvizApp app, int seconds) throws Exception {
        Ingest pipeline = app.ingest();
        ObjectMapper json = new ObjectMapper();
        long gcMillis0 = gcMillis();
        long gcCount0 = gcCount();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long nextDrain = start;
        long nextDoc = start;
        long sent = 0;
        long docs = 0;
        long peakUsed = 0;
        String status = "ok";
        int[] routes = fillRoutes;
        int n = fillRouteCount / 3;
        try {
            while (System.nanoTime() < end) {
                underIngestLock(pipeline, g -> {
                    for (int k = 0; k < 1000; k++) {
                        int r = 3 * random.nextInt(n);
                        Node c = node(routes[r]);
                        Node p = node(routes[r + 1]);
                        Node tgt = routes[r + 2] == Integer.MIN_VALUE ? null : node(routes[r + 2]);
                        if (random.nextInt(10) == 0) {
                            tgt = workload(); // a route not seen before: the table is full, its edges fold
                        }
                        send(c, p, tgt == c ? null : tgt, path("survive", (int) (lines % 1_000_000), k), latencyNanos(), 0);
                    }
                    return null;
                });
                sent += 1000;
                long now = System.nanoTime();
                if (now >= nextDrain) {
                    underIngestLock(pipeline, TrafficGraph::drainChanges);
                    nextDrain = now + 50_000_000L;
                }
                if (now >= nextDoc) {
                    byte[] body = json.writeValueAsBytes(app.networkInfo().document(false, pipeline.rateClock()));
                    docs += body.length > 0 ? 1 : 0;
                    nextDoc = now + 1_000_000_000L;
                }
                peakUsed = Math.max(peakUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
        } catch (OutOfMemoryError e) {
            status = "OutOfMemoryError";
        }
        double wall = (System.nanoTime() - start) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", status);
        r.put("seconds", Math.round(wall * 10) / 10.0);
        r.put("lines", sent);
        r.put("linesPerSecond", Math.round(sent / wall));
        r.put("networkInfoDocuments", docs);
        r.put("gcCount", gcCount() - gcCount0);
        r.put("gcPercentOfWall", Math.round((gcMillis() - gcMillis0) / (wall * 10)));
        r.put("peakUsedHeapMb", mb(peakUsed));
        return r;
    }

    private Node node(int i) {
        return i >= 0 ? workloads.get(i) : proxies.get(-1 - i);
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static long gcCount() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionCount());
        }
        return total;
    }

    private static long live() {
        try {
            return liveHeap();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Used heap after full collections (G1: System.gc() is one), the lowest of a few. */
    static long liveHeap() throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    /** A fixed-size set of longs (Long.MIN_VALUE is never a key): no allocation as it fills. */
    private static final class LongSet {
        private final long[] slots;
        private int size;

        LongSet(int capacity) {
            slots = new long[Integer.highestOneBit(Math.max(16, capacity)) * 2];
            Arrays.fill(slots, Long.MIN_VALUE);
        }

        void add(long key) {
            int i = slot(key);
            while (slots[i] != Long.MIN_VALUE) {
                if (slots[i] == key) {
                    return;
                }
                i = (i + 1) & (slots.length - 1);
            }
            if (++size * 4 > slots.length * 3) {
                throw new IllegalStateException("LongSet too small");
            }
            slots[i] = key;
        }

        boolean contains(long key) {
            int i = slot(key);
            while (slots[i] != Long.MIN_VALUE) {
                if (slots[i] == key) {
                    return true;
                }
                i = (i + 1) & (slots.length - 1);
            }
            return false;
        }

        int size() {
            return size;
        }

        private int slot(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29)) & (slots.length - 1);
        }
    }

    private static double mb(long bytes) {
        return Math.round(bytes / 1e5) / 10.0;
    }

    private static long roundUp64(double mb) {
        return (long) Math.ceil(mb / 64) * 64;
    }
}
