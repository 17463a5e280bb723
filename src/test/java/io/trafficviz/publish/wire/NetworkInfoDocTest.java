package io.trafficviz.publish.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.json.JavalinJackson;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.model.NodeKind;
import io.trafficviz.graph.NodeView;
import io.trafficviz.graph.PathCount;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.OutsiderSnapshot;
import io.trafficviz.telemetry.SourceSnapshot;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code /network_info} document from values, field by field and in the order docs/protocol.md shows. */
class NetworkInfoDocTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static NetworkSnapshot snapshot() {
        List<NodeView> nodes = List.of(
                new NodeView("proxy:a/priv", NodeKind.PROXY, "priv", "a", "n", List.of("10.0.0.2"), false),
                new NodeView("unrecognised:a/n/1.2.3.4", NodeKind.UNRECOGNISED, "1.2.3.4", "a", "n",
                        List.of("1.2.3.4"), true));
        List<EdgeView> edges = List.of(new EdgeView("unrecognised:a/n/1.2.3.4->proxy:a/priv",
                "unrecognised:a/n/1.2.3.4", "proxy:a/priv", 4, 1, 0, 3, 0, 1, 0, 1.23456, 0.1, 1.0 / 3, 0, 12.5, 40.0004,
                1234, 1_752_585_273_787L, List.of(new PathCount("/admin", 3), new PathCount("/x", 1))));
        Map<String, Long> byProxy = new LinkedHashMap<>();
        byProxy.put("a/priv", 1L);
        OutsiderSnapshot outsiders = new OutsiderSnapshot(1, byProxy, List.of(new OutsiderSnapshot.Entry(
                1_752_585_273_787L, "a", "priv", "1.2.3.4", "unrecognised:a/n/1.2.3.4", "1.2.3.4", "GET", "/admin",
                200)));
        IngestTotals totals = new IngestTotals(5, 1, 0, 1_752_585_273_787L, List.of(
                new SourceSnapshot("/logs/priv.log", "json", 4, 1, "not JSON", List.of("not JSON: x")),
                new SourceSnapshot("push:a/priv", "json", 1, 0, null, List.of())));
        return new NetworkSnapshot(1_752_585_274_000L, false, nodes, edges, 0, 2, totals, outsiders);
    }

    private static NetworkInfoDoc doc() {
        NetworkInfoDoc.Proxy proxy = new NetworkInfoDoc.Proxy("priv", "proxy:a/priv", "private", "n",
                new NetworkInfoDoc.Api("none", null, null));
        Map<String, Object> tailer = new LinkedHashMap<>();
        tailer.put("offset", 4096L);
        tailer.put("state", "following");
        tailer.put("rotations", 0);
        tailer.put("lastError", "gone");
        Map<String, Object> push = new LinkedHashMap<>();
        push.put("state", "push");
        push.put("requests", 1L);
        return NetworkInfoDoc.of(snapshot(), null, List.of(new NetworkInfoDoc.Server("a", List.of(proxy))),
                origin -> origin.startsWith("push:") ? push : tailer);
    }

    private static final String EXPECTED = "{\"generatedAt\":1752585274000,\"view\":\"hops\","
            + "\"servers\":[{\"name\":\"a\",\"proxies\":[{\"name\":\"priv\",\"id\":\"proxy:a/priv\",\"role\":\"private\","
            + "\"network\":\"n\",\"api\":{\"status\":\"none\",\"lastRefresh\":null,\"error\":null}}]}],"
            + "\"nodes\":[{\"id\":\"proxy:a/priv\",\"kind\":\"proxy\",\"label\":\"priv\",\"server\":\"a\",\"network\":\"n\","
            + "\"addresses\":[\"10.0.0.2\"]},"
            + "{\"id\":\"unrecognised:a/n/1.2.3.4\",\"kind\":\"unrecognised\",\"label\":\"1.2.3.4\",\"server\":\"a\","
            + "\"network\":\"n\",\"addresses\":[\"1.2.3.4\"],\"outsider\":true}],"
            + "\"edges\":[{\"id\":\"unrecognised:a/n/1.2.3.4->proxy:a/priv\",\"source\":\"unrecognised:a/n/1.2.3.4\","
            + "\"target\":\"proxy:a/priv\",\"requests\":4,\"errors\":1,"
            + "\"status\":{\"1xx\":0,\"2xx\":3,\"3xx\":0,\"4xx\":1,\"5xx\":0},\"ratePerSec\":1.235,\"rate1m\":0.1,"
            + "\"rate5m\":0.333,\"p50Ms\":0.0,\"p95Ms\":12.5,\"p99Ms\":40.0,\"bytes\":1234,\"lastSeen\":1752585273787,"
            + "\"topPaths\":[{\"path\":\"/admin\",\"requests\":3},{\"path\":\"/x\",\"requests\":1}]}],"
            + "\"overflow\":{\"nodes\":0,\"edges\":2},"
            + "\"outsiders\":{\"count\":1,\"byProxy\":[{\"server\":\"a\",\"proxy\":\"priv\",\"id\":\"proxy:a/priv\",\"count\":1}],"
            + "\"recent\":[{\"time\":1752585273787,\"server\":\"a\",\"proxy\":\"priv\",\"from\":\"1.2.3.4\","
            + "\"fromId\":\"unrecognised:a/n/1.2.3.4\",\"address\":\"1.2.3.4\",\"method\":\"GET\",\"path\":\"/admin\","
            + "\"status\":200}]},"
            + "\"ingest\":{\"lines\":5,\"malformed\":1,\"lastLineTime\":1752585273787,\"sources\":["
            // the reader's offset and lastError take the place of the ingest side's; its other fields follow
            + "{\"path\":\"/logs/priv.log\",\"format\":\"json\",\"offset\":4096,\"lines\":4,\"malformed\":1,"
            + "\"lastError\":\"gone\",\"recentMalformed\":[\"not JSON: x\"],\"state\":\"following\",\"rotations\":0},"
            + "{\"path\":\"push:a/priv\",\"format\":\"json\",\"offset\":null,\"lines\":1,\"malformed\":0,"
            + "\"lastError\":null,\"recentMalformed\":[],\"state\":\"push\",\"requests\":1}]}}";

    @Test
    void theDocumentIsWrittenFieldByFieldInTheProtocolsOrder() throws Exception {
        assertThat(JSON.writeValueAsString(doc())).isEqualTo(EXPECTED);
    }

    @Test
    void javalinWritesTheSameDocument() {
        assertThat(new JavalinJackson().toJsonString(doc(), NetworkInfoDoc.class)).isEqualTo(EXPECTED);
    }

    @Test
    void aNoticeAndTheLogicalViewAreSaid() throws Exception {
        NetworkSnapshot s = snapshot();
        NetworkSnapshot logical = new NetworkSnapshot(s.generatedAt(), true, s.nodes(), s.edges(), 0, 0,
                new IngestTotals(0, 0, 0, 0, List.of()), new OutsiderSnapshot(0, Map.of(), List.of()));
        String json = JSON.writeValueAsString(NetworkInfoDoc.of(logical, "simulated", List.of(), null));
        assertThat(json).startsWith("{\"generatedAt\":1752585274000,\"notice\":\"simulated\",\"view\":\"logical\",")
                .contains("\"ingest\":{\"lines\":0,\"malformed\":0,\"lastLineTime\":null,\"sources\":[]}");
    }

    @Test
    void aHelloIsTheDocumentWithEveryNodesIndexLast() {
        String hello = new String(Messages.hello(doc().withNodeIx(id -> id.startsWith("proxy:") ? 7 : 8)),
                StandardCharsets.UTF_8);
        assertThat(hello).isEqualTo("{\"type\":\"hello\",\"graph\":" + EXPECTED
                .replace("\"addresses\":[\"10.0.0.2\"]}", "\"addresses\":[\"10.0.0.2\"],\"ix\":7}")
                .replace("\"outsider\":true}", "\"outsider\":true,\"ix\":8}") + "}");
    }

    @Test
    void batchNodesCarryTheirIndex() {
        NodeView n = snapshot().nodes().get(1);
        assertThat(new String(Messages.nodes(List.of(n), id -> 3), StandardCharsets.UTF_8)).isEqualTo(
                "[{\"id\":\"unrecognised:a/n/1.2.3.4\",\"kind\":\"unrecognised\",\"label\":\"1.2.3.4\",\"server\":\"a\","
                        + "\"network\":\"n\",\"addresses\":[\"1.2.3.4\"],\"outsider\":true,\"ix\":3}]");
        assertThat(Messages.nodes(List.of(), id -> 0)).containsExactly('[', ']');
    }

    @Test
    void edgeRowsAreTheSameFiguresAsNumbers() {
        EdgeView e = snapshot().edges().get(0);
        String rows = new String(EdgeRows.write(List.of(e, e), id -> id.startsWith("proxy:") ? 0 : 1),
                StandardCharsets.UTF_8);
        String row = "[1,0,4,1,0,3,0,1,0,1.235,0.1,0.333,0,12.5,40,1234,1752585273787]";
        assertThat(rows).isEqualTo("[" + row + "," + row + "]");
        assertThat(EdgeRows.write(List.of(), id -> 0)).containsExactly('[', ']');
    }
}
