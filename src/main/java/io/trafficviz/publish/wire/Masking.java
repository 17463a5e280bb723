package io.trafficviz.publish.wire;

import io.trafficviz.config.Cidr;
import io.trafficviz.model.RequestEvent;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a viewer is not shown (docs/security.md, "Login and roles"): client addresses and query strings, wherever they
 * appear in {@code /network_info}, the graph stream and the access log. An address keeps its network ({@code
 * 203.0.113.x}, {@code 2001:db8:1::x}) and gets a short tag, a keyed hash with a key that lives only in this process,
 * so two callers stay two nodes without either address being recoverable. A path loses what follows {@code ?}.
 *
 * <p>{@link #NONE} changes nothing; the live streams encode each variant once, not once per client.
 */
public final class Masking {
    /** An admin's view: everything as logged. */
    public static final Masking NONE = new Masking(false, false, new byte[0]);
    /** What replaces a query string. */
    public static final String MASKED_QUERY = "?…";

    private static final String UNRECOGNISED = "unrecognised:";
    private final boolean addresses;
    private final boolean queries;
    private final SecretKeySpec key;

    private Masking(boolean addresses, boolean queries, byte[] key) {
        this.addresses = addresses;
        this.queries = queries;
        this.key = key.length == 0 ? null : new SecretKeySpec(key, "HmacSHA256");
    }

    /** A masking with a fresh random key; {@link #NONE} when it would mask nothing. */
    public static Masking of(boolean maskAddresses, boolean maskQueries) {
        if (!maskAddresses && !maskQueries) {
            return NONE;
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new Masking(maskAddresses, maskQueries, key);
    }

    public boolean masksNothing() {
        return !addresses && !queries;
    }

    /** Whether client addresses are masked (then nothing that narrows one down, such as its prefix, is shown). */
    public boolean masksAddresses() {
        return addresses;
    }

    /** An IP literal as {@code 203.0.113.x~1a2b3c}; any other text (a name, {@code other}) as it is. */
    public String address(String text) {
        if (!addresses || text == null) {
            return text;
        }
        byte[] bytes = Cidr.literalBytes(text);
        if (bytes == null) {
            return text;
        }
        StringBuilder out = new StringBuilder(32);
        if (bytes.length == 4) {
            out.append(bytes[0] & 0xFF).append('.').append(bytes[1] & 0xFF).append('.').append(bytes[2] & 0xFF)
                    .append(".x");
        } else {
            for (int i = 0; i < 6; i += 2) {
                out.append(Integer.toHexString((bytes[i] & 0xFF) << 8 | (bytes[i + 1] & 0xFF))).append(':');
            }
            out.append(":x");
        }
        return out.append('~').append(tag(bytes)).toString();
    }

    /** A path without its query string. */
    public String path(String path) {
        if (!queries || path == null) {
            return path;
        }
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q) + MASKED_QUERY;
    }

    /** A node id; only an unrecognised caller's carries an address ({@code unrecognised:<server>/<network>/<address>}). */
    public String nodeId(String id) {
        if (!addresses || id == null || !id.startsWith(UNRECOGNISED)) {
            return id;
        }
        int slash = id.lastIndexOf('/');
        return slash < 0 ? id : id.substring(0, slash + 1) + address(id.substring(slash + 1));
    }

    /** An edge id, {@code <source id>-><target id>}. */
    public String edgeId(String id, String source, String target) {
        return addresses ? nodeId(source) + "->" + nodeId(target) : id;
    }

    public NodeDto node(NodeDto n) {
        if (!addresses) {
            return n;
        }
        // An unrecognised caller's label is its address, or the name reverse DNS gave it: both say who the client is.
        String label = n.id().startsWith(UNRECOGNISED) ? lastSegment(nodeId(n.id())) : address(n.label());
        return new NodeDto(nodeId(n.id()), n.kind(), label, n.server(), n.network(), addresses(n.addresses()),
                n.outsider(), n.ix());
    }

    public RequestEvent event(RequestEvent e) {
        if (masksNothing()) {
            return e;
        }
        String from = e.fromId() != null && e.fromId().startsWith(UNRECOGNISED) ? lastSegment(nodeId(e.fromId()))
                : address(e.from());
        return new RequestEvent(e.seq(), e.time(), e.server(), e.network(), e.proxy(), from, e.to(),
                nodeId(e.fromId()), e.proxyId(), nodeId(e.toId()), e.method(), e.host(), path(e.path()), e.status(),
                e.durationMs(), e.error(), e.answeredByProxy(), e.outsider(), e.requestId());
    }

    public List<RequestEvent> events(List<RequestEvent> events) {
        if (masksNothing()) {
            return events;
        }
        List<RequestEvent> out = new ArrayList<>(events.size());
        for (RequestEvent e : events) {
            out.add(event(e));
        }
        return out;
    }

    /**
     * The graph stream's events: only their paths change, their nodes travel by index (and the nodes themselves are
     * masked where they are announced).
     */
    public List<RequestEvent> paths(List<RequestEvent> events) {
        if (!queries) {
            return events;
        }
        List<RequestEvent> out = new ArrayList<>(events.size());
        for (RequestEvent e : events) {
            out.add(new RequestEvent(e.seq(), e.time(), e.server(), e.network(), e.proxy(), e.from(), e.to(),
                    e.fromId(), e.proxyId(), e.toId(), e.method(), e.host(), path(e.path()), e.status(),
                    e.durationMs(), e.error(), e.answeredByProxy(), e.outsider(), e.requestId()));
        }
        return out;
    }

    /**
     * The whole {@code /network_info} document (or a hello's, its node indexes kept). A source's recent malformed
     * lines are raw log text, so a masked view has none; a push source's last sender is an address.
     */
    public NetworkInfoDoc document(NetworkInfoDoc doc) {
        if (masksNothing()) {
            return doc;
        }
        List<NodeDto> nodes = new ArrayList<>(doc.nodes().size());
        doc.nodes().forEach(n -> nodes.add(node(n)));
        List<EdgeDto> edges = new ArrayList<>(doc.edges().size());
        for (EdgeDto e : doc.edges()) {
            List<EdgeDto.TopPath> paths = new ArrayList<>(e.topPaths().size());
            e.topPaths().forEach(p -> paths.add(new EdgeDto.TopPath(path(p.path()), p.requests())));
            edges.add(new EdgeDto(edgeId(e.id(), e.source(), e.target()), nodeId(e.source()), nodeId(e.target()),
                    e.requests(), e.errors(), e.status(), e.ratePerSec(), e.rate1m(), e.rate5m(), e.p50Ms(), e.p95Ms(),
                    e.p99Ms(), e.bytes(), e.lastSeen(), paths));
        }
        NetworkInfoDoc.Outsiders o = doc.outsiders();
        List<NetworkInfoDoc.Outsider> recent = new ArrayList<>(o.recent().size());
        for (NetworkInfoDoc.Outsider r : o.recent()) {
            String from = r.fromId() != null && r.fromId().startsWith(UNRECOGNISED) ? lastSegment(nodeId(r.fromId()))
                    : address(r.from());
            recent.add(new NetworkInfoDoc.Outsider(r.time(), r.server(), r.proxy(), from, nodeId(r.fromId()),
                    address(r.address()), r.method(), path(r.path()), r.status()));
        }
        List<NetworkInfoDoc.Source> sources = new ArrayList<>(doc.ingest().sources().size());
        for (NetworkInfoDoc.Source s : doc.ingest().sources()) {
            Map<String, Object> details = new LinkedHashMap<>(s.details());
            if (details.get("lastSender") instanceof String sender) {
                details.put("lastSender", address(sender));
            }
            sources.add(new NetworkInfoDoc.Source(s.path(), s.format(), s.offset(), s.lines(), s.malformed(),
                    s.lastError(), List.of(), details));
        }
        NetworkInfoDoc.Ingest ingest = new NetworkInfoDoc.Ingest(doc.ingest().lines(), doc.ingest().malformed(),
                doc.ingest().lastLineTime(), sources);
        return new NetworkInfoDoc(doc.generatedAt(), doc.notice(), doc.view(), doc.servers(), nodes, edges,
                doc.overflow(), new NetworkInfoDoc.Outsiders(o.count(), o.byProxy(), recent), ingest);
    }

    private List<String> addresses(List<String> list) {
        if (list == null || list.isEmpty()) {
            return list;
        }
        List<String> out = new ArrayList<>(list.size());
        list.forEach(a -> out.add(address(a)));
        return out;
    }

    private static String lastSegment(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    private String tag(byte[] address) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(address), 0, 3);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "Masking[addresses=" + addresses + ", queries=" + queries + "]";
    }

}
