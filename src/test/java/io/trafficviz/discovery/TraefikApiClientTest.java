package io.trafficviz.discovery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraefikApiClientTest {
    private final FakeTraefikApi traefik = FakeTraefikApi.start();

    @AfterEach
    void stop() {
        traefik.close();
    }

    private TraefikApiClient client(String url, int pageSize) {
        return new TraefikApiClient(url, Duration.ofSeconds(2), Duration.ofSeconds(5), pageSize);
    }

    @Test
    void readsRealTraefikShapesFollowingXNextPageAcrossPages() throws Exception {
        ProxyInventory inventory = client(traefik.url(), 2).fetchInventory();

        // 5 routers at 2 per page = 3 pages; 7 services = 4 pages; X-Next-Page "1" ends each walk.
        assertThat(traefik.requests()).filteredOn(r -> r.startsWith("/api/http/routers"))
                .containsExactly("/api/http/routers?page=1&per_page=2", "/api/http/routers?page=2&per_page=2",
                        "/api/http/routers?page=3&per_page=2");
        assertThat(traefik.requests()).filteredOn(r -> r.startsWith("/api/http/services")).hasSize(4);
        assertThat(traefik.requests()).contains("/api/version", "/api/overview",
                "/api/entrypoints?page=1&per_page=2");

        assertThat(inventory.version()).isEqualTo("v3.6.12");
        assertThat(inventory.entryPoints()).containsExactly(new EntryPoint("traefik", "127.0.0.1:18080"),
                new EntryPoint("web", "127.0.0.1:18081"));
        assertThat(inventory.routers()).extracting(Router::name).containsExactly("api@internal",
                "dashboard@internal", "private-communicating-service@file",
                "private-non-communicating-service@file", "weighted-router@file");
        // Traefik reports the router's service unqualified; it means the router's own provider.
        assertThat(inventory.router("weighted-router@file")).get().isEqualTo(new Router("weighted-router@file",
                "PathPrefix(`/weighted`)", "split@file", java.util.List.of("web"), "enabled", "file"));
        assertThat(inventory.router("api@internal")).get().extracting(Router::service, Router::provider)
                .containsExactly("api@internal", "internal");

        assertThat(inventory.services()).hasSize(7);
        assertThat(inventory.service("private-non-communicating-service@file")).get()
                .isEqualTo(new Service("private-non-communicating-service@file", "loadbalancer", "file",
                        java.util.List.of("http://127.0.0.1:9002/", "http://[::1]:9003"), "enabled",
                        java.util.List.of()));
        assertThat(inventory.service("split@file")).get().extracting(Service::type, Service::children)
                .containsExactly("weighted", java.util.List.of("private-communicating-service@file",
                        "private-non-communicating-service@file"));
        assertThat(inventory.service("mirror@file")).get().extracting(Service::type, Service::children)
                .containsExactly("mirroring", java.util.List.of("private-communicating-service@file",
                        "private-non-communicating-service@file"));
        assertThat(inventory.service("api@internal")).get().extracting(Service::type, Service::serverUrls)
                .containsExactly(Service.TYPE_UNKNOWN, java.util.List.of());
        assertThat(inventory.fetchedAtMillis()).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(10_000L));
    }

    @Test
    void defaultPageSizeFetchesEverythingInOneRequestPerList() throws Exception {
        ProxyInventory inventory = new TraefikApiClient(traefik.url()).fetchInventory();

        assertThat(inventory.routers()).hasSize(5);
        assertThat(traefik.requests()).filteredOn(r -> r.startsWith("/api/http/routers"))
                .containsExactly("/api/http/routers?page=1&per_page=100");
    }

    @Test
    void stopsWhenNextPageRepeatsOrIsMissing() throws Exception {
        // A broken server that always says "next: 1" on page 1 must not make us loop.
        traefik.override("/api/http/routers", new FakeTraefikApi.Canned(200, "application/json",
                "[{\"name\":\"a@file\",\"service\":\"s\"}]", Map.of("X-Next-Page", "1")));
        traefik.override("/api/http/services", new FakeTraefikApi.Canned(200, "application/json",
                "[{\"name\":\"s@file\"}]", Map.of()));
        traefik.override("/api/entrypoints", new FakeTraefikApi.Canned(200, "application/json",
                "[{\"name\":\"web\"}]", Map.of("X-Next-Page", "0")));

        ProxyInventory inventory = client(traefik.url(), 1).fetchInventory();

        assertThat(inventory.routers()).extracting(Router::service).containsExactly("s@file");
        assertThat(inventory.services()).extracting(Service::name).containsExactly("s@file");
        assertThat(inventory.entryPoints()).containsExactly(new EntryPoint("web", null));
        assertThat(traefik.requests()).filteredOn(r -> r.startsWith("/api/http/")).hasSize(2);
    }

    @Test
    void anApiThatPagesPastTheBoundIsCutThereAndSaysSo() throws Exception {
        // 662 k routers over 331 pages killed discovery at -Xmx256m, silently: now the list stops at the bound.
        com.fasterxml.jackson.databind.node.ArrayNode routers = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.arrayNode();
        for (int i = 0; i < TraefikApiClient.MAX_ITEMS + 5_000; i++) {
            routers.addObject().put("name", "r" + i + "@file").put("service", "s").put("rule", "Path(`/" + i + "`)");
        }
        traefik.document("/api/http/routers", routers);
        TraefikApiClient client = client(traefik.url(), 2_000);

        ProxyInventory inventory = client.fetchInventory();

        assertThat(inventory.routers()).hasSize(TraefikApiClient.MAX_ITEMS);
        assertThat(client.lastCut()).contains("/api/http/routers", "cut after " + TraefikApiClient.MAX_ITEMS);
        assertThat(traefik.requests()).filteredOn(r -> r.startsWith("/api/http/routers")).hasSize(10);
        // The poller keeps the cut inventory and says what was cut in its state (/network_info's api status).
        try (DiscoveryPoller poller = new DiscoveryPoller("s/p", traefik.url(), null, Duration.ofMinutes(1), i -> { })) {
            DiscoveryState state = poller.refreshNow();
            assertThat(state.status()).isEqualTo(DiscoveryState.Status.OK);
            assertThat(state.error()).contains("cut after " + TraefikApiClient.MAX_ITEMS);
        }
        // A proxy within the bound is not cut, and the note goes away.
        traefik.document("/api/http/routers", FakeTraefikApi.fixture("http-routers.json"));
        client.fetchInventory();
        assertThat(client.lastCut()).isNull();
    }

    @Test
    void toleratesUnknownAndMissingFields() throws Exception {
        traefik.override("/api/http/services", new FakeTraefikApi.Canned(200, "application/json", """
                [{"name": "x@docker", "futureField": {"a": 1}, "loadBalancer": {"servers": [{"url": 7}, {}]}},
                 {"provider": "file"},
                 {"name": "y@file", "serverStatus": {"http://10.0.0.9:80": "DOWN"}}]""", Map.of()));

        var services = client(traefik.url(), 100).fetchServices();

        assertThat(services).containsExactly(
                new Service("x@docker", "loadbalancer", "docker", java.util.List.of("7"), null, null),
                new Service("y@file", Service.TYPE_UNKNOWN, "file", java.util.List.of("http://10.0.0.9:80"), null,
                        null));
    }

    @Test
    void garbageBodyIsReportedWithUrlAndWhatCameBack() {
        traefik.override("/api/http/routers", FakeTraefikApi.Canned.of(200, "<html><body>Welcome to nginx</body>"));

        assertThatThrownBy(() -> client(traefik.url(), 100).fetchRouters())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("GET " + traefik.url() + "/api/http/routers?page=1&per_page=100")
                .hasMessageContaining("not JSON")
                .hasMessageContaining("Welcome to nginx");
    }

    @Test
    void jsonOfTheWrongShapeIsReported() {
        traefik.override("/api/http/services", new FakeTraefikApi.Canned(200, "application/json",
                "{\"message\":\"hello\"}", Map.of()));

        assertThatThrownBy(() -> client(traefik.url(), 100).fetchServices())
                .hasMessageContaining("/api/http/services").hasMessageContaining("expected a JSON array, got object");
    }

    @Test
    void non2xxStatusIsReportedWithItsBody() {
        traefik.override("/api/version", FakeTraefikApi.Canned.of(502, "Bad Gateway"));

        assertThatThrownBy(() -> client(traefik.url(), 100).fetchInventory())
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("GET " + traefik.url() + "/api/version: HTTP 502: \"Bad Gateway\"");
    }

    @Test
    void apiNotEnabledIsA404() {
        traefik.override("/api/version", FakeTraefikApi.Canned.of(404, "404 page not found\n"));

        assertThatThrownBy(() -> client(traefik.url(), 100).fetchVersion())
                .hasMessageEndingWith("/api/version: HTTP 404: \"404 page not found\"");
    }

    @Test
    void refusedConnectionSaysSo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> client("http://127.0.0.1:" + closedPort, 100).fetchInventory())
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("GET http://127.0.0.1:" + closedPort + "/api/version: connection refused");
    }

    @Test
    void slowServerTimesOut() {
        traefik.delayEveryAnswer(1_500);
        TraefikApiClient impatient = new TraefikApiClient(traefik.url(), Duration.ofSeconds(1),
                Duration.ofMillis(300), 100);

        assertThatThrownBy(impatient::fetchVersion).hasMessageContaining("/api/version")
                .hasMessageMatching(".*(no response within 300 ms|no complete response within 300 ms)");
    }

    @Test
    void credentialsInTheUrlBecomeBasicAuthAndAreNeverShown() throws Exception {
        // "pa:ss@" percent-encoded in the URL; the header carries it decoded: base64("user:pa:ss@").
        traefik.requireAuthorization("Basic dXNlcjpwYTpzc0A=");

        ProxyInventory inventory = client("http://user:pa%3Ass%40@127.0.0.1:" + traefik.port(), 100)
                .fetchInventory();
        assertThat(inventory.routers()).hasSize(5);

        TraefikApiClient wrong = client("http://user:secret@127.0.0.1:" + traefik.port() + "/", 100);
        assertThat(wrong.displayUrl()).isEqualTo(traefik.url());
        assertThatThrownBy(wrong::fetchVersion)
                .hasMessageContaining("HTTP 401 (check the user:password in the API URL)")
                .hasMessageNotContaining("secret");
    }

    @Test
    void apiUrlIsTakenApartForgivingly() {
        assertThat(ApiEndpoint.parse("127.0.0.1:8080").display()).isEqualTo("http://127.0.0.1:8080");
        assertThat(ApiEndpoint.parse("http://traefik:8080/api/").display()).isEqualTo("http://traefik:8080");
        assertThat(ApiEndpoint.parse("https://proxy.example/traefik").resolve("/api/version").toString())
                .isEqualTo("https://proxy.example/traefik/api/version");
        assertThat(ApiEndpoint.parse("http://[::1]:8080").display()).isEqualTo("http://[::1]:8080");
        assertThat(ApiEndpoint.parse("http://u:p@h:1").authorization()).isEqualTo("Basic dTpw");
        assertThat(ApiEndpoint.parse("http://h:1").authorization()).isNull();

        assertThatThrownBy(() -> ApiEndpoint.parse("http://my_proxy:8080"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("underscores");
        assertThatThrownBy(() -> ApiEndpoint.parse("ftp://u:hidden@h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hidden");
    }
}
