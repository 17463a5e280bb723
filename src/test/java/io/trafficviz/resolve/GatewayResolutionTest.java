package io.trafficviz.resolve;

import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.model.NodeKind;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.parse.AccessLogEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A gateway in front of the servers' public proxies: the hops gateway → public proxy resolve to proxy nodes. */
class GatewayResolutionTest {
    private static final TrafficvizConfig CONFIG = ConfigLoader.parse("""
            servers:
              - name: edge
                proxies:
                  - {name: gw, role: gateway, network: edge-net, addresses: [10.0.0.1]}
              - name: a
                proxies:
                  - {name: pub, role: public, network: a-pub, addresses: [10.0.1.2]}
                  - {name: priv, role: private, network: a-priv, addresses: [10.0.1.3]}
              - name: b
                proxies:
                  - {name: pub, role: public, network: b-pub, addresses: [10.0.2.2]}
                  - {name: priv, role: private, network: b-priv, addresses: [10.0.2.2]}
            """, Path.of("."));

    private final TrafficGraph graph = new TrafficGraph(1000, 1000, 10);
    private final AddressBook book = new AddressBook();
    private final ResolverOnGraph resolver = new ResolverOnGraph(CONFIG, graph, book);
    private final ProxyContext gw = resolver.proxy("edge", "gw");

    private static AccessLogEntry line(String client, String service, String serviceUrl) {
        AccessLogEntry e = new AccessLogEntry();
        e.clientHost = client;
        e.serviceName = service;
        e.serviceUrl = serviceUrl;
        e.downstreamStatus = 200;
        e.originStatus = 200;
        return e;
    }

    @Test
    void aGatewayLineEndsAtThePublicProxyItsServerUrlNames() {
        ResolverOnGraph.Resolution toA = resolver.resolve(gw, line("203.0.113.7", "public-servers@file", "http://10.0.1.2:80"));
        ResolverOnGraph.Resolution toB = resolver.resolve(gw, line("203.0.113.7", "public-servers@file", "http://10.0.2.2:8000"));
        assertThat(toA.target().id()).isEqualTo("proxy:a/pub");
        assertThat(toA.target().kind()).isEqualTo(NodeKind.PROXY);
        assertThat(toA.proxy().kind()).isEqualTo(NodeKind.GATEWAY);
        // b's two proxies share 10.0.2.2: without entry points the address names neither of them
        assertThat(toB.target().id()).isEqualTo("service:edge/public-servers");
        assertThat(graph.nodes()).extracting(n -> n.id()).doesNotContain("service:edge/public-servers@file");
    }

    @Test
    void thePublicProxysLineFromTheGatewaysAddressHasTheGatewayAsCaller() {
        book.replace("edge/gw", Map.of()); // what the app records for a gateway whose backends are all proxies
        ResolverOnGraph.Resolution r = resolver.resolve(resolver.proxy("a", "pub"), line("10.0.0.1", "web@file", "http://10.0.1.11:8080"));
        assertThat(r.client().id()).isEqualTo("proxy:edge/gw");
        assertThat(r.client().kind()).isEqualTo(NodeKind.GATEWAY);
        assertThat(r.target().id()).isEqualTo("service:a/web");
        assertThat(r.outsider()).isFalse();
    }

    @Test
    void entryPointsTellApartTwoProxiesOnOneAddress() {
        ProxyContext bPub = resolver.proxy("b", "pub");
        ProxyContext bPriv = resolver.proxy("b", "priv");
        assertThat(resolver.proxyAt("http://10.0.2.2:80")).isNull();
        ResolverOnGraph.Resolution before = resolver.resolve(gw, line("203.0.113.7", "public-servers@file", "http://10.0.2.2:80"));
        assertThat(before.target().kind()).isEqualTo(NodeKind.SERVICE);

        assertThat(resolver.setEntryPoints(bPub, List.of(":80", "127.0.0.1:8080"))).isTrue();
        assertThat(resolver.setEntryPoints(bPriv, List.of("0.0.0.0:81", ":53/udp"))).isTrue();
        assertThat(resolver.setEntryPoints(bPriv, List.of("0.0.0.0:81", ":53/udp"))).as("unchanged").isFalse();

        assertThat(resolver.proxyAt("http://10.0.2.2")).isSameAs(bPub);
        assertThat(resolver.proxyAt("http://10.0.2.2:81/x")).isSameAs(bPriv);
        assertThat(resolver.proxyAt("10.0.2.2:53")).isSameAs(bPriv);
        assertThat(resolver.proxyAt("http://10.0.2.2:82")).isNull();
        assertThat(resolver.proxyAt("http://127.0.0.1:8080")).isSameAs(bPub);
        // the cached answer for the URL is dropped once the entry points are known
        ResolverOnGraph.Resolution after = resolver.resolve(gw, line("203.0.113.7", "public-servers@file", "http://10.0.2.2:80"));
        assertThat(after.target().id()).isEqualTo("proxy:b/pub");
    }

    @Test
    void anEntryPointOnAGivenHostNeedsNoConfiguredAddress() {
        ProxyContext aPub = resolver.proxy("a", "pub");
        resolver.setEntryPoints(aPub, List.of("127.0.1.1:40123"));
        assertThat(resolver.proxyAt("http://127.0.1.1:40123")).isSameAs(aPub);
        assertThat(resolver.proxyAt("https://user:pw@127.0.1.1:40123/path?q")).isSameAs(aPub);
        assertThat(resolver.proxyAt("http://127.0.1.1:40124")).isNull();
        assertThat(resolver.proxyAt("https://10.0.1.2")).as("configured address, any port").isSameAs(aPub);
        assertThat(resolver.proxyAt(null)).isNull();
        assertThat(resolver.proxyAt("http://")).isNull();
    }

    @Test
    void ipv6EntryPointsAndUrlsAreCompared() {
        ProxyContext aPriv = resolver.proxy("a", "priv");
        resolver.setEntryPoints(aPriv, List.of("[fd00:0:0::5]:8443"));
        assertThat(resolver.proxyAt("https://[fd00::5]:8443/")).isSameAs(aPriv);
        assertThat(resolver.proxyAt("https://[fd00::5]/")).isNull();
    }

    @Test
    void aServiceDeclaredAsFrontingAProxyEndsThereWithoutAServerUrl() {
        resolver.declareProxyService(gw, "a-site@file", resolver.proxy("a", "pub"));
        ResolverOnGraph.Resolution r = resolver.resolve(gw, line("203.0.113.7", "a-site@file", null));
        assertThat(r.target().id()).isEqualTo("proxy:a/pub");
        // a proxy is never its own backend
        resolver.declareProxyService(gw, "loop@file", gw);
        assertThat(resolver.resolve(gw, line("203.0.113.7", "loop@file", "http://10.0.0.1:80")).target().id())
                .isEqualTo("service:edge/loop");
    }

    @Test
    void aLineTheGatewayAnsweredItselfEndsAtTheGateway() {
        AccessLogEntry e = line("203.0.113.7", null, null);
        e.originStatus = 0;
        e.downstreamStatus = 404;
        assertThat(resolver.resolve(gw, e).answeredByProxy()).isTrue();
    }
}
