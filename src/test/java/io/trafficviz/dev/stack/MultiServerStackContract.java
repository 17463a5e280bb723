package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.dev.demo.HttpResult;
import io.trafficviz.dev.demo.ServiceStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.trafficviz.dev.stack.MultiServerStack.EDGE;
import static io.trafficviz.dev.stack.MultiServerStack.GATEWAY;
import static io.trafficviz.dev.stack.MultiServerStack.LEAF_SERVICE;
import static io.trafficviz.dev.stack.MultiServerStack.PRIVATE_SERVICE_1;
import static io.trafficviz.dev.stack.MultiServerStack.PRIVATE_SERVICE_2;
import static io.trafficviz.dev.stack.MultiServerStack.PUBLIC_HOST;
import static io.trafficviz.dev.stack.MultiServerStack.PUBLIC_SERVICE;
import static io.trafficviz.dev.stack.NetworkInfoAssertions.assertEdge;
import static io.trafficviz.dev.stack.NetworkInfoAssertions.edge;
import static io.trafficviz.dev.stack.NetworkInfoAssertions.edges;
import static io.trafficviz.dev.stack.NetworkInfoAssertions.merged;
import static io.trafficviz.dev.stack.NetworkInfoAssertions.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The multi-server topology for real ({@link MultiServerStack}, two servers): five Traefik processes, eight services,
 * the outside users behind a gateway, cross-server calls, an outsider, and trafficviz reading the gateway's and server
 * A's logs from files and server B's only by push (OTLP from Traefik, the stack's shipper to {@code /ingest}). What
 * trafficviz shows must equal what the load generator, the outsider and every service counted themselves.
 *
 * <p>Needs a Traefik binary: {@code TRAEFIK_BIN} or {@code -Dtrafficviz.traefik} (scripts/test and CI set both), else
 * the build script's cache; skipped only when none is set or cached, and a set one that is not executable fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MultiServerStackContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String A = "server-a";
    static final String B = "server-b";
    static final String GATEWAY_ID = "proxy:" + EDGE + "/" + GATEWAY;
    static final int REQUESTS = 40;
    static final int OUTSIDER_REQUESTS = 7;

    private MultiServerStack stack;
    private String users;
    private String outsiderNode;

    abstract StackOptions options();

    /** Checks that can skip the class (beyond a missing Traefik binary). */
    void assumptions() {
    }

    @BeforeAll
    void startStack() {
        requireTraefik();
        assumptions();
        long t0 = System.nanoTime();
        stack = MultiServerStack.start(options(), 2, msg -> System.out.println("multi-stack: " + msg));
        System.out.println("multi-stack: started in " + (System.nanoTime() - t0) / 1_000_000 + " ms (" + stack.isolation() + ")");
        users = "unrecognised:" + EDGE + "/" + MultiServerStack.EDGE_NETWORK + "/" + stack.loadAddress();
        outsiderNode = "unrecognised:" + A + "/" + MultiServerStack.PRIVATE_NETWORK + "/" + stack.outsiderAddress();
    }

    /** A binary named by TRAEFIK_BIN or -Dtrafficviz.traefik must be usable; with neither, the cache or a skip. */
    static void requireTraefik() {
        for (String named : new String[]{System.getenv(TraefikBinary.ENV), System.getProperty(TraefikBinary.PROPERTY)}) {
            if (named != null && !named.isBlank() && !Files.isExecutable(Path.of(named.trim()))) {
                fail("Traefik binary named by " + TraefikBinary.ENV + " or -D" + TraefikBinary.PROPERTY
                        + " is not executable: " + named);
            }
        }
        assumeTrue(TraefikBinary.locate().isPresent(), TraefikBinary.notFoundMessage());
    }

    MultiServerStack stack() {
        return stack;
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            long t0 = System.nanoTime();
            stack.close();
            System.out.println("multi-stack: stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(stack.gateway().alive()).isFalse();
            for (MultiServerStack.Server s : stack.servers()) {
                assertThat(s.publicProxy().alive()).isFalse();
                assertThat(s.privateProxy().alive()).isFalse();
            }
            stack = null;
        }
    }

    static String service(String server, String name) {
        return "service:" + server + "/" + name;
    }

    static String publicProxy(String server) {
        return "proxy:" + server + "/" + MultiServerStack.PUBLIC_PROXY;
    }

    static String privateProxy(String server) {
        return "proxy:" + server + "/" + MultiServerStack.PRIVATE_PROXY;
    }

    private JsonNode networkInfo() throws Exception {
        return NetworkInfoAssertions.networkInfo(stack.trafficvizUri());
    }

    private ServiceStats.Snapshot stats(String server, String name) {
        return stack.server(server).service(name).stats();
    }

    /**
     * Every request that crossed a proxy is one line: the gateway's and a public proxy's per outside request, and one
     * per call a service or the outsider made.
     */
    private long expectedLines() {
        long lines = 2 * stack.loadGenerator().stats().snapshot().callsTotal()
                + stack.outsider().stats().snapshot().callsTotal();
        for (MultiServerStack.Server s : stack.servers()) {
            for (ServiceHandle svc : s.services().values()) {
                lines += svc.stats().callsTotal();
            }
        }
        return lines;
    }

    /**
     * Waits until trafficviz has every line the traffic so far produced (pushed ones included), then a little longer
     * to see that no more arrive (a push sent twice would show here).
     */
    private JsonNode settledNetworkInfo() throws Exception {
        return NetworkInfoAssertions.settledNetworkInfo(stack.trafficvizUri(), expectedLines(), Duration.ofSeconds(20),
                Duration.ofMillis(500));
    }

    /** The other server's calls to {@code server}'s leaf (server-a's second private service calls b's, and b's a's). */
    private static String other(String server) {
        return server.equals(A) ? B : A;
    }

    /**
     * The graph equals what happened: exact nodes (each in its server's group) and hop edges, each with the counts and
     * status classes its callers counted, the cross-server ones and the gateway's included.
     */
    private Map<String, JsonNode> assertGraphMatchesWhatHappened(JsonNode doc, boolean outsiderSent) {
        ServiceStats.Snapshot load = stack.loadGenerator().stats().snapshot();
        ServiceStats.Snapshot outsider = stack.outsider().stats().snapshot();
        Map<String, JsonNode> nodes = nodes(doc);
        Map<String, JsonNode> edges = edges(doc);

        Set<String> wantNodes = new TreeSet<>(List.of(GATEWAY_ID, users));
        Set<String> wantEdges = new TreeSet<>(List.of(edge(users, GATEWAY_ID)));
        for (String s : List.of(A, B)) {
            wantNodes.addAll(List.of(publicProxy(s), privateProxy(s), service(s, PUBLIC_SERVICE),
                    service(s, PRIVATE_SERVICE_1), service(s, PRIVATE_SERVICE_2), service(s, LEAF_SERVICE)));
            wantEdges.addAll(List.of(
                    edge(GATEWAY_ID, publicProxy(s)),
                    edge(publicProxy(s), service(s, PUBLIC_SERVICE)),
                    edge(service(s, PUBLIC_SERVICE), privateProxy(s)),
                    edge(privateProxy(s), service(s, PRIVATE_SERVICE_1)),
                    edge(privateProxy(s), service(s, PRIVATE_SERVICE_2)),
                    edge(service(s, PRIVATE_SERVICE_1), privateProxy(s)),
                    edge(service(s, PRIVATE_SERVICE_2), privateProxy(s)),
                    edge(service(other(s), PRIVATE_SERVICE_2), privateProxy(s)), // across servers
                    edge(privateProxy(s), service(s, LEAF_SERVICE))));
        }
        if (outsiderSent) {
            wantNodes.add(outsiderNode);
            wantEdges.add(edge(outsiderNode, privateProxy(A)));
        }
        assertThat(nodes.keySet()).isEqualTo(wantNodes);
        assertThat(edges.keySet()).isEqualTo(wantEdges);

        // the server groups: every node in the group of the server it belongs to
        assertThat(nodes.get(GATEWAY_ID).path("kind").asText()).isEqualTo("gateway");
        assertThat(nodes.get(GATEWAY_ID).path("server").asText()).isEqualTo(EDGE);
        assertThat(nodes.get(users).path("server").asText()).isEqualTo(EDGE);
        for (String s : List.of(A, B)) {
            for (String id : List.of(publicProxy(s), privateProxy(s))) {
                assertThat(nodes.get(id).path("kind").asText()).isEqualTo("proxy");
                assertThat(nodes.get(id).path("server").asText()).as(id).isEqualTo(s);
            }
            for (String name : List.of(PUBLIC_SERVICE, PRIVATE_SERVICE_1, PRIVATE_SERVICE_2, LEAF_SERVICE)) {
                assertThat(nodes.get(service(s, name)).path("server").asText()).as(name).isEqualTo(s);
                assertThat(nodes.get(service(s, name)).path("kind").asText()).isEqualTo("service");
            }
        }
        nodes.forEach((id, n) -> assertThat(n.path("outsider").asBoolean(false)).as("%s outsider", id)
                .isEqualTo(id.equals(outsiderNode)));

        // outside users → gateway → each server's public proxy (round robin), as each public service answered
        Map<Integer, Long> sent = load.calls().getOrDefault(PUBLIC_HOST, Map.of());
        assertEdge(edges, edge(users, GATEWAY_ID), sent);
        assertThat(merged(stats(A, PUBLIC_SERVICE).answered(), stats(B, PUBLIC_SERVICE).answered())).isEqualTo(sent);
        for (String s : List.of(A, B)) {
            ServiceStats.Snapshot pub = stats(s, PUBLIC_SERVICE);
            ServiceStats.Snapshot p1 = stats(s, PRIVATE_SERVICE_1);
            ServiceStats.Snapshot p2 = stats(s, PRIVATE_SERVICE_2);
            ServiceStats.Snapshot otherP2 = stats(other(s), PRIVATE_SERVICE_2);
            assertEdge(edges, edge(GATEWAY_ID, publicProxy(s)), pub.answered());
            assertEdge(edges, edge(publicProxy(s), service(s, PUBLIC_SERVICE)), pub.answered());
            assertEdge(edges, edge(service(s, PUBLIC_SERVICE), privateProxy(s)),
                    merged(pub.calls().get(PRIVATE_SERVICE_1), pub.calls().get(PRIVATE_SERVICE_2)));
            assertEdge(edges, edge(privateProxy(s), service(s, PRIVATE_SERVICE_1)), p1.answered());
            assertEdge(edges, edge(privateProxy(s), service(s, PRIVATE_SERVICE_2)), p2.answered());
            assertEdge(edges, edge(service(s, PRIVATE_SERVICE_1), privateProxy(s)), p1.calls().get(LEAF_SERVICE));
            assertEdge(edges, edge(service(s, PRIVATE_SERVICE_2), privateProxy(s)), p2.calls().get(LEAF_SERVICE));
            // the cross-server hop: the other server's second private service, straight to this private proxy
            Map<Integer, Long> cross = otherP2.calls().get(MultiServerStack.crossCall(s));
            assertEdge(edges, edge(service(other(s), PRIVATE_SERVICE_2), privateProxy(s)), cross);
            Map<Integer, Long> intoLeaf = merged(p1.calls().get(LEAF_SERVICE), p2.calls().get(LEAF_SERVICE), cross,
                    s.equals(A) && outsiderSent ? outsider.calls().values().iterator().next() : null);
            assertEdge(edges, edge(privateProxy(s), service(s, LEAF_SERVICE)), intoLeaf);
            assertThat(merged(stats(s, LEAF_SERVICE).answered())).isEqualTo(intoLeaf);
        }
        return edges;
    }

    @Test
    @Order(1)
    void everyProxyIsDiscoveredInItsServersGroupBeforeAnyTraffic() throws Exception {
        JsonNode doc = networkInfo();
        Map<String, String> proxies = new TreeMap<>();
        for (JsonNode server : doc.path("servers")) {
            for (JsonNode p : server.path("proxies")) {
                proxies.put(server.path("name").asText() + "/" + p.path("name").asText(),
                        p.path("role").asText() + " " + p.path("api").path("status").asText());
            }
        }
        assertThat(proxies).isEqualTo(Map.of(
                EDGE + "/" + GATEWAY, "gateway ok",
                A + "/public-proxy", "public ok", A + "/private-proxy", "private ok",
                B + "/public-proxy", "public ok", B + "/private-proxy", "private ok"));
        // services come from discovery, each in its server's group; the gateway's service is no node (its backends
        // are the public proxies)
        Map<String, String> nodes = new TreeMap<>();
        doc.path("nodes").forEach(n -> nodes.put(n.path("id").asText(), n.path("kind").asText() + " "
                + n.path("server").asText()));
        Map<String, String> want = new TreeMap<>(Map.of(GATEWAY_ID, "gateway " + EDGE));
        for (String s : List.of(A, B)) {
            want.put(publicProxy(s), "proxy " + s);
            want.put(privateProxy(s), "proxy " + s);
            for (String name : List.of(PUBLIC_SERVICE, PRIVATE_SERVICE_1, PRIVATE_SERVICE_2, LEAF_SERVICE)) {
                want.put(service(s, name), "service " + s);
            }
        }
        assertThat(nodes).isEqualTo(want);
        assertThat(doc.path("edges")).isEmpty();
        assertThat(doc.path("outsiders").path("count").asLong()).isZero();
    }

    @Test
    @Order(2)
    void everyHopAcrossServersAndTheGatewayIsWhatWasSent() throws Exception {
        List<HttpResult> results = stack.loadGenerator().send(REQUESTS);
        // the concept's services answer 200 with what their callees returned: the leaves' 400s stay on their edges
        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        JsonNode doc = settledNetworkInfo();
        Map<String, JsonNode> edges = assertGraphMatchesWhatHappened(doc, false);

        // the gateway balanced the load over both servers
        assertThat(edges.get(edge(GATEWAY_ID, publicProxy(A))).path("requests").asLong()).isEqualTo(REQUESTS / 2);
        assertThat(edges.get(edge(GATEWAY_ID, publicProxy(B))).path("requests").asLong()).isEqualTo(REQUESTS / 2);
        // every second private service called the other server's leaf once per request it got
        assertThat(stats(B, PRIVATE_SERVICE_2).callsTo(MultiServerStack.crossCall(A))).isEqualTo(REQUESTS / 2);
        assertThat(stats(A, PRIVATE_SERVICE_2).callsTo(MultiServerStack.crossCall(B))).isEqualTo(REQUESTS / 2);
        // cross-server callers are trusted (the other server's network): no outsider yet
        assertThat(doc.path("outsiders").path("count").asLong()).isZero();

        // where the lines came from: files for the gateway and server A; server B only by push
        Map<String, Long> sources = new TreeMap<>();
        doc.path("ingest").path("sources").forEach(s -> sources.put(s.path("path").asText(), s.path("lines").asLong()));
        Path work = stack.workDir();
        long bPrivateLines = stats(B, PUBLIC_SERVICE).callsTotal() + stats(B, PRIVATE_SERVICE_1).callsTotal()
                + stats(B, PRIVATE_SERVICE_2).callsTo(LEAF_SERVICE) + stats(A, PRIVATE_SERVICE_2).callsTo(MultiServerStack.crossCall(B));
        Map<String, Long> want = new TreeMap<>();
        want.put(work.resolve(EDGE).resolve(GATEWAY).resolve("access.log").toString(), (long) REQUESTS);
        want.put(work.resolve(A).resolve("public-proxy").resolve("access.log").toString(), (long) REQUESTS / 2);
        want.put(work.resolve(A).resolve("private-proxy").resolve("access.log").toString(),
                expectedLines() - 2L * REQUESTS - bPrivateLines);
        want.put("otlp:" + B + "/public-proxy", (long) REQUESTS / 2);
        want.put("push:" + B + "/private-proxy", bPrivateLines);
        assertThat(sources).isEqualTo(want);
        assertThat(stack.shippers()).singleElement().satisfies(sh -> {
            assertThat(sh.shippedLines()).isEqualTo(bPrivateLines);
            assertThat(sh.failedPosts()).isZero();
        });
    }

    @Test
    @Order(3)
    void theOutsiderIsFlaggedOnItsNodeItsEventsAndCounted() throws Exception {
        Events events = new Events();
        HTTP.newWebSocketBuilder().buildAsync(URI.create(stack.trafficvizUri().toString().replace("http", "ws")
                + "/access_logs"), events).join();
        Thread.sleep(300); // the hub registers the client after the handshake

        List<HttpResult> results = stack.outsider().send(OUTSIDER_REQUESTS);
        assertThat(results).allSatisfy(r -> assertThat(r.status()).isIn(200, 400));
        JsonNode doc = settledNetworkInfo();
        Map<String, JsonNode> edges = assertGraphMatchesWhatHappened(doc, true);
        assertEdge(edges, edge(outsiderNode, privateProxy(A)),
                stack.outsider().stats().snapshot().calls().values().iterator().next());

        JsonNode outsiders = doc.path("outsiders");
        assertThat(outsiders.path("count").asLong()).isEqualTo(OUTSIDER_REQUESTS);
        Map<String, Long> byProxy = new TreeMap<>();
        outsiders.path("byProxy").forEach(p -> byProxy.put(p.path("id").asText(), p.path("count").asLong()));
        assertThat(byProxy).isEqualTo(Map.of(privateProxy(A), (long) OUTSIDER_REQUESTS, privateProxy(B), 0L));
        assertThat(outsiders.path("recent")).hasSize(OUTSIDER_REQUESTS).allSatisfy(r -> {
            assertThat(r.path("server").asText()).isEqualTo(A);
            assertThat(r.path("proxy").asText()).isEqualTo(MultiServerStack.PRIVATE_PROXY);
            assertThat(r.path("fromId").asText()).isEqualTo(outsiderNode);
            assertThat(r.path("address").asText()).isEqualTo(stack.outsiderAddress());
            assertThat(r.path("path").asText()).isEqualTo(MultiServerStack.OUTSIDER_PATH);
            assertThat(r.path("status").asInt()).isIn(200, 400);
        });

        long deadline = System.currentTimeMillis() + 10_000;
        while (events.flagged().size() < OUTSIDER_REQUESTS && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(events.flagged()).hasSize(OUTSIDER_REQUESTS).allSatisfy(e -> {
            assertThat(e.path("proxyId").asText()).isEqualTo(privateProxy(A));
            assertThat(e.path("fromId").asText()).isEqualTo(outsiderNode);
            assertThat(e.path("toId").asText()).isEqualTo(service(A, LEAF_SERVICE));
        });
        assertThat(events.all).hasSize(OUTSIDER_REQUESTS); // only the outsider sent anything meanwhile
    }

    /** What {@code /access_logs} streams: every event, and those flagged as from an outsider. */
    static final class Events implements WebSocket.Listener {
        final List<JsonNode> all = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JSON.readTree(partial.toString()).path("entries").forEach(all::add);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        List<JsonNode> flagged() {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode e : all) {
                if (e.path("outsider").asBoolean(false)) {
                    out.add(e);
                }
            }
            return out;
        }
    }
}
