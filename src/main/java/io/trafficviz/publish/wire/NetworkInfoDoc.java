package io.trafficviz.publish.wire;

import io.trafficviz.model.NodeId;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.NodeView;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.OutsiderSnapshot;
import io.trafficviz.telemetry.SourceSnapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The {@code GET /network_info} document (docs/protocol.md), field by field, for Jackson; also the {@code graph} of a
 * {@code /ws/graph} hello, where every node carries its {@code ix} ({@link #withNodeIx}).
 *
 * @param notice a line the UI shows above the graph; left out when null
 * @param view   {@code hops} or {@code logical}
 */
@JsonPropertyOrder({"generatedAt", "notice", "view", "servers", "nodes", "edges", "overflow", "outsiders", "ingest"})
public record NetworkInfoDoc(long generatedAt, @JsonInclude(JsonInclude.Include.NON_NULL) String notice, String view,
                             List<Server> servers, List<NodeDto> nodes, List<EdgeDto> edges, Overflow overflow,
                             Outsiders outsiders, Ingest ingest) {

    /**
     * The document for {@code snapshot}, with what the ingest side does not know: the configured servers with their
     * discovery state, the notice, and extra per-source fields ({@code sourceDetails} by origin, null for none).
     */
    public static NetworkInfoDoc of(NetworkSnapshot snapshot, String notice, List<Server> servers,
                                    Function<String, Map<String, Object>> sourceDetails) {
        List<NodeDto> nodes = new ArrayList<>(snapshot.nodes().size());
        for (NodeView n : snapshot.nodes()) {
            nodes.add(NodeDto.of(n));
        }
        List<EdgeDto> edges = new ArrayList<>(snapshot.edges().size());
        for (EdgeView e : snapshot.edges()) {
            edges.add(EdgeDto.of(e));
        }
        return new NetworkInfoDoc(snapshot.generatedAt(), notice, snapshot.logical() ? "logical" : "hops", servers,
                nodes, edges, new Overflow(snapshot.overflowedNodes(), snapshot.overflowedEdges()),
                Outsiders.of(snapshot.outsiders()), Ingest.of(snapshot.totals(), sourceDetails));
    }

    /** The same document with every node's index in the graph stream, as a hello carries it. */
    public NetworkInfoDoc withNodeIx(ToIntFunction<String> ix) {
        List<NodeDto> indexed = new ArrayList<>(nodes.size());
        for (NodeDto n : nodes) {
            indexed.add(n.withIx(ix.applyAsInt(n.id())));
        }
        return new NetworkInfoDoc(generatedAt, notice, view, servers, indexed, edges, overflow, outsiders, ingest);
    }

    @JsonPropertyOrder({"name", "proxies"})
    public record Server(String name, List<Proxy> proxies) {
    }

    /** @param role {@code public}, {@code private} or {@code gateway} */
    @JsonPropertyOrder({"name", "id", "role", "network", "api"})
    public record Proxy(String name, String id, String role, String network, Api api) {
    }

    /**
     * @param status      {@code ok|file|down|pending|none}
     * @param lastRefresh epoch ms, null when never
     * @param error       why the last refresh failed, or null
     */
    @JsonPropertyOrder({"status", "lastRefresh", "error"})
    public record Api(String status, Long lastRefresh, String error) {
    }

    @JsonPropertyOrder({"nodes", "edges"})
    public record Overflow(long nodes, long edges) {
    }

    @JsonPropertyOrder({"count", "byProxy", "recent"})
    public record Outsiders(long count, List<ProxyCount> byProxy, List<Outsider> recent) {
        static Outsiders of(OutsiderSnapshot s) {
            List<ProxyCount> byProxy = new ArrayList<>(s.byProxy().size());
            s.byProxy().forEach((key, n) -> {
                int slash = key.indexOf('/');
                String server = key.substring(0, slash);
                String proxy = key.substring(slash + 1);
                byProxy.add(new ProxyCount(server, proxy, NodeId.proxy(server, proxy, false).text(), n));
            });
            List<Outsider> recent = new ArrayList<>(s.recent().size());
            for (OutsiderSnapshot.Entry e : s.recent()) {
                recent.add(new Outsider(e.time(), e.server(), e.proxy(), e.from(), e.fromId(), e.address(),
                        e.method(), e.path(), e.status()));
            }
            return new Outsiders(s.count(), byProxy, recent);
        }
    }

    @JsonPropertyOrder({"server", "proxy", "id", "count"})
    public record ProxyCount(String server, String proxy, String id, long count) {
    }

    /**
     * @param from    the caller node's label
     * @param address the caller's address as the proxy logged it
     */
    @JsonPropertyOrder({"time", "server", "proxy", "from", "fromId", "address", "method", "path", "status"})
    public record Outsider(long time, String server, String proxy, String from, String fromId, String address,
                           String method, String path, int status) {
    }

    /** @param lastLineTime epoch ms of the newest request read; null before the first */
    @JsonPropertyOrder({"lines", "malformed", "lastLineTime", "sources"})
    public record Ingest(long lines, long malformed, Long lastLineTime, List<Source> sources) {
        static Ingest of(IngestTotals totals, Function<String, Map<String, Object>> sourceDetails) {
            List<Source> sources = new ArrayList<>(totals.sources().size());
            for (SourceSnapshot s : totals.sources()) {
                sources.add(Source.of(s, sourceDetails == null ? null : sourceDetails.apply(s.origin())));
            }
            return new Ingest(totals.lines(), totals.malformed(),
                    totals.lastLineMillis() == 0 ? null : totals.lastLineMillis(), sources);
        }
    }

    /**
     * One source. What the ingest side counts, then what its reader adds ({@code details}: a tailer's offset, state,
     * rotations; a push endpoint's requests and last sender), after the other fields; {@code offset} and {@code
     * lastError} from the details take the place of those fields.
     *
     * @param offset the tailer's offset in the file; null for pushed sources
     */
    @JsonPropertyOrder({"path", "format", "offset", "lines", "malformed", "lastError", "recentMalformed"})
    public record Source(String path, String format, Object offset, long lines, long malformed, Object lastError,
                         List<String> recentMalformed, @JsonIgnore Map<String, Object> details) {
        static Source of(SourceSnapshot s, Map<String, Object> details) {
            Map<String, Object> rest = details == null ? Map.of() : new LinkedHashMap<>(details);
            Object offset = rest.isEmpty() ? null : rest.remove("offset");
            Object lastError = rest.containsKey("lastError") ? rest.remove("lastError") : s.lastError();
            return new Source(s.origin(), s.format(), offset, s.lines(), s.malformed(), lastError,
                    s.recentMalformed(), Collections.unmodifiableMap(rest));
        }

        @JsonAnyGetter
        Map<String, Object> extraFields() {
            return details;
        }
    }
}
