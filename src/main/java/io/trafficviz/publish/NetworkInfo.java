package io.trafficviz.publish;

import io.trafficviz.config.ProxyConfig;
import io.trafficviz.config.ServerConfig;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.graph.Edge;
import io.trafficviz.graph.EdgeStats;
import io.trafficviz.graph.Node;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.pipeline.Pipeline;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.OutsiderSnapshot;
import io.trafficviz.telemetry.SourceSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Builds the {@code /network_info} document (see docs/protocol.md) as plain maps and lists for Jackson. */
public final class NetworkInfo {
    private final TrafficvizConfig config;
    private final Pipeline pipeline;
    private final Function<String, ApiStatus> apiStatus;
    private final Function<String, Map<String, Object>> sourceDetails;
    private volatile String notice;

    /**
     * @param apiStatus     discovery state by {@code server/proxy}
     * @param sourceDetails extra per-source fields (offset, tailer state) by origin, or null
     */
    public NetworkInfo(TrafficvizConfig config, Pipeline pipeline, Function<String, ApiStatus> apiStatus,
                       Function<String, Map<String, Object>> sourceDetails) {
        this.config = config;
        this.pipeline = pipeline;
        this.apiStatus = apiStatus;
        this.sourceDetails = sourceDetails;
    }

    /** A line the UI shows above the graph, e.g. that the traffic is simulated; null for none. */
    public void setNotice(String notice) {
        this.notice = notice;
    }

    public Map<String, Object> document(boolean logical, long nowMillis) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("generatedAt", nowMillis);
        if (notice != null) {
            doc.put("notice", notice);
        }
        doc.put("view", logical ? "logical" : "hops");
        doc.put("servers", servers());
        // The ingest totals are taken under the same lock as the graph: the lines they count are the ones it holds.
        IngestTotals[] totals = new IngestTotals[1];
        pipeline.readGraph(graph -> {
            totals[0] = pipeline.totals();
            // By id, as the edges: two answers list the same network the same way, whatever order it was seen in.
            List<Node> byId = new ArrayList<>(graph.nodes());
            byId.sort(Comparator.comparing(Node::id));
            List<Map<String, Object>> nodes = new ArrayList<>(byId.size());
            for (Node n : byId) {
                nodes.add(node(n));
            }
            doc.put("nodes", nodes);
            List<Map<String, Object>> edges = new ArrayList<>();
            List<Edge> all = logical ? graph.logicalEdges() : graph.hopEdges();
            all.sort(Comparator.comparing(Edge::id));
            for (Edge e : all) {
                edges.add(edge(e, nowMillis));
            }
            doc.put("edges", edges);
            doc.put("overflow", Map.of("nodes", graph.overflowedNodes(), "edges", graph.overflowedEdges()));
            return null;
        });
        doc.put("outsiders", outsiders());
        doc.put("ingest", ingest(totals[0]));
        return doc;
    }

    /** Requests that reached a private proxy from a caller it should not hear from (docs/protocol.md). */
    private Map<String, Object> outsiders() {
        OutsiderSnapshot s = pipeline.outsiders();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.count());
        List<Map<String, Object>> byProxy = new ArrayList<>();
        s.byProxy().forEach((key, n) -> {
            int slash = key.indexOf('/');
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("server", key.substring(0, slash));
            p.put("proxy", key.substring(slash + 1));
            p.put("id", "proxy:" + key);
            p.put("count", n);
            byProxy.add(p);
        });
        m.put("byProxy", byProxy);
        List<Map<String, Object>> recent = new ArrayList<>();
        for (OutsiderSnapshot.Entry e : s.recent()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("time", e.time());
            r.put("server", e.server());
            r.put("proxy", e.proxy());
            r.put("from", e.from());
            r.put("fromId", e.fromId());
            r.put("address", e.address());
            r.put("method", e.method());
            r.put("path", e.path());
            r.put("status", e.status());
            recent.add(r);
        }
        m.put("recent", recent);
        return m;
    }

    private List<Map<String, Object>> servers() {
        List<Map<String, Object>> servers = new ArrayList<>();
        for (ServerConfig s : config.servers()) {
            List<Map<String, Object>> proxies = new ArrayList<>();
            for (ProxyConfig p : s.proxies()) {
                ApiStatus st = apiStatus.apply(s.name() + "/" + p.name());
                Map<String, Object> api = new LinkedHashMap<>();
                api.put("status", st.status());
                api.put("lastRefresh", st.lastRefresh() == 0 ? null : st.lastRefresh());
                api.put("error", st.error());
                Map<String, Object> proxy = new LinkedHashMap<>();
                proxy.put("name", p.name());
                proxy.put("id", "proxy:" + s.name() + "/" + p.name());
                proxy.put("role", p.role().wireName());
                proxy.put("network", p.network());
                proxy.put("api", api);
                proxies.add(proxy);
            }
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("name", s.name());
            server.put("proxies", proxies);
            servers.add(server);
        }
        return servers;
    }

    public static Map<String, Object> node(Node n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.id());
        m.put("kind", n.kind().wireName());
        m.put("label", n.label());
        m.put("server", n.server());
        m.put("network", n.network());
        m.put("addresses", List.copyOf(n.addresses()));
        if (n.outsider()) {
            m.put("outsider", true);
        }
        return m;
    }

    public static Map<String, Object> edge(Edge e, long nowMillis) {
        EdgeStats s = e.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("source", e.source().id());
        m.put("target", e.target().id());
        m.put("requests", s.requests());
        m.put("errors", s.errors());
        Map<String, Object> status = new LinkedHashMap<>();
        for (int c = 1; c <= 5; c++) {
            status.put(c + "xx", s.statusClass(c));
        }
        m.put("status", status);
        m.put("ratePerSec", round(s.ratePerSecond(nowMillis, 10)));
        m.put("rate1m", round(s.ratePerSecond(nowMillis, 60)));
        m.put("rate5m", round(s.ratePerSecond(nowMillis, 300)));
        m.put("p50Ms", round(s.percentileMillis(50)));
        m.put("p95Ms", round(s.percentileMillis(95)));
        m.put("p99Ms", round(s.percentileMillis(99)));
        m.put("bytes", s.bytes());
        m.put("lastSeen", s.lastSeenMillis());
        m.put("topPaths", topPaths(s, 5));
        return m;
    }

    private static List<Map<String, Object>> topPaths(EdgeStats s, int n) {
        return s.topPaths(n).stream()
                .map(e -> Map.<String, Object>of("path", e.getKey(), "requests", e.getValue()))
                .toList();
    }

    private Map<String, Object> ingest(IngestTotals totals) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lines", totals.lines());
        m.put("malformed", totals.malformed());
        m.put("lastLineTime", totals.lastLineMillis() == 0 ? null : totals.lastLineMillis());
        List<Map<String, Object>> sources = new ArrayList<>();
        for (SourceSnapshot s : totals.sources()) {
            Map<String, Object> src = new LinkedHashMap<>();
            src.put("path", s.origin());
            src.put("format", s.format());
            src.put("offset", null);
            src.put("lines", s.lines());
            src.put("malformed", s.malformed());
            src.put("lastError", s.lastError());
            src.put("recentMalformed", s.recentMalformed());
            if (sourceDetails != null) {
                Map<String, Object> extra = sourceDetails.apply(s.origin());
                if (extra != null) {
                    src.putAll(extra);
                }
            }
            sources.add(src);
        }
        m.put("sources", sources);
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
