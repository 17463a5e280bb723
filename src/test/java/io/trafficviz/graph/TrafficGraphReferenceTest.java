package io.trafficviz.graph;

import io.trafficviz.model.NodeId;
import io.trafficviz.model.NodeKind;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The graph's per-edge statistics against a plain model: per edge, a list of the requests it should have counted. */
class TrafficGraphReferenceTest {
    private record Request(int status, long micros, long bytes, String path, long millis) {
    }

    @Test
    void everyEdgeCountsExactlyTheRequestsThatCrossedIt() {
        SplittableRandom r = new SplittableRandom(42);
        int maxPaths = 20;
        TrafficGraph g = new TrafficGraph(1_000, 10_000, maxPaths);
        List<Node> clients = new ArrayList<>();
        List<Node> proxies = new ArrayList<>();
        List<Node> services = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            clients.add(g.ensureNode(NodeId.parse("unrecognised:s/n/10.0.0." + i), "n"));
        }
        for (int i = 0; i < 4; i++) {
            proxies.add(g.ensureNode(NodeId.proxy("s", "p" + i, i == 0), "n"));
        }
        for (int i = 0; i < 12; i++) {
            services.add(g.ensureNode(NodeId.parse("service:s/svc" + i), "n"));
        }
        Map<String, List<Request>> hops = new HashMap<>();
        Map<String, List<Request>> logical = new HashMap<>();
        long t = 1_700_000_000_000L;
        for (int i = 0; i < 50_000; i++) {
            Node client = clients.get(r.nextInt(clients.size()));
            Node proxy = proxies.get(r.nextInt(proxies.size()));
            int dice = r.nextInt(20);
            Node target = dice == 0 ? null : dice == 1 ? proxies.get(r.nextInt(proxies.size()))
                    : services.get(r.nextInt(services.size()));
            int status = new int[]{0, 101, 200, 200, 204, 301, 404, 499, 500, 503, 700}[r.nextInt(11)];
            long nanos = r.nextLong(1, 5_000_000_000L);
            long origin = r.nextInt(4) == 0 ? 0 : nanos / 2;
            long bytes = r.nextInt(10) == 0 ? -1 : r.nextInt(100_000);
            String path = r.nextInt(50) == 0 ? null : "/p/" + r.nextInt(r.nextBoolean() ? 10 : 5_000);
            t += r.nextInt(300);
            g.recordRequest(client, proxy, target, status, nanos, origin, bytes, path, t);

            hops.computeIfAbsent(client.id() + "->" + proxy.id(), k -> new ArrayList<>())
                    .add(new Request(status, nanos / 1000, bytes, path, t));
            if (target != null && target.kind() == NodeKind.SERVICE) {
                hops.computeIfAbsent(proxy.id() + "->" + target.id(), k -> new ArrayList<>())
                        .add(new Request(status, (origin > 0 ? origin : nanos) / 1000, bytes, path, t));
            }
            Node to = target != null ? target : proxy;
            logical.computeIfAbsent(client.id() + "->" + to.id(), k -> new ArrayList<>())
                    .add(new Request(status, nanos / 1000, bytes, path, t));
        }
        assertMatches(g.hopEdges(), hops, maxPaths, t);
        assertMatches(g.logicalEdges(), logical, maxPaths, t);
    }

    private static void assertMatches(List<Edge> edges, Map<String, List<Request>> expected, int maxPaths, long now) {
        assertThat(edges).extracting(Edge::id).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Edge e : edges) {
            List<Request> requests = expected.get(e.id());
            EdgeStats s = e.stats();
            assertThat(s.requests()).as(e.id()).isEqualTo(requests.size());
            assertThat(s.errors()).isEqualTo(requests.stream().filter(q -> q.status < 200 || q.status > 399).count());
            for (int c = 0; c <= 5; c++) {
                int cls = c;
                assertThat(s.statusClass(c)).isEqualTo(requests.stream()
                        .filter(q -> (q.status >= 100 && q.status < 600 ? q.status / 100 : 0) == cls).count());
            }
            assertThat(s.bytes()).isEqualTo(requests.stream().mapToLong(q -> Math.max(0, q.bytes)).sum());
            assertThat(s.lastSeenMillis()).isEqualTo(requests.stream().mapToLong(Request::millis).max().orElseThrow());
            long inLast10s = requests.stream().filter(q -> q.millis / 1000 > now / 1000 - 10).count();
            assertThat(s.ratePerSecond(now, 10)).isEqualTo(inLast10s / 10.0);
            long[] micros = requests.stream().mapToLong(Request::micros).sorted().toArray();
            long median = micros[(int) Math.max(1, (long) (0.5 * micros.length + 0.5)) - 1];
            assertThat(s.percentileMillis(50) * 1000).isBetween(median - 1.0, median + Math.max(8, median / 128.0));

            Map<String, Long> paths = new HashMap<>();
            long other = 0;
            for (Request q : requests) {
                if (q.path == null) {
                    continue;
                }
                if (paths.containsKey(q.path) || paths.size() < maxPaths) {
                    paths.merge(q.path, 1L, Long::sum);
                } else {
                    other++;
                }
            }
            if (other > 0) {
                paths.put(EdgeStats.OTHER_PATHS, other);
            }
            Map<String, Long> actual = new HashMap<>();
            s.paths().forEach((k, v) -> actual.put(k, v[0]));
            assertThat(actual).as(e.id()).isEqualTo(paths);
        }
    }
}
