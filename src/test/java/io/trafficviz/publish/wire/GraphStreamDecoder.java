package io.trafficviz.publish.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A client of {@code /ws/graph} as docs/protocol.md describes it: remembers the nodes announced with their {@code ix}
 * and decodes each batch's compact events back into full event objects (the /access_logs form), so tests can compare
 * the two streams.
 */
public final class GraphStreamDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<Integer, JsonNode> nodes = new HashMap<>();
    public long dropped;
    public long batches;
    /** Requests sent as counts per route (over a batch's budget), with every route's nodes checked. */
    public long folded;
    /** The same counts by route: {@code "fromId proxyId toId flags"} → requests. */
    public final Map<String, Long> foldedByRoute = new java.util.TreeMap<>();
    /** The latest statistics of each edge, by {@code source->target} id, as /network_info writes them. */
    public final Map<String, ObjectNode> edges = new HashMap<>();
    /** The nodes and messages of the last hello, once whole (a hello in parts is joined first). */
    public int helloNodes;
    public int helloMessages;
    private StringBuilder helloText;
    private int helloPartsExpected;

    /** Applies one message; returns the events of a batch, decoded (none for a hello). */
    public List<ObjectNode> accept(String text) {
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        switch (msg.path("type").asText()) {
            case "helloPart" -> {
                int part = msg.path("part").asInt(-1);
                if (part == 0) {
                    helloText = new StringBuilder();
                    helloPartsExpected = msg.path("parts").asInt();
                    helloMessages = 0;
                }
                if (helloText == null || part != helloMessages || msg.path("parts").asInt() != helloPartsExpected) {
                    throw new IllegalStateException("hello part " + part + " out of order");
                }
                helloText.append(msg.path("text").asText());
                helloMessages++;
                if (helloMessages < helloPartsExpected) {
                    return List.of();
                }
                String whole = helloText.toString();
                helloText = null;
                int parts = helloMessages;
                List<ObjectNode> none = accept(whole);
                helloMessages = parts;
                return none;
            }
            case "hello" -> {
                if (helloText != null) {
                    throw new IllegalStateException("a hello while a hello in parts was unfinished");
                }
                nodes.clear();
                edges.clear();
                learn(msg.path("graph").path("nodes"));
                helloNodes = msg.path("graph").path("nodes").size();
                helloMessages = 1;
                for (JsonNode e : msg.path("graph").path("edges")) {
                    edges.put(e.path("id").asText(), (ObjectNode) e);
                }
                return List.of();
            }
            case "batch" -> {
                if (helloText != null) {
                    throw new IllegalStateException("a batch before the hello's last part");
                }
                batches++;
                dropped += msg.path("dropped").asLong();
                learn(msg.path("nodes"));
                for (JsonNode route : msg.path("folded")) {
                    String key = node(route.get(0).asInt()).path("id").asText() + " "
                            + node(route.get(1).asInt()).path("id").asText() + " "
                            + node(route.get(2).asInt()).path("id").asText() + " " + route.get(3).asInt();
                    folded += route.get(4).asLong();
                    foldedByRoute.merge(key, route.get(4).asLong(), Long::sum);
                }
                for (JsonNode row : msg.path("edges")) {
                    ObjectNode edge = edge(row);
                    edges.put(edge.path("id").asText(), edge);
                }
                return decode(msg);
            }
            default -> throw new IllegalArgumentException("unknown message type: " + text);
        }
    }

    public boolean knows(int ix) {
        return nodes.containsKey(ix);
    }

    /** The ids of every node announced so far. */
    public java.util.Set<String> nodeIds() {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        nodes.values().forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    private void learn(JsonNode list) {
        for (JsonNode n : list) {
            if (!n.has("ix")) {
                throw new AssertionError("node announced without ix: " + n);
            }
            nodes.put(n.path("ix").asInt(), n);
        }
    }

    private List<ObjectNode> decode(JsonNode msg) {
        JsonNode strings = msg.path("strings");
        List<ObjectNode> out = new ArrayList<>();
        long seq = 0;
        long time = 0;
        for (JsonNode e : msg.path("events")) {
            seq += e.get(0).asLong();
            time += e.get(1).asLong();
            JsonNode from = node(e.get(2).asInt());
            JsonNode proxy = node(e.get(3).asInt());
            JsonNode to = node(e.get(4).asInt());
            int flags = e.get(7).asInt();
            ObjectNode o = JSON.createObjectNode();
            o.put("seq", seq);
            o.put("time", time);
            o.set("server", proxy.get("server"));
            o.set("network", proxy.get("network"));
            o.set("proxy", proxy.get("label"));
            o.set("from", from.get("label"));
            o.set("to", to.get("label"));
            o.set("fromId", from.get("id"));
            o.set("proxyId", proxy.get("id"));
            o.set("toId", to.get("id"));
            ArrayNode hops = o.putArray("hops");
            hops.add(from.get("id"));
            hops.add(proxy.get("id"));
            if ((flags & CompactEvents.HOPS_END_AT_PROXY) == 0) {
                hops.add(to.get("id"));
            }
            o.set("method", string(strings, e.get(8).asInt()));
            o.set("host", string(strings, e.get(9).asInt()));
            o.set("path", string(strings, e.get(10).asInt()));
            o.put("status", e.get(5).asInt());
            o.put("durationMs", e.get(6).asLong() / 1000.0);
            o.put("outcome", (flags & CompactEvents.ERROR) != 0 ? "error" : "ok");
            o.put("answeredBy", (flags & CompactEvents.ANSWERED_BY_PROXY) != 0 ? "proxy" : "service");
            o.put("outsider", (flags & CompactEvents.OUTSIDER) != 0);
            if (e.size() > 11) {
                o.set("requestId", string(strings, e.get(11).asInt()));
            }
            out.add(o);
        }
        return out;
    }

    private static final String[] EDGE_FIELDS = {"requests", "errors", "1xx", "2xx", "3xx", "4xx", "5xx",
            "ratePerSec", "rate1m", "rate5m", "p50Ms", "p95Ms", "p99Ms", "bytes", "lastSeen"};

    private ObjectNode edge(JsonNode row) {
        String source = node(row.get(0).asInt()).path("id").asText();
        String target = node(row.get(1).asInt()).path("id").asText();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", source + "->" + target);
        o.put("source", source);
        o.put("target", target);
        ObjectNode status = JSON.createObjectNode();
        for (int i = 0; i < EDGE_FIELDS.length; i++) {
            JsonNode v = row.get(i + 2);
            if (EDGE_FIELDS[i].endsWith("xx")) {
                status.set(EDGE_FIELDS[i], v);
            } else {
                o.set(EDGE_FIELDS[i], v);
            }
        }
        o.set("status", status);
        return o;
    }

    private JsonNode node(int ix) {
        JsonNode n = nodes.get(ix);
        if (n == null) {
            throw new AssertionError("event refers to node ix " + ix + ", never announced");
        }
        return n;
    }

    private static JsonNode string(JsonNode strings, int i) {
        return i < 0 ? JSON.nullNode() : strings.get(i);
    }
}
