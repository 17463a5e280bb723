package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.trafficviz.dev.demo.HttpResult;
import io.trafficviz.dev.demo.ServiceStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The single server ({@link MultiServerStack} with one server, as {@code stack} runs it), whatever the addressing
 * ({@link StackNetworkInfoIT}: loopback, {@link StackNamespacesIT}: network namespaces): real Traefik proxies,
 * real services, trafficviz tailing the proxies' access logs and polling their APIs. Everything trafficviz shows on
 * {@code /network_info} must equal what the services and the load generator
 * counted themselves. Skipped only when no Traefik binary is found.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StackNetworkInfoContract {
    static final String SERVER = "server-a";
    static final String PUBLIC_PROXY = "proxy:server-a/public-proxy";
    static final String PRIVATE_PROXY = "proxy:server-a/private-proxy";
    private static String OUTSIDE;

    private static MultiServerStack stack;

    /** How to run the stack; the assertions are the same whatever the addressing. */
    abstract StackOptions options();

    /** Checks that can skip the class (beyond a missing Traefik binary). */
    void assumptions() {
    }

    @BeforeAll
    void startStack() {
        assumeTrue(TraefikBinary.locate().isPresent(), TraefikBinary.notFoundMessage());
        assumptions();
        long t0 = System.nanoTime();
        stack = MultiServerStack.start(options(), 1, msg -> System.out.println("stack: " + msg));
        System.out.println("stack: started in " + (System.nanoTime() - t0) / 1_000_000 + " ms (" + stack.isolation() + ")");
        OUTSIDE = "unrecognised:server-a/public-net/" + stack.loadAddress();
    }

    MultiServerStack stack() {
        return stack;
    }

    /** The one server. */
    static MultiServerStack.Server server() {
        return stack.server(SERVER);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            long t0 = System.nanoTime();
            stack.close();
            System.out.println("stack: stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(stack.gateway()).isNull();
            assertThat(server().publicProxy().alive()).isFalse();
            assertThat(server().privateProxy().alive()).isFalse();
            stack = null;
        }
    }

    static String service(String name) {
        return "service:server-a/" + name;
    }

    private static JsonNode networkInfo() throws Exception {
        return NetworkInfoAssertions.networkInfo(stack.trafficvizUri());
    }

    private static ServiceStats.Snapshot stats(String name) {
        return server().service(name).stats();
    }

    /** Every request that crossed a proxy is one log line: what the callers made, counted by themselves. */
    private static long expectedLines() {
        return stack.loadGenerator().stats().snapshot().callsTotal() + stats(PUBLIC_SERVICE).callsTotal()
                + stats(PRIVATE_SERVICE_1).callsTotal() + stats(PRIVATE_SERVICE_2).callsTotal();
    }

    /** Waits until trafficviz has ingested every line the traffic so far produced, and returns the document. */
    private static JsonNode settledNetworkInfo() throws Exception {
        return NetworkInfoAssertions.settledNetworkInfo(stack.trafficvizUri(), expectedLines(), Duration.ofSeconds(10),
                Duration.ZERO);
    }

    /**
     * The graph equals the ground truth: the exact hop edges, each with the counts and status classes its caller
     * counted (a proxy → service hop carries what came back through the proxy to the callers).
     */
    private static Map<String, JsonNode> assertGraphMatchesWhatHappened(JsonNode doc) {
        ServiceStats.Snapshot load = stack.loadGenerator().stats().snapshot();
        ServiceStats.Snapshot pub = stats(PUBLIC_SERVICE);
        ServiceStats.Snapshot p1 = stats(PRIVATE_SERVICE_1);
        ServiceStats.Snapshot p2 = stats(PRIVATE_SERVICE_2);
        Map<String, JsonNode> edges = edges(doc);

        assertThat(nodes(doc).keySet()).containsExactlyInAnyOrder(PUBLIC_PROXY, PRIVATE_PROXY, OUTSIDE,
                service(PUBLIC_SERVICE), service(PRIVATE_SERVICE_1), service(PRIVATE_SERVICE_2), service(LEAF_SERVICE));
        assertThat(edges.keySet()).containsExactlyInAnyOrder(
                edge(OUTSIDE, PUBLIC_PROXY),
                edge(PUBLIC_PROXY, service(PUBLIC_SERVICE)),
                edge(service(PUBLIC_SERVICE), PRIVATE_PROXY),
                edge(PRIVATE_PROXY, service(PRIVATE_SERVICE_1)),
                edge(PRIVATE_PROXY, service(PRIVATE_SERVICE_2)),
                edge(service(PRIVATE_SERVICE_1), PRIVATE_PROXY),
                edge(service(PRIVATE_SERVICE_2), PRIVATE_PROXY),
                edge(PRIVATE_PROXY, service(LEAF_SERVICE)));

        // outside users → public proxy: everything they sent, whatever the Host
        assertEdge(edges, edge(OUTSIDE, PUBLIC_PROXY), merged(load.calls().values()));
        // public proxy → public communicating service: only what was routed, as the service answered it
        assertEdge(edges, edge(PUBLIC_PROXY, service(PUBLIC_SERVICE)), load.calls().getOrDefault(PUBLIC_HOST, Map.of()));
        assertThat(load.calls().getOrDefault(PUBLIC_HOST, Map.of())).isEqualTo(pub.answered());
        // public communicating service → private proxy → private communicating services
        assertEdge(edges, edge(service(PUBLIC_SERVICE), PRIVATE_PROXY), merged(pub.calls().values()));
        assertEdge(edges, edge(PRIVATE_PROXY, service(PRIVATE_SERVICE_1)), pub.calls().get(PRIVATE_SERVICE_1));
        assertEdge(edges, edge(PRIVATE_PROXY, service(PRIVATE_SERVICE_2)), pub.calls().get(PRIVATE_SERVICE_2));
        assertThat(pub.calls().get(PRIVATE_SERVICE_1)).isEqualTo(p1.answered());
        assertThat(pub.calls().get(PRIVATE_SERVICE_2)).isEqualTo(p2.answered());
        // private communicating services → private proxy → non-communicating service
        assertEdge(edges, edge(service(PRIVATE_SERVICE_1), PRIVATE_PROXY), p1.calls().get(LEAF_SERVICE));
        assertEdge(edges, edge(service(PRIVATE_SERVICE_2), PRIVATE_PROXY), p2.calls().get(LEAF_SERVICE));
        assertEdge(edges, edge(PRIVATE_PROXY, service(LEAF_SERVICE)),
                merged(p1.calls().get(LEAF_SERVICE), p2.calls().get(LEAF_SERVICE)));
        return edges;
    }

    @Test
    @Order(1)
    void discoveryFromTheTraefikApisMatchesTheConfigs() throws Exception {
        JsonNode doc = networkInfo();
        Map<String, String> proxies = new TreeMap<>();
        for (JsonNode server : doc.path("servers")) {
            assertThat(server.path("name").asText()).isEqualTo(SERVER);
            for (JsonNode p : server.path("proxies")) {
                proxies.put(p.path("name").asText(), p.path("role").asText() + "/" + p.path("network").asText()
                        + "/" + p.path("api").path("status").asText());
                assertThat(p.path("api").path("error").isNull()).isTrue();
            }
        }
        assertThat(proxies).isEqualTo(Map.of(
                MultiServerStack.PUBLIC_PROXY, "public/public-net/ok",
                MultiServerStack.PRIVATE_PROXY, "private/private-net/ok"));
        // Before any traffic, the services come from discovery alone: exactly the configured routers' services, on
        // the network of the proxy that lists them.
        Map<String, String> services = new TreeMap<>();
        doc.path("nodes").forEach(n -> {
            if ("service".equals(n.path("kind").asText())) {
                services.put(n.path("id").asText(), n.path("network").asText());
            }
        });
        assertThat(services).isEqualTo(Map.of(
                service(PUBLIC_SERVICE), "public-net",
                service(PRIVATE_SERVICE_1), "private-net",
                service(PRIVATE_SERVICE_2), "private-net",
                service(LEAF_SERVICE), "private-net"));
        assertThat(doc.path("edges")).isEmpty();
    }

    @Test
    @Order(2)
    void everyHopAndItsCountsAreWhatTheServicesCounted() throws Exception {
        List<HttpResult> results = stack.loadGenerator().send(60);
        // as in the concept, a communicating service answers 200 with what its callees returned: every user gets 200
        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));

        Map<String, JsonNode> edges = assertGraphMatchesWhatHappened(settledNetworkInfo());

        ServiceStats.Snapshot leaf = stats(LEAF_SERVICE);
        assertThat(leaf.received()).isEqualTo(120);
        JsonNode leafEdge = edges.get(edge(PRIVATE_PROXY, service(LEAF_SERVICE)));
        assertThat(leafEdge.path("requests").asLong()).isEqualTo(leaf.received());
        // the share of 400s on the leaf's edge is the share the leaf answered (about 40%, seeded)
        double edgeShare = leafEdge.path("status").path("4xx").asDouble() / leafEdge.path("requests").asDouble();
        double leafShare = (double) leaf.answered(400) / leaf.received();
        assertThat(edgeShare).isEqualTo(leafShare).isBetween(0.2, 0.6);
        // the red is on the leaf's edge only: every hop above it is all 2xx
        for (String hop : List.of(edge(OUTSIDE, PUBLIC_PROXY), edge(PUBLIC_PROXY, service(PUBLIC_SERVICE)),
                edge(service(PUBLIC_SERVICE), PRIVATE_PROXY), edge(PRIVATE_PROXY, service(PRIVATE_SERVICE_1)),
                edge(PRIVATE_PROXY, service(PRIVATE_SERVICE_2)))) {
            assertThat(edges.get(hop).path("status").path("2xx").asLong()).as(hop)
                    .isEqualTo(edges.get(hop).path("requests").asLong()).isPositive();
        }
        assertThat(stats(PUBLIC_SERVICE).answered()).isEqualTo(Map.of(200, 60L));
        assertThat(edges.get(edge(OUTSIDE, PUBLIC_PROXY)).path("p50Ms").asDouble()).isPositive();
    }

    @Test
    @Order(3)
    void anUnroutedRequestEndsAtTheProxy() throws Exception {
        Map<String, JsonNode> before = edges(settledNetworkInfo());
        for (int i = 0; i < 3; i++) {
            assertThat(stack.loadGenerator().send("nowhere.localhost", "/missing").status()).isEqualTo(404);
        }
        JsonNode doc = settledNetworkInfo();
        Map<String, JsonNode> after = assertGraphMatchesWhatHappened(doc);

        JsonNode outside = after.get(edge(OUTSIDE, PUBLIC_PROXY));
        assertThat(outside.path("status").path("4xx").asLong()).isEqualTo(3);
        assertThat(outside.path("requests").asLong())
                .isEqualTo(before.get(edge(OUTSIDE, PUBLIC_PROXY)).path("requests").asLong() + 3);
        // no service edge for it: the public proxy → service hop is unchanged and no edge was added
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(after.get(edge(PUBLIC_PROXY, service(PUBLIC_SERVICE))).path("requests").asLong())
                .isEqualTo(before.get(edge(PUBLIC_PROXY, service(PUBLIC_SERVICE))).path("requests").asLong());
    }

    @Test
    @Order(4)
    void aKilledBackendShowsAs502OnItsEdgeOnly() throws Exception {
        long leafReceived = stats(LEAF_SERVICE).received();
        Map<String, JsonNode> before = edges(settledNetworkInfo());
        server().service(LEAF_SERVICE).stop();
        try {
            List<HttpResult> results = stack.loadGenerator().send(5);
            assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));

            Map<String, JsonNode> edges = assertGraphMatchesWhatHappened(settledNetworkInfo());
            assertThat(stats(LEAF_SERVICE).received()).isEqualTo(leafReceived);
            // the proxy's 502 for the gone leaf is on the two hops into it; nothing above it turned red
            for (String hop : edges.keySet()) {
                long added5xx = edges.get(hop).path("status").path("5xx").asLong()
                        - before.get(hop).path("status").path("5xx").asLong();
                boolean intoLeaf = hop.equals(edge(PRIVATE_PROXY, service(LEAF_SERVICE)));
                boolean leafCall = hop.equals(edge(service(PRIVATE_SERVICE_1), PRIVATE_PROXY))
                        || hop.equals(edge(service(PRIVATE_SERVICE_2), PRIVATE_PROXY));
                assertThat(added5xx).as(hop).isEqualTo(intoLeaf ? 10 : leafCall ? 5 : 0);
            }
        } finally {
            server().service(LEAF_SERVICE).start();
        }
        assertThat(stack.loadGenerator().sendOnce().status()).isEqualTo(200);
        assertThat(stats(LEAF_SERVICE).received()).isEqualTo(leafReceived + 2);
        assertGraphMatchesWhatHappened(settledNetworkInfo());
    }
}
