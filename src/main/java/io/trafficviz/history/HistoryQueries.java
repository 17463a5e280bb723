package io.trafficviz.history;

import io.trafficviz.graph.Edge;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.model.NodeFact;
import io.trafficviz.model.NodeId;
import io.trafficviz.model.RequestEvent;
import io.trafficviz.model.Route;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.OutsiderSnapshot;
import io.trafficviz.telemetry.RouterTraffic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What the store answers: a window as a graph ({@link #window}), request and error counts over time
 * ({@link #timeline}) and the access log, newest first, page by page ({@link #requests}). Any thread; each call on a
 * connection of its own.
 */
public final class HistoryQueries {
    /** The most buckets a timeline answers: a finer step over a long range is widened to fit. */
    public static final int MAX_BUCKETS = 10_000;
    public static final int MAX_PAGE = 1_000;

    private final HistoryStore store;
    private final List<NodeFact> proxyFacts;
    private final int maxNodes;
    private final int maxEdges;
    private final int maxPathsPerEdge;

    /**
     * @param proxyFacts the configured proxies' nodes, declared in every window's graph as in the live one
     */
    public HistoryQueries(HistoryStore store, List<NodeFact> proxyFacts, int maxNodes, int maxEdges,
                          int maxPathsPerEdge) {
        this.store = store;
        this.proxyFacts = List.copyOf(proxyFacts);
        this.maxNodes = maxNodes;
        this.maxEdges = maxEdges;
        this.maxPathsPerEdge = maxPathsPerEdge;
    }

    /** The same store and proxies with other graph limits (tests: a window past its caps). */
    HistoryQueries withLimits(int nodes, int edges, int pathsPerEdge) {
        return new HistoryQueries(store, proxyFacts, nodes, edges, pathsPerEdge);
    }

    /** A route of the store as the graph takes it, with the facts that place its nodes (applied once per window). */
    private record Placed(Route route, List<NodeFact> facts, String proxyKey) {
    }

    /** How far back the graph's rates look from a window's end: requests before that need not reach them. */
    private static final long RATE_LOOKBACK_MILLIS = 300_000;

    /**
     * The requests that started in {@code [fromMillis, toMillis)} counted into a fresh graph, in the order they were
     * stored: the same counts a replay of exactly those lines gives. Rates are evaluated at {@code toMillis}.
     *
     * <p>The store does the part of counting that is per path: each request's numbers are read in stored order and
     * counted without their paths (and, when older than the 300 s the rates look back on, without their rates); each
     * edge's paths are then summed by DuckDB, which keeps, as an edge does, the first {@code maxPathsPerEdge} distinct
     * paths (the rest under (other)), and hands over the five busiest of them ({@link #countPaths}). When the
     * window's graph reached its node or edge caps, an edge is no longer a function of the stored route (overflow
     * nodes and edges stand in by arrival order) and the window is counted request by request instead ({@link #feed}).
     */
    public NetworkSnapshot window(long fromMillis, long toMillis, boolean logical) throws SQLException {
        // Both reads see the same requests, whatever the writer appends meanwhile (a window up to now): seq grows.
        long lastSeq;
        try (Connection c = store.reader()) {
            lastSeq = maxSeq(c);
        }
        // DuckDB sums the paths on its threads while this one counts the rest.
        CompletableFuture<List<EdgePaths>> paths = CompletableFuture.supplyAsync(() -> {
            try {
                return topPaths(fromMillis, toMillis, lastSeq, logical);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        });
        Counted fast;
        try {
            fast = countWithoutPaths(fromMillis, toMillis, lastSeq, logical);
        } catch (SQLException | RuntimeException e) {
            paths.cancel(false);
            throw e;
        }
        List<EdgePaths> sums = join(paths);
        if (fast.graph().overflowedNodes() == 0 && fast.graph().overflowedEdges() == 0) {
            countPaths(fast.graph(), sums, logical);
            return fast.snapshot(logical, toMillis);
        }
        return countOneByOne(fromMillis, toMillis).snapshot(logical, toMillis);
    }

    private static List<EdgePaths> join(CompletableFuture<List<EdgePaths>> paths) throws SQLException {
        try {
            return paths.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
    }

    /** The window as {@link #window} counts it past the caps, request by request (tests). */
    NetworkSnapshot countedOneByOne(long fromMillis, long toMillis, boolean logical) throws SQLException {
        return countOneByOne(fromMillis, toMillis).snapshot(logical, toMillis);
    }

    /** A window's graph and what its document says beside the edges. */
    private record Counted(TrafficGraph graph, long rows, long last, Map<String, Long> outsidersByProxy) {
        NetworkSnapshot snapshot(boolean logical, long toMillis) {
            long outsiders = outsidersByProxy.values().stream().mapToLong(Long::longValue).sum();
            IngestTotals totals = new IngestTotals(rows, 0, 0, last, List.of());
            return NetworkSnapshot.of(graph, logical, toMillis, totals,
                    new OutsiderSnapshot(outsiders, outsidersByProxy, List.of()));
        }
    }

    /** The window counted into a fresh graph request by request, paths included, as a replay counts it. */
    private Counted countOneByOne(long fromMillis, long toMillis) throws SQLException {
        TrafficGraph graph = new TrafficGraph(maxNodes, maxEdges, maxPathsPerEdge);
        proxyFacts.forEach(graph::apply);
        long[] last = new long[1];
        Map<String, Long> outsidersByProxy = new LinkedHashMap<>();
        long rows = feed(fromMillis, toMillis, new Sink() {
            @Override
            public void apply(NodeFact fact) {
                graph.apply(fact);
            }

            @Override
            public void record(Route route, int status, long durationNanos, long originNanos, long bytes, String path,
                               long time, String proxyKey) {
                graph.record(route, status, durationNanos, originNanos, bytes, path, time);
                last[0] = Math.max(last[0], time);
                if (route.outsider()) {
                    outsidersByProxy.merge(proxyKey, 1L, Long::sum);
                }
            }
        });
        return new Counted(graph, rows, last[0], outsidersByProxy);
    }

    /**
     * The window counted into a fresh graph without the paths, only on the edges of the view it is drawn as, and rates
     * only from the requests of its last 300 s: the store's numbers in stored order, each route placed (its facts
     * applied) where it first comes, as {@link #feed} does, and its edges looked up once.
     */
    private Counted countWithoutPaths(long fromMillis, long toMillis, long lastSeq, boolean logical)
            throws SQLException {
        TrafficGraph graph = new TrafficGraph(maxNodes, maxEdges, maxPathsPerEdge);
        proxyFacts.forEach(graph::apply);
        long last = 0;
        long rows = 0;
        Map<String, Long> outsidersByProxy = new LinkedHashMap<>();
        long rateFrom = toMillis - RATE_LOOKBACK_MILLIS;
        Placed[] placed = new Placed[64];
        TrafficGraph.Hops[] hops = new TrafficGraph.Hops[64];
        try (Connection c = store.reader();
             PreparedStatement ps = c.prepareStatement("SELECT route, time_ms, status, duration_us, origin_us, bytes"
                     + " FROM requests WHERE time_ms >= ? AND time_ms < ? AND seq <= ? ORDER BY seq")) {
            ps.setLong(1, fromMillis);
            ps.setLong(2, toMillis);
            ps.setLong(3, lastSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int routeId = rs.getInt(1);
                    if (routeId >= placed.length) {
                        placed = Arrays.copyOf(placed, Math.max(routeId + 1, placed.length * 2));
                        hops = Arrays.copyOf(hops, placed.length);
                    }
                    Placed p = placed[routeId];
                    if (p == null) {
                        p = place(routeId);
                        placed[routeId] = p;
                        p.facts().forEach(graph::apply);
                        hops[routeId] = graph.hops(p.route());
                    }
                    long time = rs.getLong(2);
                    int status = rs.getInt(3);
                    long durationNanos = rs.getLong(4) * 1000;
                    long originMicros = rs.getLong(5);
                    long originNanos = rs.wasNull() ? 0 : originMicros * 1000 + 999;
                    graph.recordWithoutPath(hops[routeId], status, durationNanos, originNanos, rs.getLong(6), time,
                            time >= rateFrom, logical);
                    last = Math.max(last, time);
                    if (p.route().outsider()) {
                        outsidersByProxy.merge(p.proxyKey(), 1L, Long::sum);
                    }
                    rows++;
                }
            }
        }
        return new Counted(graph, rows, last, outsidersByProxy);
    }

    /*
     * Per edge of the view: the window's paths (without their queries, as the graph counts them) with their counts and
     * first arrival; the first maxPathsPerEdge of them by arrival are the ones the edge holds; of those the five
     * busiest (ties by text, as PathCounts.top), with the sum of all held and of all counted, whose difference is
     * (other). An edge's id is its two node ids, as TrafficGraph names edges; a hop to a target that is itself a
     * proxy is counted from that proxy's own line (TrafficGraph.newRoute), so routes to proxy: ids have no target hop.
     */
    private static final String EDGES_HOPS = "SELECT id AS route, caller || '->' || proxy AS edge FROM routes"
            + " UNION ALL SELECT id, proxy || '->' || target FROM routes"
            + " WHERE target IS NOT NULL AND NOT starts_with(target, 'proxy:')";
    private static final String EDGES_LOGICAL = "SELECT id AS route, caller || '->' || coalesce(target, proxy) AS edge"
            + " FROM routes";
    private static final String TOP_PATHS = "WITH re AS (%s),"
            + " en AS (SELECT edge, row_number() OVER () AS n FROM (SELECT DISTINCT edge FROM re)),"
            + " rn AS (SELECT re.route, en.n FROM re JOIN en USING (edge)),"
            + " w AS (SELECT route, seq, split_part(path, '?', 1) AS p FROM requests"
            + "       WHERE time_ms >= ? AND time_ms < ? AND seq <= ? AND path IS NOT NULL),"
            + " g AS (SELECT rn.n, w.p, count(*) AS c, min(w.seq) AS first FROM w JOIN rn USING (route)"
            + "       GROUP BY rn.n, w.p),"
            + " h AS (SELECT n, p, c, row_number() OVER (PARTITION BY n ORDER BY first) AS arrived,"
            + "       sum(c) OVER (PARTITION BY n) AS counted FROM g),"
            + " k AS (SELECT n, p, c, counted, row_number() OVER (PARTITION BY n ORDER BY c DESC, p) AS rank,"
            + "       sum(c) OVER (PARTITION BY n) AS held FROM h WHERE arrived <= ?)"
            + " SELECT en.edge, k.p, k.c, k.held, k.counted FROM k JOIN en USING (n) WHERE k.rank <= ?";

    /** One of an edge's five busiest paths in a window, with the sums of the paths it holds and of all it counted. */
    private record EdgePaths(String edge, String path, long count, long held, long counted) {
    }

    /** Each edge's busiest paths of the window, from the store's sums (see {@link #TOP_PATHS}). */
    private List<EdgePaths> topPaths(long fromMillis, long toMillis, long lastSeq, boolean logical)
            throws SQLException {
        List<EdgePaths> out = new ArrayList<>();
        try (Connection c = store.reader();
             PreparedStatement ps = c.prepareStatement(String.format(TOP_PATHS, logical ? EDGES_LOGICAL : EDGES_HOPS))) {
            ps.setLong(1, fromMillis);
            ps.setLong(2, toMillis);
            ps.setLong(3, lastSeq);
            ps.setLong(4, maxPathsPerEdge);
            ps.setLong(5, NetworkSnapshot.TOP_PATHS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new EdgePaths(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5)));
                }
            }
        }
        return out;
    }

    /** Counts the sums into the window's edges: their five busiest paths, and the rest of what they held as (other). */
    private static void countPaths(TrafficGraph graph, List<EdgePaths> sums, boolean logical) {
        Map<String, Edge> edges = new HashMap<>();
        for (Edge e : logical ? graph.logicalEdges() : graph.hopEdges()) {
            edges.put(e.id(), e);
        }
        Map<Edge, Long> other = new HashMap<>();
        for (EdgePaths p : sums) {
            Edge edge = edges.get(p.edge());
            if (edge == null) {
                throw new IllegalStateException("the store names edge " + p.edge() + ", which the window's graph lacks");
            }
            graph.countPaths(edge, p.path(), p.count());
            other.put(edge, p.counted() - p.held());
        }
        other.forEach((edge, count) -> {
            if (count > 0) {
                graph.countPaths(edge, null, count);
            }
        });
    }

    /** Takes the stored requests as a graph does: the facts that place a route's nodes first, then each request. */
    public interface Sink {
        void apply(NodeFact fact);

        /** @param proxyKey {@code server/proxy} */
        void record(Route route, int status, long durationNanos, long originNanos, long bytes, String path, long time,
                    String proxyKey);
    }

    /**
     * Hands every request that started in {@code [fromMillis, toMillis)} to {@code sink}, in the order they were
     * stored, as the graph counts them (durations in the µs it keeps, paths without their queries); returns how many.
     */
    public long feed(long fromMillis, long toMillis, Sink sink) throws SQLException {
        Placed[] placed = new Placed[64];
        long rows = 0;
        try (Connection c = store.reader();
             PreparedStatement ps = c.prepareStatement("SELECT route, time_ms, status, duration_us, origin_us, bytes,"
                     + " path FROM requests WHERE time_ms >= ? AND time_ms < ? ORDER BY seq")) {
            ps.setLong(1, fromMillis);
            ps.setLong(2, toMillis);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int routeId = rs.getInt(1);
                    if (routeId >= placed.length) {
                        placed = Arrays.copyOf(placed, Math.max(routeId + 1, placed.length * 2));
                    }
                    Placed p = placed[routeId];
                    if (p == null) {
                        p = place(routeId);
                        placed[routeId] = p;
                        p.facts().forEach(sink::apply);
                    }
                    long time = rs.getLong(2);
                    int status = rs.getInt(3);
                    long durationNanos = rs.getLong(4) * 1000;
                    long originMicros = rs.getLong(5);
                    // Stored in µs, which is what the graph keeps: any positive time comes back as the same µs.
                    long originNanos = rs.wasNull() ? 0 : originMicros * 1000 + 999;
                    long bytes = rs.getLong(6);
                    String path = withoutQuery(rs.getString(7));
                    sink.record(p.route(), status, durationNanos, originNanos, bytes, path, time, p.proxyKey());
                    rows++;
                }
            }
        }
        return rows;
    }

    private Placed place(int routeId) {
        HistoryStore.RouteKey key = store.route(routeId);
        if (key == null) {
            throw new IllegalStateException("history row names route " + routeId + ", which the store lacks");
        }
        NodeId caller = NodeId.parse(key.caller());
        NodeId proxy = NodeId.parse(key.proxy());
        NodeId target = key.target() == null ? null : NodeId.parse(key.target());
        List<NodeFact> facts = new ArrayList<>(3);
        facts.add(new NodeFact.Declared(caller, network(key.callerNetwork(), caller)));
        if (target != null) {
            facts.add(new NodeFact.Declared(target, network(key.targetNetwork(), target)));
        }
        if (key.outsider()) {
            facts.add(new NodeFact.Outsider(caller));
        }
        return new Placed(new Route(caller, proxy, target, key.outsider()), facts,
                key.server() + "/" + key.proxyName());
    }

    private static String network(String stored, NodeId id) {
        if (stored != null) {
            return stored;
        }
        return id.network() == null ? "" : id.network();
    }

    /** As the parser's {@code pathWithoutQuery}: the graph counts paths without their queries. */
    static String withoutQuery(String path) {
        if (path == null) {
            return null;
        }
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** One bucket of the timeline: requests that started in {@code [start, start + step)}. */
    public record Bucket(long start, long requests, long errors) {
    }

    /** The store's time range, or null when it is empty. */
    public long[] range() throws SQLException {
        try (Connection c = store.reader();
             PreparedStatement ps = c.prepareStatement("SELECT min(time_ms), max(time_ms) FROM requests");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long min = rs.getLong(1);
            return rs.wasNull() ? null : new long[] {min, rs.getLong(2)};
        }
    }

    /** Request and error counts per {@code stepMillis} bucket over {@code [fromMillis, toMillis)}; empty ones left out. */
    public List<Bucket> timeline(long fromMillis, long toMillis, long stepMillis) throws SQLException {
        List<Bucket> out = new ArrayList<>();
        try (Connection c = store.reader();
             PreparedStatement ps = c.prepareStatement("SELECT (time_ms - ?) // ? AS b, count(*),"
                     + " count(*) FILTER (WHERE status < 200 OR status > 399) FROM requests"
                     + " WHERE time_ms >= ? AND time_ms < ? GROUP BY b ORDER BY b")) {
            ps.setLong(1, fromMillis);
            ps.setLong(2, stepMillis);
            ps.setLong(3, fromMillis);
            ps.setLong(4, toMillis);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Bucket(fromMillis + rs.getLong(1) * stepMillis, rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    /**
     * Which requests a page of the access log lists. Null fields do not filter.
     *
     * @param caller      a caller's node id, or text its label contains (any case)
     * @param target      the same, of the target (or the proxy, when it answered itself)
     * @param statusClass {@code 1xx} to {@code 5xx}, or {@code error} (the graph's rule: below 200 or above 399)
     * @param path        text the path (query included) contains
     * @param before      the page's cursor: only requests stored before this one (its {@code seq})
     */
    public record Filter(String caller, String target, String statusClass, String path, Long fromMillis,
                         Long toMillis, Long before) {
    }

    /** A page of requests, newest first, and the cursor of the next (older) page, or null when there is none. */
    public record Page(List<RequestEvent> rows, Long next) {
    }

    public Page requests(Filter f, int limit) throws SQLException {
        return requests(f, limit, false);
    }

    /**
     * A page in either order. Oldest first (a window's playback) reads the filter's cursor as "stored after this one"
     * and gives the cursor of the next (newer) page.
     */
    public Page requests(Filter f, int limit, boolean oldestFirst) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT seq, time_ms, route, status, duration_us, method, host, path"
                + " FROM requests WHERE true");
        List<Object> args = new ArrayList<>();
        if (f.caller() != null || f.target() != null) {
            List<Integer> routes = matchingRoutes(f.caller(), f.target());
            if (routes.isEmpty()) {
                return new Page(List.of(), null);
            }
            sql.append(" AND route IN (");
            for (int i = 0; i < routes.size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
                args.add(routes.get(i));
            }
            sql.append(')');
        }
        if (f.statusClass() != null) {
            if (f.statusClass().equals("error")) {
                sql.append(" AND (status < 200 OR status > 399)");
            } else {
                int hundreds = f.statusClass().charAt(0) - '0';
                sql.append(" AND status >= ? AND status < ?");
                args.add(hundreds * 100);
                args.add(hundreds * 100 + 100);
            }
        }
        if (f.path() != null) {
            sql.append(" AND contains(path, ?)");
            args.add(f.path());
        }
        if (f.fromMillis() != null) {
            sql.append(" AND time_ms >= ?");
            args.add(f.fromMillis());
        }
        if (f.toMillis() != null) {
            sql.append(" AND time_ms < ?");
            args.add(f.toMillis());
        }
        // Through the store in slices of seq, each four times the last: seq is the order rows were stored in, so a
        // slice is a range DuckDB's min/max per row group finds without scanning the rest, and a page of a selective
        // filter over a large store reads the rows next to the cursor, not all of them.
        sql.append(oldestFirst ? " AND seq >= ? AND seq < ? ORDER BY seq LIMIT ?"
                : " AND seq >= ? AND seq < ? ORDER BY seq DESC LIMIT ?");
        List<RequestEvent> rows = new ArrayList<>();
        Long next = null;
        try (Connection c = store.reader(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            long end = maxSeq(c) + 1;
            // Newest first walks down from the cursor (exclusive), oldest first up from just after it.
            long edge = oldestFirst ? (f.before() != null ? f.before() + 1 : 0) : (f.before() != null ? f.before() : end);
            long span = 65_536;
            while (next == null && (oldestFirst ? edge < end : edge > 0)) {
                long lower = oldestFirst ? edge : Math.max(0, edge - span);
                long upper = oldestFirst ? Math.min(end, edge + span) : edge;
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                ps.setLong(args.size() + 1, lower);
                ps.setLong(args.size() + 2, upper);
                ps.setInt(args.size() + 3, limit + 1 - rows.size());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        if (rows.size() == limit) {
                            next = rows.get(rows.size() - 1).seq();
                            break;
                        }
                        rows.add(event(seq, rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getLong(5),
                                rs.getString(6), rs.getString(7), rs.getString(8)));
                    }
                }
                edge = oldestFirst ? upper : lower;
                span *= 4;
            }
        }
        return new Page(rows, next);
    }

    private static long maxSeq(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM requests");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private RequestEvent event(long seq, long time, int routeId, int status, long durationMicros, String method,
                               String host, String path) {
        HistoryStore.RouteKey key = store.route(routeId);
        NodeId caller = NodeId.parse(key.caller());
        NodeId proxy = NodeId.parse(key.proxy());
        NodeId to = key.target() == null ? proxy : NodeId.parse(key.target());
        return new RequestEvent(seq, time, key.server(), key.network(), key.proxyName(), caller.label(), to.label(),
                caller.text(), proxy.text(), to.text(), method, host, path, status, durationMicros / 1000.0,
                status < 200 || status > 399, key.target() == null, key.outsider());
    }

    private List<Integer> matchingRoutes(String caller, String target) {
        List<Integer> out = new ArrayList<>();
        for (int id = 1; ; id++) {
            HistoryStore.RouteKey key = store.route(id);
            if (key == null) {
                break;
            }
            String to = key.target() == null ? key.proxy() : key.target();
            if (matches(caller, key.caller()) && matches(target, to)) {
                out.add(id);
            }
        }
        return out;
    }

    private static boolean matches(String wanted, String idText) {
        if (wanted == null) {
            return true;
        }
        if (wanted.equals(idText)) {
            return true;
        }
        String label = NodeId.parse(idText).label();
        return label.toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT));
    }

    /**
     * One proxy's requests in a window as the routers panel counts them: per target node, and the Host headers and
     * paths of the requests no router matched. The store keeps no RouterName: a request the proxy answered itself with
     * a 404 counts as unmatched.
     *
     * @param targets  target node id → {requests, last start time}
     * @param unrouted requests answered by the proxy itself with a 404
     */
    public record ProxyTargets(Map<String, long[]> targets, long unrouted, RouterTraffic.Top unmatchedHosts,
                               RouterTraffic.Top unmatchedPaths) {
    }

    /**
     * The requests that started in {@code [fromMillis, toMillis)} per proxy node id: what each target got, and the
     * {@code top} busiest unmatched Host headers and paths (paths without query, cut at {@code maxPath} characters).
     */
    public Map<String, ProxyTargets> routerWindow(long fromMillis, long toMillis, int top, int maxPath)
            throws SQLException {
        String window = " FROM requests q JOIN routes r ON q.route = r.id WHERE q.time_ms >= ? AND q.time_ms < ?";
        String unmatched = window + " AND r.target IS NULL AND q.status = 404";
        Map<String, Map<String, long[]>> targets = new LinkedHashMap<>();
        Map<String, Long> unrouted = new HashMap<>();
        try (Connection c = store.reader()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT r.proxy, r.target, count(*), max(q.time_ms)" + window
                    + " AND r.target IS NOT NULL GROUP BY r.proxy, r.target")) {
                bindWindow(ps, fromMillis, toMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        targets.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                .put(rs.getString(2), new long[] {rs.getLong(3), rs.getLong(4)});
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT r.proxy, count(*)" + unmatched + " GROUP BY r.proxy")) {
                bindWindow(ps, fromMillis, toMillis);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        unrouted.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            Map<String, List<RouterTraffic.Count>> hosts = topTexts(c, "coalesce(q.host, '(none)')", unmatched,
                    fromMillis, toMillis, top);
            Map<String, List<RouterTraffic.Count>> paths = topTexts(c, "CASE WHEN length(split_part(q.path, '?', 1)) > "
                    + maxPath + " THEN left(split_part(q.path, '?', 1), " + maxPath + ") || '…'"
                    + " ELSE coalesce(split_part(q.path, '?', 1), '') END", unmatched, fromMillis, toMillis, top);
            Map<String, ProxyTargets> out = new LinkedHashMap<>();
            java.util.Set<String> proxies = new java.util.LinkedHashSet<>(targets.keySet());
            proxies.addAll(unrouted.keySet());
            for (String proxy : proxies) {
                long n = unrouted.getOrDefault(proxy, 0L);
                out.put(proxy, new ProxyTargets(targets.getOrDefault(proxy, Map.of()), n,
                        withOther(hosts.get(proxy), n), withOther(paths.get(proxy), n)));
            }
            return out;
        }
    }

    private static void bindWindow(PreparedStatement ps, long fromMillis, long toMillis) throws SQLException {
        ps.setLong(1, fromMillis);
        ps.setLong(2, toMillis);
    }

    /** Per proxy, the {@code top} most frequent values of {@code expression} among the {@code unmatched} requests. */
    private static Map<String, List<RouterTraffic.Count>> topTexts(Connection c, String expression, String unmatched,
                                                                    long fromMillis, long toMillis, int top)
            throws SQLException {
        Map<String, List<RouterTraffic.Count>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.proxy, " + expression + " AS text, count(*) AS n"
                + unmatched + " GROUP BY r.proxy, text"
                + " QUALIFY row_number() OVER (PARTITION BY r.proxy ORDER BY n DESC, text) <= " + top
                + " ORDER BY r.proxy, n DESC, text")) {
            bindWindow(ps, fromMillis, toMillis);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new RouterTraffic.Count(rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    private static RouterTraffic.Top withOther(List<RouterTraffic.Count> top, long total) {
        List<RouterTraffic.Count> listed = top == null ? List.of() : List.copyOf(top);
        long shown = listed.stream().mapToLong(RouterTraffic.Count::requests).sum();
        return new RouterTraffic.Top(listed, total - shown);
    }
}
