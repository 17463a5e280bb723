package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.trafficviz.dev.demo.HttpResult;
import io.trafficviz.dev.demo.ServiceStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.trafficviz.dev.stack.MultiServerStack.LEAF_SERVICE;
import static io.trafficviz.dev.stack.MultiServerStack.LOAD_ADDRESS;
import static io.trafficviz.dev.stack.MultiServerStack.PRIVATE_NETWORK;
import static io.trafficviz.dev.stack.MultiServerStack.PRIVATE_SERVICE_1;
import static io.trafficviz.dev.stack.MultiServerStack.PRIVATE_SERVICE_2;
import static io.trafficviz.dev.stack.MultiServerStack.PUBLIC_HOST;
import static io.trafficviz.dev.stack.MultiServerStack.PUBLIC_NETWORK;
import static io.trafficviz.dev.stack.MultiServerStack.PUBLIC_SERVICE;
import static io.trafficviz.dev.stack.AccessLogs.from;
import static io.trafficviz.dev.stack.AccessLogs.router;
import static io.trafficviz.dev.stack.AccessLogs.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The stack against real Traefik, without trafficviz: what the proxies logged must be exactly what the services and
 * the load generator counted. Skipped only when no Traefik binary is found.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackTraefikIT {
    private static MultiServerStack stack;
    private static MultiServerStack.Server server;

    @BeforeAll
    static void startStack() {
        assumeTrue(TraefikBinary.locate().isPresent(), TraefikBinary.notFoundMessage());
        stack = MultiServerStack.start(StackOptions.defaults().withStartTrafficviz(false)
                .withIsolation(StackOptions.Isolation.LOOPBACK), 1, System.out::println);
        server = stack.servers().get(0);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static ServiceStats.Snapshot stats(String service) {
        return server.service(service).stats();
    }

    @Test
    @Order(1)
    void traefikServesTheConfiguredRoutersAndBackends() throws Exception {
        assertThat(stack.loopbackMode()).isEqualTo(SourceAddresses.Mode.LOOPBACK_RANGE);
        assertThat(server.privateProxy().routerStatus()).containsAllEntriesOf(Map.of(
                "private-communicating-service-1@file", "enabled",
                "private-communicating-service-2@file", "enabled",
                "private-non-communicating-service@file", "enabled"));
        assertThat(server.publicProxy().routerStatus()).containsEntry("public-communicating-service@file", "enabled");

        Map<String, String> backends = server.privateProxy().apiList("/api/http/services").stream()
                .filter(s -> "file".equals(s.path("provider").asText()))
                .collect(Collectors.toMap(s -> s.path("name").asText(),
                        s -> s.path("loadBalancer").path("servers").get(0).path("url").asText()));
        assertThat(backends).isEqualTo(Map.of(
                "private-communicating-service-1@file", "http://127.0.0.21:" + server.service(PRIVATE_SERVICE_1).baseUri().getPort(),
                "private-communicating-service-2@file", "http://127.0.0.22:" + server.service(PRIVATE_SERVICE_2).baseUri().getPort(),
                "private-non-communicating-service@file", "http://127.0.0.31:" + server.service(LEAF_SERVICE).baseUri().getPort()));
    }

    @Test
    @Order(2)
    void everyHopIsLoggedWithTheCallersOwnAddressAndTheCountsMatchWhatTheServicesSaw() {
        List<HttpResult> results = stack.loadGenerator().send(40);
        // the concept's services answer 200 with what their callees returned: only the leaf's hop carries 400s
        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));

        Path pub = server.publicProxy().accessLog();
        Path priv = server.privateProxy().accessLog();
        AccessLogs.awaitLines(pub, 40, 5000);
        AccessLogs.awaitLines(priv, 40 * 2 + 40 * 2, 5000);

        ServiceStats.Snapshot load = stats(PUBLIC_SERVICE);
        assertThat(load.received()).isEqualTo(40);
        // outside users → public proxy → public communicating service
        List<JsonNode> publicLines = AccessLogs.read(pub);
        assertThat(publicLines).hasSize(40).allSatisfy(n -> {
            assertThat(n.path("ClientHost").asText()).isEqualTo(LOAD_ADDRESS);
            assertThat(n.path("RouterName").asText()).isEqualTo("public-communicating-service@file");
            assertThat(n.path("request_X-Network-Name").asText()).isEqualTo(PUBLIC_NETWORK);
        });
        ServiceStats.Snapshot gen = stack.loadGenerator().stats().snapshot();
        assertThat(AccessLogs.count(pub, status(200))).isEqualTo(gen.callsTo(PUBLIC_HOST, 200))
                .isEqualTo(load.answered(200)).isEqualTo(40);

        // public communicating service → private proxy → private communicating services
        for (String svc : List.of(PRIVATE_SERVICE_1, PRIVATE_SERVICE_2)) {
            ServiceStats.Snapshot callee = stats(svc);
            assertThat(AccessLogs.count(priv, from("127.0.0.11").and(router(svc + "@file")))).isEqualTo(40)
                    .isEqualTo(callee.received()).isEqualTo(load.callsTo(svc));
            assertThat(AccessLogs.count(priv, router(svc + "@file").and(status(200))))
                    .isEqualTo(callee.answered(200)).isEqualTo(load.callsTo(svc, 200)).isEqualTo(40);
        }
        // private communicating services → private proxy → leaf
        ServiceStats.Snapshot leaf = stats(LEAF_SERVICE);
        assertThat(leaf.received()).isEqualTo(80);
        for (String caller : List.of("127.0.0.21", "127.0.0.22")) {
            assertThat(AccessLogs.count(priv, from(caller).and(router(LEAF_SERVICE + "@file")))).isEqualTo(40);
        }
        assertThat(AccessLogs.count(priv, router(LEAF_SERVICE + "@file").and(status(400))))
                .isEqualTo(leaf.answered(400)).isPositive();
        assertThat(AccessLogs.read(priv)).allSatisfy(n ->
                assertThat(n.path("request_X-Network-Name").asText()).isEqualTo(PRIVATE_NETWORK));
    }

    @Test
    @Order(3)
    void anUnroutedRequestIsAnsweredByTheProxyWith404() {
        HttpResult r = stack.loadGenerator().send("nowhere.localhost", "/missing");
        assertThat(r.status()).isEqualTo(404);
        Path pub = server.publicProxy().accessLog();
        AccessLogs.awaitLines(pub, 41, 5000);
        JsonNode last = AccessLogs.read(pub).get(40);
        assertThat(last.path("RequestHost").asText()).isEqualTo("nowhere.localhost");
        assertThat(last.path("DownstreamStatus").asInt()).isEqualTo(404);
        assertThat(last.path("OriginStatus").asInt()).isZero();
        assertThat(last.has("RouterName")).isFalse();
        assertThat(last.has("ServiceName")).isFalse();
    }

    @Test
    @Order(4)
    void aKilledBackendMakesTheProxyAnswer502AndItsCallersReportIt() {
        server.service(LEAF_SERVICE).stop();
        try {
            List<HttpResult> results = stack.loadGenerator().send(3);
            assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            AccessLogs.awaitLines(server.privateProxy().accessLog(), 160 + 12, 5000);
            assertThat(AccessLogs.count(server.privateProxy().accessLog(),
                    router(LEAF_SERVICE + "@file").and(status(502)))).isEqualTo(6);
            assertThat(stats(PRIVATE_SERVICE_1).callsTo(LEAF_SERVICE, 502)).isEqualTo(3);
            assertThat(AccessLogs.count(server.privateProxy().accessLog(), status(502))).isEqualTo(6);
        } finally {
            server.service(LEAF_SERVICE).start();
        }
        assertThat(stack.loadGenerator().sendOnce().status()).isEqualTo(200);
    }
}
