package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the stack contracts ({@link StackNetworkInfoContract}, {@link MultiServerStackContract}) read {@code
 * /network_info} with: the document once every line is in, its nodes and edges by id, and an edge checked against
 * what its callers counted themselves.
 */
final class NetworkInfoAssertions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private NetworkInfoAssertions() {
    }

    static JsonNode networkInfo(URI trafficviz) throws Exception {
        HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(trafficviz.resolve("/network_info"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).isEqualTo(200);
        return JSON.readTree(resp.body());
    }

    /**
     * Waits (at most {@code timeout}) until trafficviz has ingested the {@code want} lines the traffic so far produced,
     * then {@code quiet} longer to see that no more arrive (a push sent twice would show there), and returns the
     * document: exactly {@code want} lines, none malformed.
     */
    static JsonNode settledNetworkInfo(URI trafficviz, long want, Duration timeout, Duration quiet) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        JsonNode doc = networkInfo(trafficviz);
        while (doc.path("ingest").path("lines").asLong() < want && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            doc = networkInfo(trafficviz);
        }
        if (!quiet.isZero()) {
            Thread.sleep(quiet.toMillis());
            doc = networkInfo(trafficviz);
        }
        assertThat(doc.path("ingest").path("lines").asLong()).as("lines ingested: %s", doc.path("ingest"))
                .isEqualTo(want);
        assertThat(doc.path("ingest").path("malformed").asLong()).isZero();
        return doc;
    }

    static String edge(String from, String to) {
        return from + "->" + to;
    }

    static Map<String, JsonNode> edges(JsonNode doc) {
        Map<String, JsonNode> out = new TreeMap<>();
        doc.path("edges").forEach(e -> out.put(e.path("id").asText(), e));
        return out;
    }

    static Map<String, JsonNode> nodes(JsonNode doc) {
        Map<String, JsonNode> out = new TreeMap<>();
        doc.path("nodes").forEach(n -> out.put(n.path("id").asText(), n));
        return out;
    }

    /** status → count maps added up; null ones (nothing counted) are skipped. */
    @SafeVarargs
    static Map<Integer, Long> merged(Map<Integer, Long>... maps) {
        return merged(Arrays.asList(maps));
    }

    static Map<Integer, Long> merged(Collection<Map<Integer, Long>> maps) {
        Map<Integer, Long> out = new HashMap<>();
        for (Map<Integer, Long> m : maps) {
            if (m != null) {
                m.forEach((k, v) -> out.merge(k, v, Long::sum));
            }
        }
        return out;
    }

    /** 2xx/3xx/4xx/5xx buckets of a status → count map. */
    private static Map<String, Long> buckets(Map<Integer, Long> byStatus) {
        Map<String, Long> out = new LinkedHashMap<>(Map.of("2xx", 0L, "3xx", 0L, "4xx", 0L, "5xx", 0L));
        byStatus.forEach((status, n) -> {
            assertThat(status).as("every call got an HTTP answer").isBetween(200, 599);
            out.merge(status / 100 + "xx", n, Long::sum);
        });
        return out;
    }

    /** The edge exists and carries exactly the requests, status classes and errors of {@code byStatus}. */
    static void assertEdge(Map<String, JsonNode> edges, String id, Map<Integer, Long> byStatus) {
        JsonNode e = edges.get(id);
        assertThat(e).as("edge %s", id).isNotNull();
        Map<String, Long> want = buckets(byStatus);
        long total = want.values().stream().mapToLong(Long::longValue).sum();
        assertThat(e.path("requests").asLong()).as("%s requests", id).isEqualTo(total).isPositive();
        for (String b : List.of("2xx", "3xx", "4xx", "5xx")) {
            assertThat(e.path("status").path(b).asLong()).as("%s %s", id, b).isEqualTo(want.get(b));
        }
        assertThat(e.path("errors").asLong()).as("%s errors", id).isEqualTo(want.get("4xx") + want.get("5xx"));
    }
}
