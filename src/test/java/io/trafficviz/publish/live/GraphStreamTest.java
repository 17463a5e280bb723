package io.trafficviz.publish.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.GraphDelta;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.model.NodeKind;
import io.trafficviz.graph.NodeView;
import io.trafficviz.model.RequestEvent;
import io.trafficviz.ingest.IngestView;
import io.trafficviz.publish.wire.FoldedRoutes;
import io.trafficviz.publish.wire.NetworkInfoDoc;
import io.trafficviz.telemetry.CallerTraffic;
import io.trafficviz.telemetry.IngestStats;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.OutsiderSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The graph stream against a stand-in for the ingest side: it learns everything from {@link IngestView}'s values,
 * one drain per batch, and asks for node descriptions only for ids it has not announced, once per batch.
 */
class GraphStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An ingest side that hands out the values a test puts in, and counts what it is asked. */
    static final class Values implements IngestView {
        final Map<String, NodeView> graph = new LinkedHashMap<>();
        GraphDelta next = GraphDelta.EMPTY;
        int drains;
        final List<List<String>> nodeQueries = new ArrayList<>();

        @Override
        public long rateClock() {
            return 1_000;
        }

        @Override
        public GraphDelta drainDelta(long rateNow, boolean refreshRates) {
            drains++;
            GraphDelta d = next;
            next = GraphDelta.EMPTY;
            return d;
        }

        @Override
        public void discardChanges() {
            next = GraphDelta.EMPTY;
        }

        @Override
        public List<NodeView> nodes(Collection<String> ids) {
            nodeQueries.add(List.copyOf(ids));
            return ids.stream().filter(graph::containsKey).map(graph::get).toList();
        }

        @Override
        public NetworkSnapshot snapshot(boolean logical, long nowMillis) {
            return new NetworkSnapshot(nowMillis, logical, List.copyOf(graph.values()), List.of(), 0, 0,
                    new IngestTotals(0, 0, 0, 0, List.of()), new OutsiderSnapshot(0, Map.of(), List.of()));
        }

        @Override
        public IngestStats stats() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CallerTraffic callerTraffic() {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.trafficviz.telemetry.RouterTraffic routerTraffic() {
            throw new UnsupportedOperationException();
        }
    }

    private static NodeView node(String id) {
        return new NodeView(id, NodeKind.SERVICE, id, "a", "n", List.of(), false);
    }

    private static RequestEvent event(long seq, String from, String to) {
        return new RequestEvent(seq, 1_000 + seq, "a", "n", "p", from, to, from, "proxy:a/p", to, "GET", "h", "/",
                200, 1.5, false, false, false);
    }

    private static EdgeView edge(String source, String target) {
        return new EdgeView(source + "->" + target, source, target, 1, 0, 0, 1, 0, 0, 0, 0.1, 0, 0, 1, 1, 1, 10, 1_000,
                List.of());
    }

    @Test
    void nodesMentionedButNotYetAnnouncedAreAskedForOnceAndAnnouncedBeforeUse() throws Exception {
        Values ingest = new Values();
        ingest.graph.put("proxy:a/p", node("proxy:a/p"));
        ClientRegistry clients = new ClientRegistry();
        GraphStream stream = new GraphStream(ingest, clients,
                s -> NetworkInfoDoc.of(s, null, List.of(), null));
        LiveHubTest.FakePeer peer = new LiveHubTest.FakePeer(true);
        Client client = new Client("c", peer, LiveHub.Channel.GRAPH);
        clients.add(client);
        clients.send(client, java.nio.ByteBuffer.wrap(stream.hello(io.trafficviz.publish.wire.Masking.NONE)));

        // Known to the graph but never drained (say, created while nobody watched and the hello raced it), and one
        // id the graph does not know at all.
        ingest.graph.put("service:a/x", node("service:a/x"));
        ingest.graph.put("unrecognised:a/n/1", node("unrecognised:a/n/1"));
        ingest.next = new GraphDelta(List.of(), List.of(edge("service:a/x", "proxy:a/p")));
        stream.collect(List.of(event(1, "unrecognised:a/n/1", "ghost")), 0);
        stream.flush(2_000, new FoldedRoutes());

        assertThat(ingest.drains).isEqualTo(1);
        assertThat(ingest.nodeQueries).containsExactly(List.of("service:a/x", "unrecognised:a/n/1", "ghost"));
        JsonNode hello = JSON.readTree(peer.texts().get(0));
        assertThat(hello.path("graph").path("nodes").get(0).path("ix").asInt()).isZero();
        JsonNode batch = JSON.readTree(peer.texts().get(1));
        List<String> announced = new ArrayList<>();
        batch.path("nodes").forEach(n -> announced.add(n.path("id").asText() + "=" + n.path("ix").asInt()));
        assertThat(announced).containsExactly("service:a/x=1", "unrecognised:a/n/1=2");
        assertThat(batch.path("edges").get(0).get(0).asInt()).isEqualTo(1);
        JsonNode e = batch.path("events").get(0);
        assertThat(List.of(e.get(2).asInt(), e.get(3).asInt(), e.get(4).asInt()))
                .as("from, proxy, and an index without a description for the unknown id").containsExactly(2, 0, 3);

        // Everything is known now: nothing more is asked.
        stream.collect(List.of(event(2, "unrecognised:a/n/1", "service:a/x")), 0);
        stream.flush(2_050, new FoldedRoutes());
        assertThat(ingest.drains).isEqualTo(2);
        assertThat(ingest.nodeQueries).hasSize(1);
        assertThat(JSON.readTree(peer.texts().get(2)).path("nodes")).isEmpty();
    }

    @Test
    void aQuietBatchSendsNothingAndNobodyWatchingDiscardsTheChanges() {
        Values ingest = new Values();
        ClientRegistry clients = new ClientRegistry();
        GraphStream stream = new GraphStream(ingest, clients, s -> NetworkInfoDoc.of(s, null, List.of(), null));
        LiveHubTest.FakePeer peer = new LiveHubTest.FakePeer(true);
        clients.add(new Client("c", peer, LiveHub.Channel.GRAPH));
        stream.flush(1_000, new FoldedRoutes());
        assertThat(peer.frames).isEmpty();

        ingest.next = new GraphDelta(List.of(node("service:a/x")), List.of());
        stream.idle(new FoldedRoutes());
        assertThat(ingest.next).isEqualTo(GraphDelta.EMPTY);
        assertThat(ingest.drains).isEqualTo(1);
    }
}
