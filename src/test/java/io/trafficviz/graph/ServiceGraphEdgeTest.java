package io.trafficviz.graph;

import io.trafficviz.model.NodeId;
import io.trafficviz.model.Route;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The logical edges as Tempo's service-graph series count them: cumulative buckets, the sum, failures. */
class ServiceGraphEdgeTest {
    @Test
    void countsEachDurationAtOrBelowEachBound_andSumsThem() {
        TrafficGraph graph = new TrafficGraph(100, 100, 10);
        Route route = new Route(NodeId.external("a", "pub"), NodeId.proxy("a", "p", false), NodeId.service("a", "api"),
                false);
        long[] millis = {1, 99, 100, 101, 450, 5_000};
        for (long ms : millis) {
            graph.record(route, ms == 450 ? 503 : 200, ms * 1_000_000, 0, 10, "/", 1_000);
        }
        ServiceGraphEdge e = graph.serviceGraph(new long[] {100_000, 400_000, 12_800_000}).get(0);
        assertThat(e.client()).isEqualTo("external:a/pub");
        assertThat(e.server()).isEqualTo("service:a/api");
        assertThat(e.requests()).isEqualTo(6);
        assertThat(e.failed()).isEqualTo(1);
        assertThat(e.atOrBelow()).containsExactly(3, 4, 6);
        assertThat(e.sumSeconds()).isCloseTo(5.751, within(0.06));
    }
}
