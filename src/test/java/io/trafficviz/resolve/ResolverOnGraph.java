package io.trafficviz.resolve;

import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.graph.Node;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.model.NodeFact;
import io.trafficviz.model.NodeId;
import io.trafficviz.model.Route;
import io.trafficviz.parse.AccessLogEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * A resolver whose facts a graph applies, as ingest does: lets the resolver's tests speak of the nodes a route comes
 * to (their kinds, labels, networks, the node cap's overflow node).
 */
final class ResolverOnGraph {
    final RequestResolver resolver;
    final TrafficGraph graph;

    /** Who called whom, as the graph's nodes. */
    record Resolution(Node client, Node proxy, Node target, boolean outsider) {
        boolean answeredByProxy() {
            return target == null;
        }
    }

    ResolverOnGraph(TrafficvizConfig config, TrafficGraph graph, AddressBook book) {
        this.resolver = new RequestResolver(config, book, null);
        this.graph = graph;
        resolver.proxyFacts().forEach(graph::apply);
    }

    ProxyContext proxy(String server, String proxy) {
        return resolver.proxy(server, proxy);
    }

    ProxyContext proxyForLine(List<ProxyContext> candidates, AccessLogEntry entry) {
        return resolver.proxyForLine(candidates, entry);
    }

    Resolution resolve(ProxyContext ctx, AccessLogEntry entry) {
        List<NodeFact> facts = new ArrayList<>();
        Route route = resolver.resolve(ctx, entry, facts);
        facts.forEach(graph::apply);
        return new Resolution(node(route.caller()), node(route.proxy()),
                route.target() == null ? null : node(route.target()), route.outsider());
    }

    void declareService(ProxyContext ctx, String serviceName) {
        List<NodeFact> facts = new ArrayList<>();
        resolver.declareService(ctx, serviceName, facts);
        facts.forEach(graph::apply);
    }

    void declareProxyService(ProxyContext ctx, String serviceName, ProxyContext backend) {
        resolver.declareProxyService(ctx, serviceName, backend);
    }

    boolean setEntryPoints(ProxyContext ctx, List<String> listen) {
        return resolver.setEntryPoints(ctx, listen);
    }

    ProxyContext proxyAt(String url) {
        return resolver.proxyAt(url);
    }

    /** The node standing for {@code id}: its own, else its server's overflow node. */
    private Node node(NodeId id) {
        Node node = graph.node(id);
        return node != null ? node : graph.node(NodeId.overflow(id.server()));
    }
}
