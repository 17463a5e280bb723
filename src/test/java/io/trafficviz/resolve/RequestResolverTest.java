package io.trafficviz.resolve;

import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.graph.Node;
import io.trafficviz.model.NodeKind;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.parse.AccessLogEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestResolverTest {
    private static final TrafficvizConfig CONFIG = ConfigLoader.parse("""
            limits: {maxUnknownPerGroup: 2}
            servers:
              - name: a
                trustedNetworks: [10.50.0.0/16]
                proxies:
                  - {name: pub, role: public, network: pub-net}
                  - {name: priv, role: private, network: priv-net, addresses: [172.20.0.2]}
              - name: b
                proxies:
                  - {name: priv, role: private, network: b-net}
            names:
              172.25.0.5: batch-job
              192.168.7.0/24: office
            """, Path.of("."));

    private final TrafficGraph graph = new TrafficGraph(1000, 1000, 10);
    private final AddressBook book = new AddressBook();
    private final ResolverOnGraph resolver = new ResolverOnGraph(CONFIG, graph, book);

    private static AccessLogEntry request(String client, String service) {
        AccessLogEntry e = new AccessLogEntry();
        e.clientHost = client;
        e.serviceName = service;
        e.downstreamStatus = 200;
        e.originStatus = service == null ? 0 : 200;
        return e;
    }

    @Test
    void aWorkloadIsOneNodeAsBackendAndAsCaller() {
        book.replace("a/pub", Map.of("172.25.0.3", new Workload("a", "api", "pub-net")));
        ResolverOnGraph.Resolution asBackend = resolver.resolve(resolver.proxy("a", "pub"), request("8.8.8.8", "api@file"));
        ResolverOnGraph.Resolution asCaller = resolver.resolve(resolver.proxy("a", "priv"), request("172.25.0.3", "db@docker"));
        assertThat(asBackend.target().id()).isEqualTo("service:a/api");
        assertThat(asCaller.client()).isSameAs(asBackend.target());
        assertThat(asCaller.target().id()).isEqualTo("service:a/db");
        assertThat(asCaller.outsider()).isFalse();
        assertThat(asBackend.client().kind()).isEqualTo(NodeKind.EXTERNAL);
    }

    @Test
    void aServiceBothProxiesRouteToIsInTheFirstConfiguredProxysNetworkWhicheverNamesItFirst() {
        for (boolean privateFirst : new boolean[] {true, false}) {
            TrafficGraph g = new TrafficGraph(1000, 1000, 10);
            ResolverOnGraph r = new ResolverOnGraph(CONFIG, g, new AddressBook());
            List<ProxyContext> order = privateFirst
                    ? List.of(r.proxy("a", "priv"), r.proxy("a", "pub")) : List.of(r.proxy("a", "pub"), r.proxy("a", "priv"));
            r.declareService(order.get(0), "shop@file");
            g.drainChanges();
            r.declareService(order.get(1), "shop@file");
            Node shop = g.node("service:a/shop");
            assertThat(shop.network()).as("private proxy first: %s", privateFirst).isEqualTo("pub-net");
            // Moving it is a change clients are told about; keeping it is none.
            List<String> changed = g.drainChanges().nodes().stream().map(Node::id).toList();
            if (privateFirst) {
                assertThat(changed).containsExactly("service:a/shop");
            } else {
                assertThat(changed).isEmpty();
            }
            // A service only the private proxy routes to stays in its network.
            r.declareService(r.proxy("a", "priv"), "db@file");
            assertThat(g.node("service:a/db").network()).isEqualTo("priv-net");
        }
    }

    @Test
    void theAddressBookPrefersTheFirstConfiguredProxysWorkloadWhicheverDiscoveryAnsweredFirst() {
        AddressBook ordered = new AddressBook(List.of("a/pub", "a/priv"));
        ordered.replace("a/priv", Map.of("172.25.0.3", new Workload("a", "api", "priv-net")));
        ordered.replace("a/pub", Map.of("172.25.0.3", new Workload("a", "api", "pub-net")));
        assertThat(ordered.lookup("172.25.0.3", "a").network()).isEqualTo("pub-net");
    }

    @Test
    void pastTheNodeCapEveryNewOutsideCallerIsCountedAsAnOverflow() {
        TrafficGraph small = new TrafficGraph(3, 1000, 10); // the three proxies fill it
        ResolverOnGraph capped = new ResolverOnGraph(CONFIG, small, new AddressBook());
        ProxyContext pub = capped.proxy("a", "pub");
        for (int i = 1; i <= 5; i++) {
            ResolverOnGraph.Resolution r = capped.resolve(pub, request("8.8.8." + i, null));
            assertThat(r.client().id()).isEqualTo("overflow:a");
            assertThat(small.overflowedNodes()).isEqualTo(i);
        }
        // The external node an uncapped graph gives every outside caller is one node, looked up once.
        Node first = resolver.resolve(resolver.proxy("a", "pub"), request("8.8.8.1", null)).client();
        assertThat(resolver.resolve(resolver.proxy("a", "pub"), request("9.9.9.9", null)).client()).isSameAs(first);
        assertThat(first.kind()).isEqualTo(NodeKind.EXTERNAL);
    }

    @Test
    void sameAddressOnTwoServersPrefersTheLoggingProxysServer() {
        book.replace("a/priv", Map.of("172.17.0.2", new Workload("a", "svc-a", "priv-net")));
        book.replace("b/priv", Map.of("172.17.0.2", new Workload("b", "svc-b", "b-net")));
        assertThat(resolver.resolve(resolver.proxy("b", "priv"), request("172.17.0.2", null)).client().id())
                .isEqualTo("service:b/svc-b");
        assertThat(resolver.resolve(resolver.proxy("a", "priv"), request("172.17.0.2", null)).client().id())
                .isEqualTo("service:a/svc-a");
    }

    @Test
    void crossServerCallerIsFoundAndFlaggedAsOutsiderOnAPrivateProxy() {
        book.replace("a/pub", Map.of("10.0.1.5", new Workload("a", "web", "pub-net")));
        ResolverOnGraph.Resolution r = resolver.resolve(resolver.proxy("b", "priv"), request("10.0.1.5", "x@file"));
        assertThat(r.client().id()).isEqualTo("service:a/web");
        assertThat(r.outsider()).isTrue();
        assertThat(r.client().outsider()).isTrue();
    }

    @Test
    void orderProxyThenStaticNamesThenUnknown() {
        ProxyContext pub = resolver.proxy("a", "pub");
        assertThat(resolver.resolve(pub, request("172.20.0.2", null)).client().id()).isEqualTo("proxy:a/priv");
        assertThat(resolver.resolve(pub, request("172.25.0.5", null)).client().id()).isEqualTo("service:a/batch-job");
        assertThat(resolver.resolve(pub, request("192.168.7.33", null)).client().label()).isEqualTo("office");
        assertThat(resolver.resolve(pub, request("203.0.113.9", null)).client().id()).isEqualTo("external:a/pub-net");
        assertThat(resolver.resolve(pub, request("198.51.100.1", null)).client().id()).isEqualTo("external:a/pub-net");
        assertThat(resolver.resolve(pub, request("10.9.9.9", null)).client().id())
                .isEqualTo("unrecognised:a/pub-net/10.9.9.9");
    }

    @Test
    void unrecognisedCallersAreCappedPerGroup() {
        ProxyContext pub = resolver.proxy("a", "pub");
        List<String> ids = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4").stream()
                .map(ip -> resolver.resolve(pub, request(ip, null)).client().id()).toList();
        assertThat(ids).containsExactly("unrecognised:a/pub-net/10.0.0.1", "unrecognised:a/pub-net/10.0.0.2",
                "unrecognised:a/pub-net/other", "unrecognised:a/pub-net/other");
    }

    @Test
    void answeredByProxyEndsAtTheProxy() {
        ResolverOnGraph.Resolution r = resolver.resolve(resolver.proxy("a", "pub"), request("203.0.113.9", null));
        assertThat(r.target()).isNull();
        assertThat(r.answeredByProxy()).isTrue();
        AccessLogEntry noServer = request("203.0.113.9", "api@file");
        noServer.originStatus = 0;
        noServer.downstreamStatus = 503;
        assertThat(resolver.resolve(resolver.proxy("a", "pub"), noServer).answeredByProxy()).isTrue();
    }

    @Test
    void aCommonLineWithoutServiceNameTargetsItsRouterElseItsServiceUrl() {
        ProxyContext pub = resolver.proxy("a", "pub");
        AccessLogEntry common = request("8.8.8.8", null);
        common.originStatus = 200;
        common.routerName = "shop@file";
        common.serviceUrl = "http://shop:8080";
        assertThat(resolver.resolve(pub, common).target().id()).isEqualTo("service:a/shop");
        common.routerName = null;
        assertThat(resolver.resolve(pub, common).target().label()).isEqualTo("http://shop:8080");
    }

    @Test
    void forwardedForListsUseTheOriginalClient() {
        ResolverOnGraph.Resolution r = resolver.resolve(resolver.proxy("a", "pub"), request("172.25.0.5, 10.0.0.1", null));
        assertThat(r.client().label()).isEqualTo("batch-job");
    }

    @Test
    void privateProxyTrustsOwnServerAndTrustedNetworksOnly() {
        ProxyContext priv = resolver.proxy("a", "priv");
        assertThat(resolver.resolve(priv, request("10.50.3.3", null)).outsider()).isFalse();
        assertThat(resolver.resolve(priv, request("10.51.3.3", null)).outsider()).isTrue();
        assertThat(resolver.resolve(priv, request("203.0.113.1", null)).outsider()).isTrue();
        assertThat(resolver.resolve(resolver.proxy("a", "pub"), request("203.0.113.1", null)).outsider()).isFalse();
    }

    @Test
    void sharedFileLinesGoToTheProxyTheirNetworkHeaderNames() {
        List<ProxyContext> both = List.of(resolver.proxy("a", "pub"), resolver.proxy("a", "priv"));
        AccessLogEntry e = routed("1.1.1.1", "internal", "priv-net");
        assertThat(resolver.proxyForLine(both, e).proxyName()).isEqualTo("priv");
        assertThat(resolver.proxyForLine(both, request("1.1.1.1", null)).proxyName()).isEqualTo("pub");
    }

    @Test
    void aLineThatMatchedNoRouterCannotBeSteeredByTheClientsOwnNetworkHeader() {
        List<ProxyContext> both = List.of(resolver.proxy("a", "pub"), resolver.proxy("a", "priv"));
        // An outsider's request to the private proxy's entry point matching no router: no middleware set the header,
        // so it is the client's, naming the public proxy to escape the private one's outsider check.
        AccessLogEntry forged = request("8.8.8.8", null);
        forged.entryPointName = "internal";
        forged.putHeader("request_X-Network-Name", "pub-net");

        // Before any routed line: the header is ignored; the line goes where a line without it goes.
        assertThat(resolver.proxyForLine(both, forged).proxyName()).isEqualTo("pub");
        // Routed lines (header set by the proxies' middlewares) teach which entry point is whose.
        resolver.proxyForLine(both, routed("172.20.0.9", "internal", "priv-net"));
        resolver.proxyForLine(both, routed("8.8.4.4", "websecure", "pub-net"));

        assertThat(resolver.proxyForLine(both, forged).proxyName()).isEqualTo("priv");
        assertThat(resolver.resolve(resolver.proxy("a", "priv"), forged).outsider()).isTrue();
        forged.entryPointName = "websecure";
        forged.putHeader("request_X-Network-Name", "priv-net");
        assertThat(resolver.proxyForLine(both, forged).proxyName()).isEqualTo("pub");
    }

    private static AccessLogEntry routed(String client, String entryPoint, String network) {
        AccessLogEntry e = request(client, "svc@file");
        e.routerName = "r@file";
        e.entryPointName = entryPoint;
        e.putHeader("request_X-Network-Name", network);
        return e;
    }

    @Test
    void publicAddressClassification() {
        assertThat(RequestResolver.isPublic("8.8.8.8")).isTrue();
        assertThat(RequestResolver.isPublic("2001:4860::8888")).isTrue();
        for (String p : List.of("10.1.2.3", "172.16.0.1", "172.31.255.1", "192.168.1.1", "127.0.0.1", "169.254.1.1",
                "100.64.0.1", "::1", "fd00::1", "fe80::1", "not-an-ip")) {
            assertThat(RequestResolver.isPublic(p)).as(p).isFalse();
        }
        assertThat(RequestResolver.isPublic("172.32.0.1")).isTrue();
    }
}
