package io.trafficviz.graph;

import io.trafficviz.model.NodeId;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which edges go into the live stream's deltas, and when (docs/protocol.md, "Edge rows"). */
class DeltaTrackerTest {
    private static final long T0 = 1_752_585_273_000L;
    private final DeltaTracker tracker = new DeltaTracker();
    private TrafficGraph g;
    private Node client;
    private Node proxy;
    private Node svc;

    @BeforeEach
    void graph() {
        g = new TrafficGraph(100, 100, 10);
        client = g.ensureNode(NodeId.parse("unrecognised:s/n/10.0.0.1"), "n");
        proxy = g.ensureNode(NodeId.parse("proxy:s/p"), "n");
        svc = g.ensureNode(NodeId.parse("service:s/api"), "n");
    }

    private void request(Node target, int status, long at) {
        g.recordRequest(client, proxy, target, status, 2_000_000, 1_000_000, 100, "/x", at);
    }

    private static List<String> ids(GraphDelta d) {
        return d.edges().stream().map(EdgeView::id).toList();
    }

    @Test
    void aNewEdgeGoesOutAtOnceWithItsNodes() {
        request(svc, 200, T0);
        GraphDelta d = tracker.drain(g, T0, false);
        assertThat(d.nodes()).extracting(NodeView::id)
                .containsExactly("unrecognised:s/n/10.0.0.1", "proxy:s/p", "service:s/api");
        assertThat(ids(d)).containsExactly("unrecognised:s/n/10.0.0.1->proxy:s/p", "proxy:s/p->service:s/api");
        EdgeView hop = d.edges().get(1);
        assertThat(hop.source()).isEqualTo("proxy:s/p");
        assertThat(hop.target()).isEqualTo("service:s/api");
        assertThat(hop.requests()).isEqualTo(1);
        assertThat(hop.status2xx()).isEqualTo(1);
        assertThat(hop.lastSeen()).isEqualTo(T0);
        assertThat(hop.topPaths()).as("rows do not carry top paths").isEmpty();
        assertThat(tracker.drain(g, T0, false)).isEqualTo(GraphDelta.EMPTY);

        // An edge first crossed later is new too, while a known one waits.
        request(null, 404, T0 + 10);
        request(svc, 200, T0 + 10);
        assertThat(ids(tracker.drain(g, T0 + 10, false))).isEmpty();
    }

    @Test
    void knownEdgesStatisticsGoOutOnlyAtARefresh() {
        request(svc, 200, T0);
        tracker.drain(g, T0, false);
        request(svc, 503, T0 + 100);
        assertThat(tracker.drain(g, T0 + 100, false).edges()).as("no refresh yet").isEmpty();
        request(svc, 200, T0 + 200);
        GraphDelta refresh = tracker.drain(g, T0 + 200, true);
        assertThat(ids(refresh)).containsExactlyInAnyOrder("unrecognised:s/n/10.0.0.1->proxy:s/p",
                "proxy:s/p->service:s/api").doesNotHaveDuplicates();
        EdgeView hop = refresh.edges().stream().filter(e -> e.target().equals("service:s/api")).findFirst().orElseThrow();
        assertThat(hop.requests()).isEqualTo(3);
        assertThat(hop.errors()).isEqualTo(1);
        assertThat(hop.status5xx()).isEqualTo(1);
    }

    @Test
    void recentlyBusyEdgesAreResentAtEachRefreshSoTheirRatesFallThenNoMore() {
        for (int i = 0; i < 50; i++) {
            request(svc, 200, T0 + i * 20);
        }
        double busy = tracker.drain(g, T0 + 1_000, true).edges().get(0).ratePerSec();
        assertThat(busy).isPositive();

        // No traffic since: within the rate window the edges come again, with lower rates, though nothing changed.
        GraphDelta quiet = tracker.drain(g, T0 + 10_500, true);
        assertThat(ids(quiet)).hasSize(2);
        assertThat(quiet.edges().get(0).ratePerSec()).isLessThan(busy);
        assertThat(tracker.drain(g, T0 + 10_500, false).edges()).as("only at a refresh").isEmpty();

        long lastSeen = T0 + 49 * 20;
        GraphDelta idle = tracker.drain(g, lastSeen + DeltaTracker.RATE_WINDOW_MILLIS, true);
        assertThat(ids(idle)).as("last one, at rate 0").hasSize(2);
        assertThat(idle.edges().get(0).ratePerSec()).isZero();
        assertThat(tracker.drain(g, lastSeen + DeltaTracker.RATE_WINDOW_MILLIS + 1, true).edges())
                .as("out of the window").isEmpty();
    }

    @Test
    void discardedChangesAreNotSentButAnEdgeNeverSentIsStillNewLater() {
        request(svc, 200, T0);
        tracker.discard(g);
        assertThat(tracker.drain(g, T0, true).nodes()).isEmpty();
        request(svc, 200, T0 + 100);
        assertThat(ids(tracker.drain(g, T0 + 100, false)))
                .containsExactly("unrecognised:s/n/10.0.0.1->proxy:s/p", "proxy:s/p->service:s/api");
    }

    @Test
    void changedNodesComeAgainWithTheirNewDescription() {
        request(svc, 200, T0);
        tracker.drain(g, T0, false);
        g.markOutsider(client);
        g.moveToNetwork(svc, "m");
        GraphDelta d = tracker.drain(g, T0, false);
        assertThat(d.nodes()).extracting(NodeView::id, NodeView::outsider, NodeView::network)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("unrecognised:s/n/10.0.0.1", true, "n"),
                        org.assertj.core.groups.Tuple.tuple("service:s/api", false, "m"));
    }
}
