package io.trafficviz.history;

import io.trafficviz.model.NodeId;
import io.trafficviz.publish.http.RoutersDoc;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.telemetry.RouterTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19 item 5 over a window of the store: per proxy, what each target got and when, and the Host headers and
 * paths of the requests the proxy answered itself with a 404 (top N, the rest in other); the routers section then
 * marks idle the services (and the routers through them) that got nothing in the window.
 */
class RouterWindowTest {
    private static final long T0 = 1_752_585_000_000L;
    private static final NodeId PROXY = NodeId.proxy("s1", "pub", false);
    private static final NodeId CALLER = NodeId.external("s1", "net");

    private static HistoryRow row(long time, NodeId target, int status, String host, String path) {
        return new HistoryRow("access.log", time, "s1", "net", "pub", CALLER, "net", PROXY, target,
                target == null ? null : "net", false, status, 1_000_000, 0, 10, "GET", host, path);
    }

    @Test
    void aWindowCountsTargetsAndUnmatchedHostsAndPathsOfItsRequestsOnly(@TempDir Path dir) throws Exception {
        NodeId api = NodeId.service("s1", "api");
        try (HistoryStore store = HistoryStore.open(dir.resolve("h.duckdb"))) {
            List<Queued> rows = new ArrayList<>();
            rows.add(row(T0 - 1, api, 200, "app", "/before")); // outside the window
            rows.add(row(T0, api, 200, "app", "/a"));
            rows.add(row(T0 + 5, api, 500, "app", "/a"));
            for (int i = 0; i < 3; i++) {
                rows.add(row(T0 + 10 + i, null, 404, "scan.example", "/.env?i=" + i));
            }
            rows.add(row(T0 + 20, null, 404, null, "/x"));
            rows.add(row(T0 + 21, null, 302, "app", "/redirect")); // answered by the proxy, but not "no router"
            store.append(rows);
            HistoryQueries queries = new HistoryQueries(store, List.of(), 1000, 1000, 10);

            Map<String, HistoryQueries.ProxyTargets> window = queries.routerWindow(T0, T0 + 1_000, 1, 256);
            HistoryQueries.ProxyTargets pub = window.get(PROXY.text());
            assertThat(pub.targets()).containsOnlyKeys(api.text());
            assertThat(pub.targets().get(api.text())).containsExactly(2L, T0 + 5);
            assertThat(pub.unrouted()).isEqualTo(4);
            assertThat(pub.unmatchedHosts()).isEqualTo(new RouterTraffic.Top(
                    List.of(new RouterTraffic.Count("scan.example", 3)), 1));
            assertThat(pub.unmatchedPaths().top()).containsExactly(new RouterTraffic.Count("/.env", 3));

            RouterTraffic inventory = new RouterTraffic(List.of(new RouterTraffic.Proxy(PROXY.text(), 1L,
                    List.of(new RouterTraffic.Counted("api@file", "api@file", null, true, 9L, null),
                            new RouterTraffic.Counted("old@file", "old@file", null, true, 0L, null)),
                    List.of(new RouterTraffic.Counted("api@file", "loadbalancer", null, true, 9L, null),
                            new RouterTraffic.Counted("old@file", "loadbalancer", null, true, 0L, null)),
                    0, new RouterTraffic.Top(List.of(), 0), new RouterTraffic.Top(List.of(), 0))));
            List<Map<String, Object>> doc = RoutersDoc.window(inventory, window, Masking.NONE);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> services = (List<Map<String, Object>>) doc.get(0).get("services");
            assertThat(services).extracting(s -> s.get("name"), s -> s.get("requests"), s -> s.get("idle"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("api@file", 2L, false),
                            org.assertj.core.groups.Tuple.tuple("old@file", 0L, true));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> routers = (List<Map<String, Object>>) doc.get(0).get("routers");
            assertThat(routers).extracting(r -> r.get("name"), r -> r.get("requests"), r -> r.get("idle"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("api@file", null, false),
                            org.assertj.core.groups.Tuple.tuple("old@file", null, true));
            assertThat(doc.get(0).get("counted")).isEqualTo("window");
        }
    }
}
