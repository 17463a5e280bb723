package io.trafficviz.ingest;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.discovery.ProxyInventory;
import io.trafficviz.discovery.Router;
import io.trafficviz.discovery.Service;
import io.trafficviz.publish.http.RoutersDoc;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.source.LineBatch;
import io.trafficviz.telemetry.RouterTraffic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Issue 19 item 5, the counting: each router and service of a proxy's inventory with the requests its lines named it
 * in and when, those with none idle, names only the log gave, and the Host headers and paths no router matched, top N
 * with the rest in {@code other} and bounded however many the outside world sends.
 */
class RouterTrafficTest {
    private static final String PROXY = "proxy:a/pub";

    @TempDir
    Path dir;
    private TrafficvizApp app;
    private Ingest ingest;

    @BeforeEach
    void start() throws Exception {
        Files.createFile(dir.resolve("pub.log"));
        app = TrafficvizApp.create(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  - name: a
                    proxies:
                      - {name: pub, role: public, network: pub-net, accessLog: pub.log}
                """, dir), true);
        app.hub().close();
        ingest = app.ingest();
        ingest.applyInventory("a/pub", new ProxyInventory("3.6.12",
                List.of(new Router("busy@file", "PathPrefix(`/busy`)", "backend@file", List.of("web"), "enabled", "file"),
                        new Router("idle@file", "Host(`idle.example`)", "spare@file", List.of("web"), "enabled", "file")),
                List.of(new Service("backend@file", "loadbalancer", "file", List.of("http://10.0.0.5:80"), "enabled",
                                List.of()),
                        new Service("spare@file", "loadbalancer", "file", List.of("http://10.0.0.6:80"), "enabled",
                                List.of())),
                List.of(), 1_000L), null);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private String log() {
        return app.logFiles().keySet().stream().filter(p -> p.endsWith("pub.log")).findFirst().orElseThrow();
    }

    private static String routed(String router, String service, long startMillis) {
        return "{\"ClientHost\":\"203.0.113.7\",\"DownstreamStatus\":200,\"OriginStatus\":200,\"RouterName\":\"" + router
                + "\",\"ServiceName\":\"" + service + "\",\"ServiceURL\":\"http://10.0.0.5:80\",\"Duration\":2000000,"
                + "\"RequestMethod\":\"GET\",\"RequestPath\":\"/busy\",\"RequestHost\":\"app.example\",\"StartUTC\":\""
                + java.time.Instant.ofEpochMilli(startMillis) + "\"}";
    }

    private static String unmatched(String host, String path) {
        return "{\"ClientHost\":\"198.51.100.9\",\"DownstreamStatus\":404,\"OriginStatus\":0,\"Duration\":20000,"
                + "\"RequestMethod\":\"GET\",\"RequestPath\":\"" + path + "\",\"RequestHost\":\"" + host + "\"}";
    }

    private RouterTraffic.Proxy proxy() {
        return ingest.routerTraffic().proxies().stream().filter(p -> p.proxyId().equals(PROXY)).findFirst()
                .orElseThrow();
    }

    @Test
    void routersAndServicesCountTheirRequestsAndTheOnesWithNoneAreIdle() {
        ingest.accept(LineBatch.of(log(), List.of(routed("busy@file", "backend@file", 1_752_585_273_000L),
                routed("busy@file", "backend@file", 1_752_585_274_500L),
                routed("ghost@docker", "ghost@docker", 1_752_585_275_000L))));

        RouterTraffic.Proxy p = proxy();
        assertThat(p.inventoryAt()).isEqualTo(1_000L);
        assertThat(p.routers()).extracting(RouterTraffic.Counted::name, RouterTraffic.Counted::declared,
                        RouterTraffic.Counted::requests, RouterTraffic.Counted::lastSeen, RouterTraffic.Counted::idle)
                .containsExactly(tuple("busy@file", true, 2L, 1_752_585_274_500L, false),
                        tuple("idle@file", true, 0L, null, true),
                        tuple("ghost@docker", false, 1L, 1_752_585_275_000L, false));
        assertThat(p.routers().get(1).rule()).isEqualTo("Host(`idle.example`)");
        assertThat(p.services()).extracting(RouterTraffic.Counted::name, RouterTraffic.Counted::requests,
                        RouterTraffic.Counted::idle)
                .containsExactly(tuple("backend@file", 2L, false), tuple("spare@file", 0L, true),
                        tuple("ghost@docker", 1L, false));
        assertThat(p.unrouted()).isZero();

        List<Map<String, Object>> doc = RoutersDoc.live(ingest.routerTraffic(), Masking.NONE);
        assertThat(doc).hasSize(1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> routers = (List<Map<String, Object>>) doc.get(0).get("routers");
        assertThat(routers).extracting(r -> r.get("name"), r -> r.get("idle"))
                .containsExactly(tuple("busy@file", false), tuple("idle@file", true), tuple("ghost@docker", false));
    }

    @Test
    void requestsRestoredFromTheStoreCountForTheirServiceAndKeepItsRoutersFromBeingIdle() {
        io.trafficviz.model.NodeId proxy = io.trafficviz.model.NodeId.proxy("a", "pub", false);
        io.trafficviz.model.NodeId caller = io.trafficviz.model.NodeId.external("a", "pub-net");
        ingest.restore(feed -> {
            feed.record(new io.trafficviz.model.Route(caller, proxy, io.trafficviz.model.NodeId.service("a", "backend"),
                    false), 200, 1_000_000, 0, 10, "/busy", 1_752_585_000_000L);
            feed.record(new io.trafficviz.model.Route(caller, proxy, null, false), 404, 1_000, 0, 0, "/x",
                    1_752_585_000_001L);
        });

        RouterTraffic.Proxy p = proxy();
        assertThat(p.services()).extracting(RouterTraffic.Counted::name, RouterTraffic.Counted::requests,
                        RouterTraffic.Counted::lastSeen, RouterTraffic.Counted::idle)
                .containsExactly(tuple("backend@file", 1L, 1_752_585_000_000L, false),
                        tuple("spare@file", 0L, null, true));
        // The store keeps no router name: busy@file named no line since start, but its service carried one before.
        assertThat(p.routers()).extracting(RouterTraffic.Counted::name, RouterTraffic.Counted::requests,
                        RouterTraffic.Counted::idle)
                .containsExactly(tuple("busy@file", 0L, false), tuple("idle@file", 0L, true));
    }

    @Test
    void unmatchedHostsAndPathsAreCountedTopFirstWithTheRestAsOther() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add(unmatched("scan.example", "/.env?x=" + i));
        }
        lines.add(unmatched("other.example", "/wp-login.php"));
        for (int i = 0; i < RouterTraffic.TOP + 5; i++) {
            lines.add(unmatched("h" + i + ".example", "/p" + i));
        }
        ingest.accept(LineBatch.of(log(), lines));

        RouterTraffic.Proxy p = proxy();
        assertThat(p.unrouted()).isEqualTo(lines.size());
        assertThat(p.unmatchedHosts().top()).hasSize(RouterTraffic.TOP);
        assertThat(p.unmatchedHosts().top().get(0)).isEqualTo(new RouterTraffic.Count("scan.example", 5));
        assertThat(p.unmatchedPaths().top().get(0)).as("the query left out")
                .isEqualTo(new RouterTraffic.Count("/.env", 5));
        long listed = p.unmatchedHosts().top().stream().mapToLong(RouterTraffic.Count::requests).sum();
        assertThat(listed + p.unmatchedHosts().other()).as("every unmatched request in a row or in other")
                .isEqualTo(lines.size());
        assertThat(p.routers()).allSatisfy(r -> assertThat(r.declared()).isTrue());
    }

    @Test
    void theOutsideWorldCannotGrowTheTallyPastItsCapsAndLosesNoCount() {
        int n = RouterTally.MAX_TEXTS + 500;
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add(unmatched("h" + i + ".example", "/" + "x".repeat(RouterTraffic.MAX_PATH + 10) + i));
        }
        ingest.accept(LineBatch.of(log(), lines));
        RouterTraffic.Proxy p = proxy();
        assertThat(p.unrouted()).isEqualTo(n);
        assertThat(p.unmatchedHosts().top()).hasSize(RouterTraffic.TOP);
        assertThat(p.unmatchedHosts().other()).isEqualTo(n - RouterTraffic.TOP);
        // Paths are cut, so they all fold into one row here.
        assertThat(p.unmatchedPaths().top()).hasSize(1);
        assertThat(p.unmatchedPaths().top().get(0).text()).hasSize(RouterTraffic.MAX_PATH + 1).endsWith("…");
        assertThat(p.unmatchedPaths().top().get(0).requests()).isEqualTo(n);
    }

    @Test
    void aViewerGetsAddressLikeHostsMasked() {
        ingest.accept(LineBatch.of(log(), List.of(unmatched("192.0.2.44", "/"))));
        List<Map<String, Object>> doc = RoutersDoc.live(ingest.routerTraffic(), Masking.of(true, true));
        @SuppressWarnings("unchecked")
        Map<String, Object> hosts = (Map<String, Object>) doc.get(0).get("unmatchedHosts");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> top = (List<Map<String, Object>>) hosts.get("top");
        assertThat((String) top.get(0).get("host")).startsWith("192.0.2.x~");
    }
}
