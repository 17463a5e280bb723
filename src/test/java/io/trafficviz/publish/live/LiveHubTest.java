package io.trafficviz.publish.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.publish.wire.CompactEvents;
import io.trafficviz.publish.wire.GraphStreamDecoder;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.source.LineBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's two streams, driven by hand (no flusher thread, no sockets): what each client is sent, and how much of it
 * is shared. Lines go through the real pipeline, so nodes and events are what serve would produce.
 */
class LiveHubTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private TrafficvizApp app;
    private LiveHub hub;
    private String privLog;
    private String pubLog;

    @BeforeEach
    void start() throws Exception {
        for (String f : List.of("pub.log", "priv.log")) {
            Files.createFile(dir.resolve(f));
        }
        app = TrafficvizApp.create(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  - name: server-a
                    proxies:
                      - {name: pub, role: public, network: pub-net, accessLog: pub.log, addresses: [172.25.0.2]}
                      - {name: priv, role: private, network: priv-net, accessLog: priv.log}
                names:
                  172.25.0.3: api
                """, dir), false);
        // The app's own hub would drain the graph's changes from its flusher thread: only this one may.
        app.hub().close();
        hub = new LiveHub(app.ingest(), app.networkInfo()::document, false);
        app.ingest().setListener(hub);
        for (String log : app.logFiles().keySet()) {
            if (log.endsWith("priv.log")) {
                privLog = log;
            } else {
                pubLog = log;
            }
        }
    }

    @AfterEach
    void stop() {
        hub.close();
        app.close();
    }

    /**
     * A push storm can outrun the flusher: the events waiting for it are bounded by the heap (a sixteenth of it), not
     * by a fixed 100,000, which at a 256 MiB container's 128 MiB heap ended the flusher with OutOfMemoryError.
     */
    @Test
    void eventsWaitingForAFlushFitASixteenthOfTheHeap() {
        long heap128 = 128L << 20;
        assertThat(LiveHub.maxPendingFor(heap128) * LiveHub.BYTES_PER_PENDING_EVENT).isLessThanOrEqualTo(heap128 / 16);
        assertThat(LiveHub.maxPendingFor(16L << 20)).isEqualTo(4_096);
        assertThat(LiveHub.maxPendingFor(4L << 30)).isEqualTo(100_000);
    }

    @Test
    void graphBatchesDecodeToTheSameEventsAsTheAccessLogSends() throws Exception {
        FakePeer graph = new FakePeer(true);
        FakePeer table = new FakePeer(true);
        hub.connect("graph", graph, LiveHub.Channel.GRAPH);
        hub.connect("table", table, LiveHub.Channel.ACCESS_LOG);

        feed(privLog, line("172.25.0.3", "GET", "/orders?id=1", 200, "db@file"));
        feed(privLog, line("172.25.0.2", "POST", "/orders", 503, "db@file"));
        // Log text is attacker-controlled: quotes, markup, control characters, non-ASCII and a lone surrogate.
        feed(privLog, line("192.168.99.7", "GET", "/caf\u00e9/\"<img src=x>\"\\\n\t\u2028/\uD83D\uDE00/\uD800x", 403,
                "db@file"));
        feed(pubLog, line("203.0.113.9", "GET", "/no-router", 404, null)); // Traefik answered itself
        feed(pubLog, line("203.0.113.9", "GET", "/orders?id=1", 200, "api@file"));
        graphTurn();

        GraphStreamDecoder decoder = new GraphStreamDecoder();
        List<JsonNode> decoded = new ArrayList<>();
        for (String text : graph.texts()) {
            decoder.accept(text).forEach(e -> decoded.add(normal(e)));
        }
        List<JsonNode> entries = new ArrayList<>();
        for (String text : table.texts()) {
            JsonNode msg = JSON.readTree(text);
            assertThat(msg.path("type").asText()).isEqualTo("entries");
            msg.path("entries").forEach(e -> entries.add(normal(e)));
        }
        assertThat(entries).hasSize(5);
        assertThat(decoded).isEqualTo(entries);
        assertThat(entries.get(2).path("path").asText()).startsWith("/caf\u00e9/\"<img src=x>\"");
        assertThat(entries.get(2).path("outsider").asBoolean()).isTrue();
        assertThat(entries.get(3).path("answeredBy").asText()).isEqualTo("proxy");
        assertThat(entries.get(3).path("hops")).hasSize(2);
        assertThat(decoder.dropped).isZero();

        // New edges came with the batch, as rows; their counts are the graph's.
        JsonNode info = normal(JSON.valueToTree(app.networkInfo().document(false, app.ingest().rateClock())));
        int compared = 0;
        for (JsonNode e : info.path("edges")) {
            assertThat(decoder.edges).as("edges sent").containsKey(e.path("id").asText());
            JsonNode row = normal(decoder.edges.get(e.path("id").asText()));
            assertThat(row.path("requests")).isEqualTo(e.path("requests"));
            assertThat(row.path("errors")).isEqualTo(e.path("errors"));
            assertThat(row.path("status").path("4xx")).isEqualTo(e.path("status").path("4xx"));
            compared++;
        }
        assertThat(compared).isPositive();
    }

    @Test
    void clientsThatKeptUpShareOneEncodedMessage() {
        FakePeer a = new FakePeer(true);
        FakePeer b = new FakePeer(true);
        FakePeer tableA = new FakePeer(true);
        FakePeer tableB = new FakePeer(true);
        hub.connect("a", a, LiveHub.Channel.GRAPH);
        hub.connect("b", b, LiveHub.Channel.GRAPH);
        hub.connect("ta", tableA, LiveHub.Channel.ACCESS_LOG);
        hub.connect("tb", tableB, LiveHub.Channel.ACCESS_LOG);
        for (int i = 0; i < 20; i++) {
            feed(privLog, line("172.25.0.3", "GET", "/orders/" + i, 200, "db@file"));
        }
        graphTurn();

        // frame 0 is each graph client's own hello; then one batch, the same bytes for both
        assertThat(a.frames).hasSize(2);
        assertThat(b.frames).hasSize(2);
        assertThat(a.frames.get(1).array()).isSameAs(b.frames.get(1).array());
        assertThat(a.texts().get(1)).isEqualTo(b.texts().get(1));
        assertThat(tableA.frames).hasSize(1);
        assertThat(tableA.frames.get(0).array()).isSameAs(tableB.frames.get(0).array());
    }

    @Test
    void aBusyClientMissesBatchesCountedAsDroppedAndStillLearnsEveryNodeItsEventsMention() {
        FakePeer fast = new FakePeer(true);
        FakePeer slow = new FakePeer(false);
        hub.connect("fast", fast, LiveHub.Channel.GRAPH);
        hub.connect("slow", slow, LiveHub.Channel.GRAPH); // its hello stays in flight
        // New callers: new nodes, announced in the batch the slow client misses.
        for (int i = 0; i < 7; i++) {
            feed(privLog, line("10.9.0." + i, "GET", "/x", 200, "db@file"));
        }
        graphTurn();
        assertThat(slow.frames).hasSize(1);
        assertThat(hub.stats().droppedEvents()).isEqualTo(7);

        slow.completeAll();
        for (int i = 0; i < 7; i++) {
            feed(privLog, line("10.9.0." + i, "GET", "/y", 500, "db@file")); // the same callers again
        }
        graphTurn();
        slow.completeAll();

        GraphStreamDecoder decoder = new GraphStreamDecoder();
        List<ObjectNode> events = new ArrayList<>();
        for (String text : slow.texts()) {
            events.addAll(decoder.accept(text)); // fails on an index it was never told about
        }
        assertThat(events).hasSize(7);
        assertThat(events).allMatch(e -> e.path("path").asText().equals("/y"));
        assertThat(decoder.dropped).isEqualTo(7);

        GraphStreamDecoder fastDecoder = new GraphStreamDecoder();
        long fastEvents = 0;
        for (String text : fast.texts()) {
            fastEvents += fastDecoder.accept(text).size();
        }
        assertThat(fastEvents).isEqualTo(14);
        assertThat(fastDecoder.dropped).isZero();
    }

    @Test
    void overBudgetBatchesSendEveryErrorAndTheRestAsCountsPerRoute() throws Exception {
        FakePeer peer = new FakePeer(true);
        hub.connect("p", peer, LiveHub.Channel.GRAPH);
        int total = GraphStream.BATCH_BUDGET + 300;
        for (int i = 0; i < total; i++) {
            feed(privLog, line("172.25.0.3", "GET", "/z", i % 100 == 0 ? 502 : 200, "db@file"));
        }
        graphTurn();
        GraphStreamDecoder decoder = new GraphStreamDecoder();
        List<ObjectNode> events = new ArrayList<>();
        peer.texts().forEach(t -> events.addAll(decoder.accept(t)));
        assertThat(events).hasSize(GraphStream.BATCH_BUDGET);
        assertThat(events.stream().filter(e -> e.path("outcome").asText().equals("error"))).hasSize(total / 100);
        assertThat(decoder.dropped).isZero();
        // The rest: one route (api -> priv -> db), all successful, counted.
        JsonNode folded = JSON.readTree(peer.texts().get(1)).path("folded");
        assertThat(folded).hasSize(1);
        assertThat(folded.get(0).get(3).asInt() & CompactEvents.ERROR).isZero();
        assertThat(folded.get(0).get(4).asLong()).isEqualTo(300);
        assertThat(decoder.folded).isEqualTo(300);
        assertThat(hub.stats().droppedEvents()).isZero();
    }

    @Test
    void requestsPastTheBudgetAreCountedExactlyPerRouteWhetherCountedAtIngestOrWhenSent() throws Exception {
        // Errors within the budget displacing successes kept earlier, and successes counted as soon as they are read.
        List<String[]> someErrors = burst(0);
        checkBudget(someErrors);
        // More errors than the budget: the errors past it are counted too.
        checkBudget(burst(1_200));
        // Failures only before the budget is reached: exactly the budget's worth is sent one by one.
        List<String[]> errorsBefore = new ArrayList<>();
        for (int i = 0; i < GraphStream.BATCH_BUDGET + 250; i++) {
            errorsBefore.add(i < 10 ? new String[] {privLog, line("172.25.0.3", "GET", "/f", 503, "db@file")}
                    : new String[] {privLog, line("10.9.0." + (i % 2), "GET", "/g", 200, "db@file")});
        }
        checkBudget(errorsBefore);
        // Failures arriving after successes within the budget's worth that ingest keeps: still sent first.
        List<String[]> errorsAfter = new ArrayList<>();
        for (int i = 0; i < 1_600; i++) {
            errorsAfter.add(i >= 600 && i < 1_000 ? new String[] {privLog, line("172.25.0.3", "GET", "/e", 503, "db@file")}
                    : new String[] {privLog, line("10.9.0." + (i % 2), "GET", "/h", 200, "db@file")});
        }
        checkBudget(errorsAfter);
    }

    /**
     * Sends {@code lines} in one graph batch twice: first with an access-log client connected (every request built as
     * an event, the budget applied when the batch is sent), then without (requests past the budget counted at
     * ingest). Both batches must be what the protocol says, from the access log's full entries: the first {@value
     * GraphStream#BATCH_BUDGET} failures, then successes up to the budget, one by one in arrival order; every other
     * request counted on its route with its flags; nothing lost. A client busy through both batches is told it
     * missed every request of them.
     */
    private void checkBudget(List<String[]> lines) throws Exception {
        FakePeer graph = new FakePeer(true);
        FakePeer table = new FakePeer(true);
        FakePeer busy = new FakePeer(false);
        hub.connect("graph", graph, LiveHub.Channel.GRAPH);
        hub.connect("table", table, LiveHub.Channel.ACCESS_LOG);
        hub.connect("busy", busy, LiveHub.Channel.GRAPH); // its hello stays in flight through both batches
        lines.forEach(l -> feed(l[0], l[1]));
        graphTurn();
        hub.disconnect("table");
        lines.forEach(l -> feed(l[0], l[1]));
        graphTurn();

        List<JsonNode> entries = new ArrayList<>();
        for (String text : table.texts()) {
            JSON.readTree(text).path("entries").forEach(e -> entries.add(normal(e)));
        }
        assertThat(entries).hasSize(lines.size());
        List<JsonNode> expectedEvents = new ArrayList<>();
        Map<String, Long> expectedFolded = new java.util.TreeMap<>();
        long errors = entries.stream().filter(e -> e.path("outcome").asText().equals("error")).count();
        long errorsSent = Math.min(errors, GraphStream.BATCH_BUDGET);
        long okSent = GraphStream.BATCH_BUDGET - errorsSent;
        for (boolean error : new boolean[] {true, false}) {
            long room = error ? errorsSent : okSent;
            for (JsonNode e : entries) {
                if (e.path("outcome").asText().equals("error") != error) {
                    continue;
                }
                if (room-- > 0) {
                    expectedEvents.add(withoutSeq(e));
                } else {
                    int flags = (error ? CompactEvents.ERROR : 0)
                            | (e.path("answeredBy").asText().equals("proxy") ? CompactEvents.ANSWERED_BY_PROXY : 0)
                            | (e.path("hops").size() == 2 ? CompactEvents.HOPS_END_AT_PROXY : 0);
                    expectedFolded.merge(e.path("fromId").asText() + " " + e.path("proxyId").asText() + " "
                            + e.path("toId").asText() + " " + flags, 1L, Long::sum);
                }
            }
        }
        assertThat(expectedFolded.values().stream().mapToLong(Long::longValue).sum() + expectedEvents.size())
                .isEqualTo(lines.size());

        List<String> texts = graph.texts();
        assertThat(texts).hasSize(3); // hello, then one batch per turn
        GraphStreamDecoder decoder = new GraphStreamDecoder();
        decoder.accept(texts.get(0));
        for (String batch : texts.subList(1, 3)) {
            decoder.foldedByRoute.clear();
            List<JsonNode> events = new ArrayList<>();
            decoder.accept(batch).forEach(e -> events.add(withoutSeq(normal(e))));
            assertThat(events).isEqualTo(expectedEvents);
            assertThat(decoder.foldedByRoute).isEqualTo(expectedFolded);
        }
        assertThat(decoder.dropped).isZero();

        busy.completeAll();
        feed(privLog, line("172.25.0.3", "GET", "/after", 200, "db@file"));
        graphTurn();
        GraphStreamDecoder late = new GraphStreamDecoder();
        List<ObjectNode> lateEvents = new ArrayList<>();
        busy.texts().forEach(t -> lateEvents.addAll(late.accept(t)));
        assertThat(lateEvents).hasSize(1);
        assertThat(late.dropped).isEqualTo(2L * lines.size());
        hub.disconnect("graph");
        hub.disconnect("busy");
    }

    /** Over a budget's worth of requests on several routes: successes, failures, the proxy answering itself. */
    private List<String[]> burst(int extraErrors) {
        List<String[]> lines = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            lines.add(new String[] {privLog, line("172.25.0.3", "GET", "/a/" + (i % 7), 200, "db@file")});
        }
        for (int i = 0; i < 300; i++) {
            lines.add(i % 3 == 0
                    ? new String[] {privLog, line("10.9.0." + (i % 5), "POST", "/b", 502, "db@file")}
                    : new String[] {pubLog, line("203.0.113.9", "GET", "/c", 200, "api@file")});
        }
        for (int i = 0; i < 200; i++) {
            lines.add(new String[] {pubLog, line("203.0.113.9", "GET", "/no-router", 404, null)});
        }
        for (int i = 0; i < extraErrors; i++) {
            lines.add(new String[] {privLog, line("172.25.0.3", "GET", "/d", 500, "db@file")});
        }
        for (int i = 0; i < 100; i++) {
            lines.add(new String[] {privLog, line("10.9.0.1", "GET", "/e", 204, "db@file")});
        }
        return lines;
    }

    private static JsonNode withoutSeq(JsonNode e) {
        ObjectNode copy = e.deepCopy();
        copy.remove("seq");
        return copy;
    }

    // ------------------------------------------------------------------ helpers

    @Test
    void viewersGetMaskedBytes_encodedOncePerMasking_notPerClient() throws Exception {
        Masking viewer = Masking.of(true, true);
        FakePeer adminGraph = new FakePeer(true);
        FakePeer viewerGraphA = new FakePeer(true);
        FakePeer viewerGraphB = new FakePeer(true);
        FakePeer adminTable = new FakePeer(true);
        FakePeer viewerTableA = new FakePeer(true);
        FakePeer viewerTableB = new FakePeer(true);
        hub.connect(new Client("ag", adminGraph, LiveHub.Channel.GRAPH, Masking.NONE, () -> true));
        hub.connect(new Client("vga", viewerGraphA, LiveHub.Channel.GRAPH, viewer, () -> true));
        hub.connect(new Client("vgb", viewerGraphB, LiveHub.Channel.GRAPH, viewer, () -> true));
        hub.connect(new Client("at", adminTable, LiveHub.Channel.ACCESS_LOG, Masking.NONE, () -> true));
        hub.connect(new Client("vta", viewerTableA, LiveHub.Channel.ACCESS_LOG, viewer, () -> true));
        hub.connect(new Client("vtb", viewerTableB, LiveHub.Channel.ACCESS_LOG, viewer, () -> true));

        feed(privLog, line("192.168.99.7", "GET", "/account/reset?token=SECRET0123", 200, "db@file"));
        graphTurn();

        // frame 0 of a graph client is its hello; frame 1 the batch that announced the caller and carried the event
        assertThat(viewerGraphA.frames.get(1).array()).isSameAs(viewerGraphB.frames.get(1).array());
        assertThat(viewerGraphA.frames.get(1).array()).isNotSameAs(adminGraph.frames.get(1).array());
        assertThat(viewerTableA.frames.get(0).array()).isSameAs(viewerTableB.frames.get(0).array());
        for (FakePeer p : List.of(viewerGraphA, viewerGraphB, viewerTableA, viewerTableB)) {
            assertThat(String.join("\n", p.texts())).contains("/account/reset?…", "192.168.99.x~")
                    .doesNotContain("SECRET0123").doesNotContain("192.168.99.7");
        }
        for (FakePeer p : List.of(adminGraph, adminTable)) {
            assertThat(String.join("\n", p.texts())).contains("SECRET0123", "192.168.99.7");
        }
        // The masked stream refers to the caller by the index the admin's does: the same nodes, other labels.
        GraphStreamDecoder admin = new GraphStreamDecoder();
        GraphStreamDecoder masked = new GraphStreamDecoder();
        List<JsonNode> adminEvents = new ArrayList<>();
        List<JsonNode> maskedEvents = new ArrayList<>();
        adminGraph.texts().forEach(t -> adminEvents.addAll(admin.accept(t)));
        viewerGraphA.texts().forEach(t -> maskedEvents.addAll(masked.accept(t)));
        assertThat(maskedEvents).hasSize(1);
        assertThat(maskedEvents.get(0).path("fromId").asText())
                .isEqualTo(viewer.nodeId(adminEvents.get(0).path("fromId").asText()));
    }

    @Test
    void aClientWhoseLoginEnded_isClosedAtTheNextCheck() {
        boolean[] allowed = {true};
        int[] closedWith = {0};
        FakePeer peer = new FakePeer(true) {
            @Override
            public void close(int code, String reason) {
                closedWith[0] = code;
            }
        };
        hub.connect(new Client("g", peer, LiveHub.Channel.GRAPH, Masking.NONE, () -> allowed[0]));
        long ticks = LiveHub.LOGIN_CHECK_MILLIS / LiveHub.ACCESS_LOG_FLUSH_MILLIS;
        for (long i = 0; i < ticks; i++) {
            hub.flush();
        }
        assertThat(hub.clientCount(LiveHub.Channel.GRAPH)).isEqualTo(1);
        allowed[0] = false;
        for (long i = 0; i < ticks; i++) {
            hub.flush();
        }
        assertThat(hub.clientCount(LiveHub.Channel.GRAPH)).isZero();
        assertThat(closedWith[0]).isEqualTo(1008);
    }

    /**
     * A burst of entries goes out in messages of about 64 KiB; a client still writing keeps at most 256 KiB queued
     * and in flight, the rest counted as dropped for it, and gets the queue in order once it is free (issue 14: a
     * stalled client held one message of over 1 MB).
     */
    @Test
    void aBusyAccessLogClientHoldsAtMostTheBufferBudget() throws Exception {
        FakePeer fast = new FakePeer(true);
        FakePeer busy = new FakePeer(false);
        hub.connect("fast", fast, LiveHub.Channel.ACCESS_LOG);
        hub.connect("busy", busy, LiveHub.Channel.ACCESS_LOG);
        int lines = 3_000;
        for (int i = 0; i < lines; i++) {
            feed(privLog, line("172.25.0.3", "GET", "/burst/" + i + "/" + "x".repeat(200), 200, "db@file"));
        }
        hub.flush();
        hub.flush();

        long fastEntries = 0;
        for (ByteBuffer frame : fast.frames) {
            assertThat(frame.remaining()).isLessThanOrEqualTo(AccessLogStream.MAX_MESSAGE_BYTES + 2_000);
            fastEntries += JSON.readTree(Peer.decode(frame)).path("entries").size();
        }
        assertThat(fast.frames.size()).isGreaterThan(10);
        assertThat(fastEntries).isEqualTo(lines);

        Client held = clientOf("busy");
        assertThat(busy.frames).hasSize(1);
        assertThat(held.inFlightBytes + held.queuedBytes).isLessThanOrEqualTo(AccessLogStream.MAX_BUFFERED_BYTES);
        long heldEvents = held.queued.stream().mapToLong(AccessLogStream.Chunk::events).sum()
                + JSON.readTree(Peer.decode(busy.frames.get(0))).path("entries").size();
        assertThat(held.dropped).isEqualTo(lines - heldEvents);

        for (int round = 0; round < 20 && (held.inFlight || !held.queued.isEmpty()); round++) {
            busy.completeAll();
            hub.flush();
        }
        busy.completeAll();
        long received = 0;
        long dropped = 0;
        for (String text : busy.texts()) {
            JsonNode message = JSON.readTree(text);
            received += message.path("entries").size();
            dropped += message.path("dropped").asLong();
        }
        assertThat(received).isEqualTo(heldEvents);
        assertThat(received + dropped).isEqualTo(lines);
        assertThat(hub.stats().droppedEvents()).isEqualTo(lines - heldEvents);
    }

    private Client clientOf(String key) {
        for (Client c : hub.registry().all()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new AssertionError("no client " + key);
    }

    @Test
    void aBigGraphsHelloGoesInPartsOfAtMost64KiB_aStalledClientHoldsAtMostOne_andEdgeCountsStayExact() {
        int services = 3_000;
        for (int i = 0; i < services; i++) {
            feed(privLog, line("10.7.0." + i % 200, "GET", "/catalogue/item/" + i, 200, "catalogue-" + i + "@file"));
        }
        graphTurn(); // nobody watching yet: the changes are dropped, the graph keeps them

        FakePeer reader = new FakePeer(true);
        FakePeer stalled = new FakePeer(false);
        hub.connect("reader", reader, LiveHub.Channel.GRAPH);
        hub.connect("stalled", stalled, LiveHub.Channel.GRAPH);
        // Traffic while the hellos are going out, on new and known routes: the reader must end with the server's counts.
        for (int turn = 0; turn < 6; turn++) {
            for (int i = 0; i < 40; i++) {
                feed(privLog, line("10.7.0." + i % 200, "GET", "/again", 500, "catalogue-" + (i * 7 + turn) + "@file"));
                feed(privLog, line("10.7.0." + i, "GET", "/new", 200, "shipping-" + (turn * 40 + i) + "@file"));
            }
            graphTurn();
        }
        graphTurn(); // nothing new: what the reader still owes comes now or never

        for (ByteBuffer frame : reader.frames) {
            assertThat(frame.remaining()).isLessThanOrEqualTo(64 * 1024);
        }
        GraphStreamDecoder decoder = new GraphStreamDecoder();
        for (String text : reader.texts()) {
            decoder.accept(text);
        }
        assertThat(decoder.helloMessages).as("hello parts").isGreaterThan(4);
        assertThat(decoder.helloNodes).isGreaterThanOrEqualTo(services);
        // Edges that appeared while its hello was going out came with its first batch, not a second later.
        assertThat(new TreeMap<>(decoder.edges).keySet()).isEqualTo(serverEdgeRequests().keySet());
        int decoded = reader.frames.size();
        for (int turn = 0; turn < GraphStream.RATE_REFRESH_TICKS; turn++) {
            graphTurn(); // edge statistics are refreshed once a second: then every count is the server's
        }
        for (String text : reader.texts().subList(decoded, reader.frames.size())) {
            decoder.accept(text);
        }
        Map<String, Long> clientCounts = new TreeMap<>();
        decoder.edges.forEach((id, e) -> clientCounts.put(id, e.path("requests").asLong()));
        assertThat(clientCounts).isEqualTo(serverEdgeRequests());

        // The client that never read holds its hello's first part, nothing queued behind it.
        long held = 0;
        for (ByteBuffer frame : stalled.frames) {
            held += frame.remaining();
        }
        assertThat(stalled.frames).hasSize(1);
        assertThat(held).isLessThanOrEqualTo(256 * 1024);
        assertThat(clientOf("stalled").helloParts).isNotNull();
    }

    @Test
    void aBurstOfNewNodesWithLongLabels_goesInMessagesOfAtMost64KiB_eachClientHoldsAtMost256KiB_andCountsStayExact() {
        FakePeer reader = new FakePeer(true);
        FakePeer slow = new FakePeer(false); // takes one message per 5 ms tick: ~13 MB/s
        FakePeer stalled = new FakePeer(false); // never takes anything after its hello
        hub.connect("reader", reader, LiveHub.Channel.GRAPH);
        hub.connect("slow", slow, LiveHub.Channel.GRAPH);
        hub.connect("stalled", stalled, LiveHub.Channel.GRAPH);
        slow.completeAll();
        graphTurn();
        slow.completeAll();

        // An attacker's burst: thousands of new services and callers, each name and path 2 KiB long.
        String longText = "x".repeat(2_048);
        int burst = 3_000;
        for (int i = 0; i < burst; i++) {
            feed(privLog, line("10.8." + (i >> 8) + "." + (i & 255), "GET", "/" + i + longText, 200,
                    "svc-" + i + "-" + longText + "@file"));
        }
        // Then ordinary traffic while the slow client catches up, on the new routes and old ones.
        long requests = burst;
        List<Long> held = new ArrayList<>();
        for (int turn = 0; turn < 80; turn++) {
            if (turn % 4 == 1) {
                for (int i = 0; i < 30; i++) {
                    feed(privLog, line("10.8.0." + i, "GET", "/again", 500, "svc-" + (turn * 30 + i) + "-" + longText
                            + "@file"));
                }
                requests += 30;
            }
            for (long tick = 0; tick < LiveHub.FLUSH_MILLIS / LiveHub.ACCESS_LOG_FLUSH_MILLIS; tick++) {
                hub.flush();
                slow.completeAll();
                for (String key : List.of("reader", "slow", "stalled")) {
                    Client c = clientOf(key);
                    held.add(c.queuedBytes + (c.inFlight ? c.inFlightBytes : 0));
                }
            }
        }
        // Caught up: a batch of long paths on known routes goes in parts of events, each with its own strings.
        for (int i = 0; i < 100; i++) {
            feed(privLog, line("10.8.0.1", "GET", "/p" + i + longText, 200, "svc-1-" + longText + "@file"));
        }
        requests += 100;
        int readerFramesBefore = reader.frames.size();
        for (int turn = 0; turn < GraphStream.RATE_REFRESH_TICKS; turn++) {
            graphTurn(); // edge statistics are refreshed once a second: then every count is the server's
            slow.completeAll();
        }
        assertThat(reader.frames.size() - readerFramesBefore).as("the long paths' batch in parts").isGreaterThan(3);

        assertThat(held).allMatch(bytes -> bytes <= 256 * 1024);
        long stalledBytes = clientOf("stalled").queuedBytes;
        for (ByteBuffer frame : stalled.frames) {
            stalledBytes += frame.remaining();
        }
        assertThat(stalledBytes).as("a stalled client holds").isLessThanOrEqualTo(256 * 1024);
        Map<String, Long> serverEdges = serverEdgeRequests();
        Set<String> serverNodes = new TreeSet<>();
        app.ingest().snapshot(false, app.ingest().rateClock()).nodes().forEach(n -> serverNodes.add(n.id()));
        assertThat(serverNodes).hasSizeGreaterThan(burst);
        for (FakePeer peer : List.of(reader, slow)) {
            int largest = 0;
            long bytes = 0;
            for (ByteBuffer frame : peer.frames) {
                largest = Math.max(largest, frame.remaining());
                bytes += frame.remaining();
            }
            assertThat(largest).as("largest message").isLessThanOrEqualTo(64 * 1024);
            assertThat(bytes).as("bytes sent").isGreaterThan(burst * 2_048L * 2); // every label and path went
            GraphStreamDecoder decoder = new GraphStreamDecoder();
            long events = 0;
            long longPaths = 0;
            for (String text : peer.texts()) {
                List<ObjectNode> decoded = decoder.accept(text); // fails on an index it was never told about
                events += decoded.size();
                longPaths += decoded.stream().filter(e -> e.path("path").asText().startsWith("/p")).count();
            }
            if (peer == reader) {
                assertThat(longPaths).isEqualTo(100);
            }
            assertThat(events + decoder.folded + decoder.dropped).as("requests told of").isEqualTo(requests);
            assertThat(decoder.nodeIds()).isEqualTo(serverNodes);
            Map<String, Long> clientEdges = new TreeMap<>();
            decoder.edges.forEach((id, e) -> clientEdges.put(id, e.path("requests").asLong()));
            assertThat(clientEdges).isEqualTo(serverEdges);
        }
        assertThat(reader.frames.size()).as("the burst went in parts").isGreaterThan(100);
    }

    private Map<String, Long> serverEdgeRequests() {
        Map<String, Long> counts = new TreeMap<>();
        for (var e : app.ingest().snapshot(false, app.ingest().rateClock()).edges()) {
            counts.put(e.id(), e.requests());
        }
        return counts;
    }

    private void graphTurn() {
        for (long i = 0; i < LiveHub.FLUSH_MILLIS / LiveHub.ACCESS_LOG_FLUSH_MILLIS; i++) {
            hub.flush();
        }
    }

    private void feed(String origin, String line) {
        app.ingest().accept(LineBatch.of(origin, line));
    }

    private static String line(String client, String method, String path, int status, String service) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ClientHost", client);
        m.put("DownstreamStatus", status);
        m.put("OriginStatus", status);
        m.put("Duration", 2_345_678);
        m.put("RequestMethod", method);
        m.put("RequestPath", path);
        m.put("RequestHost", "shop.example");
        if (service != null) {
            m.put("ServiceName", service);
            m.put("ServiceURL", "http://172.25.0.9:80");
            m.put("RouterName", "r@file");
        }
        m.put("StartUTC", "2025-07-15T13:14:33.5Z");
        try {
            return JSON.writeValueAsString(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Number types differ between parsers (int vs long nodes); compare the JSON text's meaning instead. */
    private static JsonNode normal(JsonNode n) {
        try {
            return JSON.readTree(JSON.writeValueAsString(n));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records frames; completes writes at once or when told (a client that has not read yet). */
    static class FakePeer implements Peer {
        final List<ByteBuffer> frames = new ArrayList<>();
        private final List<Done> inFlight = new ArrayList<>();
        private final boolean completeAtOnce;

        FakePeer(boolean completeAtOnce) {
            this.completeAtOnce = completeAtOnce;
        }

        @Override
        public void sendText(ByteBuffer utf8, Done done) {
            frames.add(utf8);
            if (completeAtOnce) {
                done.done(true);
            } else {
                inFlight.add(done);
            }
        }

        @Override
        public void close(int code, String reason) {
        }

        void completeAll() {
            List<Done> done = new ArrayList<>(inFlight);
            inFlight.clear();
            done.forEach(d -> d.done(true));
        }

        List<String> texts() {
            List<String> out = new ArrayList<>();
            for (ByteBuffer b : frames) {
                out.add(StandardCharsets.UTF_8.decode(b.duplicate()).toString());
            }
            return out;
        }
    }
}
