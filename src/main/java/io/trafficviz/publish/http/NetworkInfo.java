package io.trafficviz.publish.http;

import io.trafficviz.model.NodeId;
import io.trafficviz.config.ProxyConfig;
import io.trafficviz.config.ServerConfig;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.ingest.IngestView;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.javalin.http.Context;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.publish.wire.NetworkInfoDoc;
import io.trafficviz.telemetry.CallerTraffic;
import io.trafficviz.telemetry.RouterTraffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code /network_info} document (see docs/protocol.md): a snapshot of the ingest side ({@link
 * IngestView#snapshot}), the configured servers and their discovery state, and the sources' reader details.
 */
public final class NetworkInfo {
    private final TrafficvizConfig config;
    private final IngestView ingest;
    private final Function<String, ApiStatus> apiStatus;
    private final Function<String, Map<String, Object>> sourceDetails;
    private volatile String notice;
    private volatile HistoryRoutes history;

    /**
     * @param apiStatus     discovery state by {@code server/proxy}
     * @param sourceDetails extra per-source fields (offset, tailer state) by origin, or null
     */
    public NetworkInfo(TrafficvizConfig config, IngestView ingest, Function<String, ApiStatus> apiStatus,
                       Function<String, Map<String, Object>> sourceDetails) {
        this.config = config;
        this.ingest = ingest;
        this.apiStatus = apiStatus;
        this.sourceDetails = sourceDetails;
    }

    /** A line the UI shows above the graph, e.g. that the traffic is simulated; null for none. */
    public void setNotice(String notice) {
        this.notice = notice;
    }

    /** Windows counted at once (see serve). */
    private final java.util.concurrent.Semaphore windows = new java.util.concurrent.Semaphore(1);

    /** The store behind {@code ?from&to} windows and the {@code history} field; none by default. */
    public void setHistory(HistoryRoutes history) {
        this.history = history;
    }

    /**
     * {@code GET /network_info}: the graph now, or with {@code from} and {@code to} the graph of that window of the
     * store; either with the store's state ({@code history}: stored, dropped, gaps) when there is one.
     */
    public void serve(Context ctx, Masking masking) {
        boolean logical = "logical".equals(ctx.queryParam("view"));
        HistoryRoutes h = history;
        String section = ctx.queryParam("section");
        if (section != null && !"routers".equals(section)) {
            ctx.status(400).json(HistoryRoutes.error("section: only routers is known, not " + section));
            return;
        }
        boolean live = ctx.queryParam("from") == null && ctx.queryParam("to") == null;
        if (live && section != null) {
            ctx.json(Map.of("generatedAt", System.currentTimeMillis(), "counted", "live",
                    "routers", RoutersDoc.live(ingest.routerTraffic(), masking)));
            return;
        }
        if (live) {
            NetworkInfoDoc doc = masking.document(document(logical, System.currentTimeMillis()));
            ctx.json(new WithHistory(doc, RoutersDoc.live(ingest.routerTraffic(), masking),
                    h == null ? null : h.status()));
            return;
        }
        if (h == null) {
            ctx.status(404).json(HistoryRoutes.error("no history: history.enabled is false, or replay ran without "
                    + "--history"));
            return;
        }
        // A window is a graph built from the store (a second or more for a busy hour, a full graph's memory): one at
        // a time, so that a few clients asking for long windows cannot take every core and the heap.
        if (!windows.tryAcquire()) {
            ctx.status(503).header("Retry-After", "2").json(HistoryRoutes.error("another window is being counted; "
                    + "try again in a moment"));
            return;
        }
        try {
            if (section != null) {
                answerRouterWindow(ctx, h, masking);
            } else {
                answerWindow(ctx, h, logical, masking);
            }
        } finally {
            windows.release();
        }
    }

    private void answerWindow(Context ctx, HistoryRoutes h, boolean logical, Masking masking) {
        HistoryRoutes.answer(ctx, () -> {
            long[] window = HistoryRoutes.window(ctx);
            NetworkInfoDoc doc = masking.document(document(h.queries().window(window[0], window[1], logical)));
            Map<String, Object> status = new LinkedHashMap<>(h.status());
            status.put("window", Map.of("from", window[0], "to", window[1]));
            status.put("gaps", h.gaps(window[0], window[1]));
            return new WithHistory(doc, null, status);
        });
    }

    /** A window's routers section alone: counted from the store on request, not with every window's graph. */
    private void answerRouterWindow(Context ctx, HistoryRoutes h, Masking masking) {
        HistoryRoutes.answer(ctx, () -> {
            long[] window = HistoryRoutes.window(ctx);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("generatedAt", window[1]);
            doc.put("counted", "window");
            doc.put("window", Map.of("from", window[0], "to", window[1]));
            doc.put("routers", RoutersDoc.window(ingest.routerTraffic(), h.queries().routerWindow(window[0], window[1],
                    RouterTraffic.TOP, RouterTraffic.MAX_PATH), masking));
            return doc;
        });
    }

    /** The document with the live {@code routers} section and a {@code history} field after its own. */
    record WithHistory(@JsonUnwrapped NetworkInfoDoc doc,
                       @JsonInclude(JsonInclude.Include.NON_NULL) List<Map<String, Object>> routers,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> history) {
    }

    /** The document now: hop edges, or client → service edges when {@code logical}, rates at {@code nowMillis}. */
    public NetworkInfoDoc document(boolean logical, long nowMillis) {
        return document(ingest.snapshot(logical, nowMillis));
    }

    /** The document for a snapshot already taken (a graph client's hello). */
    public NetworkInfoDoc document(NetworkSnapshot snapshot) {
        return NetworkInfoDoc.of(snapshot, notice, servers(), sourceDetails);
    }

    /** Who calls each proxy and how much matched no router (the {@code /callers} document's content). */
    public CallerTraffic callerTraffic() {
        return ingest.callerTraffic();
    }

    private List<NetworkInfoDoc.Server> servers() {
        List<NetworkInfoDoc.Server> servers = new ArrayList<>();
        for (ServerConfig s : config.servers()) {
            List<NetworkInfoDoc.Proxy> proxies = new ArrayList<>();
            for (ProxyConfig p : s.proxies()) {
                ApiStatus st = apiStatus.apply(s.name() + "/" + p.name());
                NetworkInfoDoc.Api api = new NetworkInfoDoc.Api(st.status(),
                        st.lastRefresh() == 0 ? null : st.lastRefresh(), st.error());
                proxies.add(new NetworkInfoDoc.Proxy(p.name(), NodeId.proxy(s.name(), p.name(), false).text(),
                        p.role().wireName(), p.network(), api));
            }
            servers.add(new NetworkInfoDoc.Server(s.name(), proxies));
        }
        return servers;
    }
}
