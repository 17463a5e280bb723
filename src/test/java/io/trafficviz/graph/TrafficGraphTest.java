package io.trafficviz.graph;

import io.trafficviz.model.NodeId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficGraphTest {
    @Test
    void recordsHopsAndLogicalEdges() {
        TrafficGraph g = new TrafficGraph(100, 100, 10);
        Node client = g.ensureNode(NodeId.parse("external:s/n/1.2.3.4"), "n");
        Node proxy = g.ensureNode(NodeId.parse("proxy:s/p"), "n");
        Node svc = g.ensureNode(NodeId.parse("service:s/api"), "n");
        g.recordRequest(client, proxy, svc, 200, 5_000_000, 4_000_000, 10, "/", 0);
        g.recordRequest(client, proxy, null, 404, 1_000, 0, 19, "/nope", 0);
        assertThat(g.hopEdge(client, proxy).stats().requests()).isEqualTo(2);
        assertThat(g.hopEdge(proxy, svc).stats().requests()).isEqualTo(1);
        assertThat(g.hopEdge(proxy, svc).stats().percentileMillis(50)).isBetween(3.9, 4.1);
        assertThat(g.logicalEdges()).extracting(Edge::id)
                .containsExactlyInAnyOrder("external:s/n/1.2.3.4->service:s/api", "external:s/n/1.2.3.4->proxy:s/p");
        TrafficGraph.Changes changes = g.drainChanges();
        assertThat(changes.nodes()).hasSize(3);
        assertThat(changes.edges()).hasSize(2);
        assertThat(g.drainChanges().isEmpty()).isTrue();
    }

    @Test
    void capsFoldIntoOverflowNodesAndEdges() {
        TrafficGraph g = new TrafficGraph(5, 3, 10);
        Node proxy = g.ensureNode(NodeId.parse("proxy:s/p"), "n");
        for (int i = 0; i < 50; i++) {
            Node c = g.ensureNode(NodeId.parse("unrecognised:s/n/10.0.0." + i), "n");
            g.recordRequest(c, proxy, null, 200, 1, 0, 1, "/", 0);
        }
        assertThat(g.nodes().size()).isLessThanOrEqualTo(6);
        assertThat(g.overflowedNodes()).isGreaterThan(0);
        assertThat(g.hopEdges().size()).isLessThanOrEqualTo(4);
        long total = g.hopEdges().stream().mapToLong(e -> e.stats().requests()).sum();
        assertThat(total).as("no request is lost to the caps").isEqualTo(50);
    }
}
