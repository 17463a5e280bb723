package io.trafficviz.model;

/**
 * A node's identity, and the only place the id grammar of docs/protocol.md is written:
 *
 * <pre>
 *   proxy:&lt;server&gt;/&lt;proxy&gt;                      a proxy or gateway
 *   service:&lt;server&gt;/&lt;service&gt;                  a workload (the service name without its {@code @provider})
 *   external:&lt;server&gt;/&lt;network&gt;                 every public caller seen by that server's network
 *   unrecognised:&lt;server&gt;/&lt;network&gt;/&lt;address&gt;  a private address nobody named ({@code /other} past the cap)
 *   overflow:&lt;server&gt;                          what a graph's caps folded together
 * </pre>
 *
 * <p>Two ids are equal when their texts are: the kind is description (a gateway's id reads {@code proxy:} as a proxy's
 * does). The hash is computed once, because ids key the graph's and the resolver's tables on every line.
 */
public final class NodeId implements Comparable<NodeId> {
    private static final String PROXY = "proxy:";
    private static final String SERVICE = "service:";
    private static final String EXTERNAL = "external:";
    private static final String UNRECOGNISED = "unrecognised:";
    private static final String OVERFLOW = "overflow:";
    /** The last segment of an unrecognised id once its group has as many addresses as it may have. */
    public static final String OTHER = "other";

    private final NodeKind kind;
    private final String server;
    /** The network for external and unrecognised callers (part of their identity); null for the others. */
    private final String network;
    /** Proxy or service name, the address of an unrecognised caller; null for external and overflow. */
    private final String name;
    private final String text;
    private final int hash;

    private NodeId(NodeKind kind, String server, String network, String name, String text) {
        this.kind = kind;
        this.server = server;
        this.network = network;
        this.name = name;
        this.text = text;
        this.hash = text.hashCode();
    }

    public static NodeId proxy(String server, String proxy, boolean gateway) {
        return new NodeId(gateway ? NodeKind.GATEWAY : NodeKind.PROXY, server, null, proxy,
                PROXY + server + "/" + proxy);
    }

    public static NodeId service(String server, String service) {
        return new NodeId(NodeKind.SERVICE, server, null, service, SERVICE + server + "/" + service);
    }

    public static NodeId external(String server, String network) {
        return new NodeId(NodeKind.EXTERNAL, server, network, null, EXTERNAL + server + "/" + network);
    }

    /** An unknown private caller; a null address (a line without one) is shown as {@code unknown}. */
    public static NodeId unrecognised(String server, String network, String address) {
        String shown = address == null ? "unknown" : address;
        return new NodeId(NodeKind.UNRECOGNISED, server, network, shown,
                UNRECOGNISED + server + "/" + network + "/" + shown);
    }

    /** The node that stands for a group's unknown private callers past its cap. */
    public static NodeId unrecognisedOther(String server, String network) {
        return unrecognised(server, network, OTHER);
    }

    /** The node a graph folds what its caps keep out into, one per server. */
    public static NodeId overflow(String server) {
        return new NodeId(NodeKind.UNRECOGNISED, server, null, null, OVERFLOW + server);
    }

    /**
     * Reads an id's text back. Server, proxy and network names are config names (no {@code /}); a service name or an
     * address is whatever follows them. Throws {@link IllegalArgumentException} for text outside the grammar.
     */
    public static NodeId parse(String text) {
        if (text.startsWith(PROXY)) {
            String[] p = split(text, PROXY.length(), 2);
            return proxy(p[0], p[1], false);
        }
        if (text.startsWith(SERVICE)) {
            String[] p = split(text, SERVICE.length(), 2);
            return service(p[0], p[1]);
        }
        if (text.startsWith(EXTERNAL)) {
            String[] p = split(text, EXTERNAL.length(), 2);
            return external(p[0], p[1]);
        }
        if (text.startsWith(UNRECOGNISED)) {
            String[] p = split(text, UNRECOGNISED.length(), 3);
            return unrecognised(p[0], p[1], p[2]);
        }
        if (text.startsWith(OVERFLOW) && text.length() > OVERFLOW.length()) {
            return overflow(text.substring(OVERFLOW.length()));
        }
        throw new IllegalArgumentException("not a node id: " + text);
    }

    private static String[] split(String text, int from, int parts) {
        String[] out = new String[parts];
        int at = from;
        for (int i = 0; i < parts - 1; i++) {
            int slash = text.indexOf('/', at);
            if (slash < 0) {
                throw new IllegalArgumentException("not a node id: " + text);
            }
            out[i] = text.substring(at, slash);
            at = slash + 1;
        }
        out[parts - 1] = text.substring(at);
        return out;
    }

    public NodeKind kind() {
        return kind;
    }

    public String server() {
        return server;
    }

    /** The network that is part of an external or unrecognised caller's identity; null for the other kinds. */
    public String network() {
        return network;
    }

    /** The proxy's or service's name, or the unrecognised caller's address; null for external and overflow. */
    public String name() {
        return name;
    }

    /** Whether requests to this node are a proxy's (a proxy or a gateway): another log continues their journey. */
    public boolean isProxy() {
        return text.startsWith(PROXY);
    }

    public boolean isOverflow() {
        return text.startsWith(OVERFLOW);
    }

    /** The label a node with this id is shown with unless told otherwise. */
    public String label() {
        if (isOverflow()) {
            return "other (cap reached)";
        }
        return switch (kind) {
            case EXTERNAL -> "external callers";
            case UNRECOGNISED -> OTHER.equals(name) ? "other unrecognised callers" : name;
            default -> name;
        };
    }

    /** The id as the protocol writes it. */
    public String text() {
        return text;
    }

    /** Whether the protocol's id text {@code id} ends a request at a proxy (the hops continue in another log). */
    public static boolean isProxyText(String id) {
        return id.startsWith(PROXY);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof NodeId other && other.hash == hash && other.text.equals(text));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(NodeId o) {
        return text.compareTo(o.text);
    }

    @Override
    public String toString() {
        return text;
    }
}
