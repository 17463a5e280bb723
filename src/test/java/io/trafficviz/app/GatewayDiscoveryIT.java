package io.trafficviz.app;

import com.sun.net.httpserver.HttpServer;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.source.LineBatch;
import io.trafficviz.discovery.DiscoveryState;
import io.trafficviz.publish.wire.EdgeDto;
import io.trafficviz.publish.wire.NetworkInfoDoc;
import io.trafficviz.publish.wire.NodeDto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Discovery of a gateway whose backends are the servers' public proxies (fake Traefik APIs): the gateway's backend
 * URLs must become neither service nodes nor workload addresses, and its lines must end at the proxies' nodes, also
 * when a public proxy is discovered only after the gateway.
 */
class GatewayDiscoveryIT {
    @TempDir
    Path dir;
    private final List<FakeApi> apis = new ArrayList<>();
    private TrafficvizApp app;

    /** A Traefik API answering one entry point and one load-balancer service per backend list; 503 while down. */
    private static final class FakeApi implements AutoCloseable {
        final HttpServer server;
        volatile boolean up = true;

        FakeApi(String entryPoint, Map<String, List<String>> services) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            StringBuilder svc = new StringBuilder("[");
            StringBuilder routers = new StringBuilder("[");
            services.forEach((name, urls) -> {
                if (svc.length() > 1) {
                    svc.append(',');
                    routers.append(',');
                }
                svc.append("{\"name\":\"").append(name).append("@file\",\"provider\":\"file\",\"type\":\"loadbalancer\",")
                        .append("\"status\":\"enabled\",\"loadBalancer\":{\"servers\":[");
                for (int i = 0; i < urls.size(); i++) {
                    svc.append(i > 0 ? "," : "").append("{\"url\":\"").append(urls.get(i)).append("\"}");
                }
                svc.append("]}}");
                routers.append("{\"name\":\"").append(name).append("@file\",\"provider\":\"file\",\"service\":\"")
                        .append(name).append("\",\"rule\":\"PathPrefix(`/`)\",\"entryPoints\":[\"web\"],")
                        .append("\"status\":\"enabled\"}");
            });
            Map<String, String> docs = Map.of(
                    "/api/version", "{\"Version\":\"v3.6.12\"}",
                    "/api/overview", "{}",
                    "/api/entrypoints", "[{\"name\":\"web\",\"address\":\"" + entryPoint + "\"}]",
                    "/api/http/routers", routers.append(']').toString(),
                    "/api/http/services", svc.append(']').toString());
            server.createContext("/", exchange -> {
                String body = docs.get(exchange.getRequestURI().getPath());
                int status = !up ? 503 : body == null ? 404 : 200;
                byte[] bytes = (status == 200 ? body : "{}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        apis.forEach(FakeApi::close);
    }

    private FakeApi api(String entryPoint, Map<String, List<String>> services) throws IOException {
        FakeApi api = new FakeApi(entryPoint, services);
        apis.add(api);
        return api;
    }

    private static String line(String client, String service, String serviceUrl) {
        return "{\"ClientHost\":\"" + client + "\",\"DownstreamStatus\":200,\"OriginStatus\":200,\"Duration\":1000000,"
                + "\"RequestMethod\":\"GET\",\"RequestPath\":\"/\",\"RequestHost\":\"public.localhost\","
                + "\"ServiceName\":\"" + service + "@file\",\"ServiceURL\":\"" + serviceUrl + "\"}";
    }

    @Test
    void aGatewaysBackendsAreTheProxiesEvenWhenTheyAreDiscoveredAfterIt() throws Exception {
        FakeApi gw = api("127.0.0.1:18000",
                Map.of("public-servers", List.of("http://127.0.1.1:18080", "http://127.0.2.1:18080")));
        FakeApi a = api("127.0.1.1:18080", Map.of("web", List.of("http://127.0.1.11:8080")));
        FakeApi b = api("127.0.2.1:18080", Map.of("web", List.of("http://127.0.2.11:8080")));
        a.up = false; // server A's public proxy is discovered only after the gateway (first retry after 1 s)
        app = TrafficvizApp.create(ConfigLoader.parse("""
                discovery: {interval: 1m}   # the gateway is polled once: only re-applying its inventory can fix it
                servers:
                  - name: edge
                    proxies:
                      - {name: gw, role: gateway, network: edge-net, api: %s, accessLog: gw.log, addresses: [127.0.0.1]}
                  - name: server-a
                    proxies:
                      - {name: pub, role: public, network: a-net, api: %s, accessLog: a.log}
                  - name: server-b
                    proxies:
                      - {name: pub, role: public, network: b-net, api: %s, accessLog: b.log}
                """.formatted(gw.url(), a.url(), b.url()), dir), false);
        app.startDiscovery();
        await(() -> status("edge/gw") == DiscoveryState.Status.OK && status("server-b/pub") == DiscoveryState.Status.OK);
        boolean noGhost = app.ingest().nodes(List.of("service:edge/public-servers")).isEmpty();
        assertThat(noGhost).as("no service node for the gateway's service").isTrue();

        a.up = true;
        await(() -> status("server-a/pub") == DiscoveryState.Status.OK
                && !app.ingest().nodes(List.of("service:server-a/web")).isEmpty());

        app.ingest().accept(LineBatch.of(dir.resolve("gw.log").toString(), List.of(
                line("203.0.113.7", "public-servers", "http://127.0.1.1:18080"),
                line("203.0.113.7", "public-servers", "http://127.0.2.1:18080"),
                line("203.0.113.8", "public-servers", "http://127.0.1.1:18080"))));
        app.ingest().accept(LineBatch.of(dir.resolve("a.log").toString(), List.of(
                line("127.0.0.1", "web", "http://127.0.1.11:8080"),
                line("127.0.0.1", "web", "http://127.0.1.11:8080"),
                // B's public proxy's address is a backend of the gateway, not a workload of the gateway's server
                line("127.0.2.1", "web", "http://127.0.1.11:8080"))));
        app.ingest().accept(LineBatch.of(dir.resolve("b.log").toString(), List.of(
                line("127.0.0.1", "web", "http://127.0.2.11:8080"))));

        NetworkInfoDoc doc = app.networkInfo().document(false, System.currentTimeMillis());
        TreeSet<String> nodes = new TreeSet<>();
        for (NodeDto n : doc.nodes()) {
            nodes.add(n.id());
        }
        assertThat(nodes).containsExactlyInAnyOrder("proxy:edge/gw", "proxy:server-a/pub", "proxy:server-b/pub",
                "service:server-a/web", "service:server-b/web", "external:edge/edge-net",
                "unrecognised:server-a/a-net/127.0.2.1");
        TreeMap<String, Long> edges = new TreeMap<>();
        for (EdgeDto e : doc.edges()) {
            edges.put(e.id(), e.requests());
        }
        // gateway → public proxy is counted once per request: from the public proxy's line, where the gateway is the
        // caller (the gateway's own line records only its caller hop)
        assertThat(edges).containsExactlyInAnyOrderEntriesOf(Map.of(
                "external:edge/edge-net->proxy:edge/gw", 3L,
                "proxy:edge/gw->proxy:server-a/pub", 2L,
                "proxy:edge/gw->proxy:server-b/pub", 1L,
                "unrecognised:server-a/a-net/127.0.2.1->proxy:server-a/pub", 1L,
                "proxy:server-a/pub->service:server-a/web", 3L,
                "proxy:server-b/pub->service:server-b/web", 1L));
    }

    /**
     * A poller's state says "ok" just before its listener applies the inventory (under the pipeline lock, which a
     * busy pipeline may hold): awaitFirstDiscovery must wait for the inventory itself, or a replay's first lines race it.
     */
    @Test
    void awaitFirstDiscoveryReturnsOnlyOnceTheInventoryReachedTheResolver() throws Exception {
        FakeApi a = api("127.0.1.1:18080", Map.of("web", List.of("http://127.0.1.11:8080")));
        app = TrafficvizApp.create(ConfigLoader.parse("""
                servers:
                  - name: server-a
                    proxies:
                      - {name: pub, role: public, network: a-net, api: %s, accessLog: a.log}
                """.formatted(a.url()), dir), false);
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong releasedAt = new java.util.concurrent.atomic.AtomicLong();
        // Ingest is kept busy by a line whose listener call (made under ingest's lock) waits: the lock is ingest's own.
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        app.ingest().setListener(new io.trafficviz.ingest.EventListener() {
            @Override
            public boolean wantsEvents() {
                return true;
            }

            @Override
            public void onRequest(io.trafficviz.ingest.LiveRequest request) {
                if (!first.getAndSet(false)) {
                    return;
                }
                holding.countDown();
                try {
                    long deadline = System.currentTimeMillis() + 10_000;
                    while ((app.pollers().get("server-a/pub") == null
                            || status("server-a/pub") != DiscoveryState.Status.OK)
                            && System.currentTimeMillis() < deadline) {
                        Thread.sleep(5);
                    }
                    Thread.sleep(300); // the state is ok, the inventory waits for this lock
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                releasedAt.set(System.nanoTime());
            }
        });
        Thread busyPipeline = new Thread(() -> app.ingest().accept(LineBatch.of(dir.resolve("a.log").toString(),
                List.of(line("127.0.1.99", "web", "http://127.0.1.11:8080")))));
        busyPipeline.start();
        holding.await();
        app.startDiscovery();

        assertThat(app.awaitFirstDiscovery(java.time.Duration.ofSeconds(10))).isTrue();
        long returnedAt = System.nanoTime();
        busyPipeline.join();
        assertThat(releasedAt.get()).as("the pipeline was held until discovery answered").isPositive();
        assertThat(returnedAt).as("returned after the pipeline let the inventory in").isGreaterThan(releasedAt.get());
        app.ingest().accept(LineBatch.of(dir.resolve("a.log").toString(),
                List.of(line("127.0.1.11", "web", "http://127.0.1.11:8080"))));
        boolean byService = !app.ingest().nodes(List.of("service:server-a/web")).isEmpty()
                && app.ingest().nodes(List.of("unrecognised:server-a/a-net/127.0.1.11")).isEmpty();
        assertThat(byService).as("the first line's caller is named by its service").isTrue();
    }

    private DiscoveryState.Status status(String key) {
        return app.pollers().get(key).state().status();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("timed out").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
