package io.trafficviz.resolve;

import io.trafficviz.config.Cidr;
import io.trafficviz.config.ProxyConfig;
import io.trafficviz.config.ServerConfig;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.model.NodeFact;
import io.trafficviz.model.NodeId;
import io.trafficviz.model.Route;
import io.trafficviz.parse.AccessLogEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Works out, for each request, the caller node, the proxy node and the service node.
 *
 * <p>The caller is looked up in order: a workload some proxy's discovery knows at that address (any server, the
 * proxy's own server first), a proxy's own address, a configured static name or CIDR, reverse DNS (if enabled), and
 * otherwise an unknown node: {@code external} for public addresses (one per server/network) and {@code unrecognised}
 * for private ones (one per address, up to a cap per server/network).
 *
 * <p>The target is the line's service, except when its server URL is another configured proxy's (see
 * {@link #proxyAt}): a gateway's line then ends at the public proxy it forwarded to, the hop the proxy's own log
 * continues.
 *
 * <p>The answer is a {@link Route} of {@link NodeId}s; what the resolver learns about nodes on the way (that one
 * exists, its addresses, its network, that it is an outsider) it appends to the caller's list of {@link NodeFact}s,
 * for the graph to apply: the resolver holds no nodes. Facts come on cache misses only. Only the ingest side calls
 * this, under its lock (discovery's updates included).
 */
public final class RequestResolver {
    private final TrafficvizConfig config;
    private final AddressBook addressBook;
    private final ReverseDns reverseDns;
    private final Map<String, ProxyContext> proxies = new LinkedHashMap<>();
    private final Map<String, ProxyContext> proxyByAddress = new HashMap<>();
    private final ProxyEndpoints endpoints = new ProxyEndpoints();
    private final Map<String, Integer> unknownPerGroup = new HashMap<>();
    /** Unrecognised callers that have a node of their own (bounded: at most the cap per group). */
    private final Set<NodeId> unrecognised = new HashSet<>();
    /** For each service node some proxy routes to, the rank of the proxy whose network it is drawn in. */
    private final Map<NodeId, Integer> networkClaims = new HashMap<>();
    /** The proxies' own nodes, declared when the resolver is built (see {@link #proxyFacts}). */
    private final List<NodeFact> proxyFacts = new ArrayList<>();
    /** For files several proxies share: the proxy each entry point belongs to ({@code firstProxyKey|entryPoint}). */
    private final Map<String, ProxyContext> proxyByEntryPoint = new HashMap<>();
    private final Set<String> sharedEntryPoints = new HashSet<>();
    /** Entry points are Traefik's configuration, not traffic: a bound that is never reached, but a bound. */
    private static final int MAX_ENTRY_POINTS = 1024;
    /** Bound on the per-proxy cache of server URL → proxy (gateway lines); cleared when exceeded. */
    private static final int MAX_CACHED_BACKENDS = 100_000;
    /** Cache marker: this server URL is no proxy's. */
    private static final NodeId NOT_A_PROXY = NodeId.service("-", "-");

    public RequestResolver(TrafficvizConfig config, AddressBook addressBook, ReverseDns reverseDns) {
        this.config = config;
        this.addressBook = addressBook;
        this.reverseDns = reverseDns;
        for (ServerConfig server : config.servers()) {
            for (ProxyConfig proxy : server.proxies()) {
                ProxyContext ctx = new ProxyContext(server, proxy, proxies.size());
                proxies.put(ctx.key(), ctx);
                proxyFacts.add(new NodeFact.Declared(ctx.id(), proxy.network()));
                for (String address : proxy.addresses()) {
                    proxyByAddress.put(address, ctx);
                    proxyFacts.add(new NodeFact.SeenAt(ctx.id(), address));
                }
                endpoints.addConfigured(ctx, proxy.addresses());
            }
        }
    }

    /** The configured proxies' nodes and addresses, in config order: a graph starts from these. */
    public List<NodeFact> proxyFacts() {
        return List.copyOf(proxyFacts);
    }

    public ProxyContext proxy(String server, String proxy) {
        return proxies.get(server + "/" + proxy);
    }

    public List<ProxyContext> proxies() {
        return new ArrayList<>(proxies.values());
    }

    /**
     * The proxy that wrote a line read from a file several proxies share: the one whose network (or name) the line's
     * network header names, else the first.
     *
     * <p>The header is trusted only on a routed line: it is set by a middleware of the proxy's routers, so a request
     * that matched no router still carries whatever the client sent in it, and a client could steer its line to
     * another proxy (e.g. hide from a private proxy's outsider check by naming a public one). Such a line goes by its
     * entry point instead (Traefik writes it; the client cannot choose it), as learnt from the routed lines of the
     * same file; an entry point not learnt yet, or shared by two of the proxies, gives the first proxy, as a line
     * without the header does.
     */
    public ProxyContext proxyForLine(List<ProxyContext> candidates, AccessLogEntry entry) {
        boolean routed = entry.routerName != null && !entry.routerName.isEmpty();
        String entryPointKey = entry.entryPointName == null ? null : candidates.get(0).key() + "|" + entry.entryPointName;
        if (!routed) {
            ProxyContext byEntryPoint = entryPointKey == null ? null : proxyByEntryPoint.get(entryPointKey);
            return byEntryPoint != null && candidates.contains(byEntryPoint) ? byEntryPoint : candidates.get(0);
        }
        String network = entry.requestHeader(config.networkHeader());
        if (network != null) {
            for (ProxyContext ctx : candidates) {
                if (network.equals(ctx.network()) || network.equals(ctx.proxyName())) {
                    if (entryPointKey != null) {
                        learnEntryPoint(entryPointKey, ctx);
                    }
                    return ctx;
                }
            }
        }
        return candidates.get(0);
    }

    private void learnEntryPoint(String key, ProxyContext ctx) {
        if (sharedEntryPoints.contains(key)) {
            return;
        }
        ProxyContext known = proxyByEntryPoint.get(key);
        if (known == null) {
            if (proxyByEntryPoint.size() < MAX_ENTRY_POINTS) {
                proxyByEntryPoint.put(key, ctx);
            }
        } else if (known != ctx) {
            // Two proxies of one file on a same-named entry point: it tells them apart no more.
            proxyByEntryPoint.remove(key);
            sharedEntryPoints.add(key);
        }
    }

    /** Who called whom for {@code entry}, read by {@code ctx}; what was learnt on the way goes to {@code facts}. */
    public Route resolve(ProxyContext ctx, AccessLogEntry entry, List<NodeFact> facts) {
        ProxyContext.CallerInfo caller = caller(ctx, entry.callerAddress(), facts);
        NodeId target = entry.answeredByProxy() ? null : target(ctx, entry, facts);
        return new Route(caller.id(), ctx.id(), target, caller.outsider());
    }

    /**
     * The service a forwarded request went to. A {@code common} (CLF) line carries no ServiceName, only the router and
     * the service URL: the router's name stands in (with the file provider it is usually the service's), else the URL.
     */
    private static String serviceOf(AccessLogEntry entry) {
        if (entry.serviceName != null) {
            return entry.serviceName;
        }
        return entry.routerName != null ? entry.routerName : entry.serviceUrl;
    }

    /** Makes discovered services visible as nodes before any traffic reaches them. */
    public void declareService(ProxyContext ctx, String serviceName, List<NodeFact> facts) {
        NodeId known = ctx.targets.get(serviceName);
        if (known != null && known.isProxy()) {
            ctx.targets.remove(serviceName); // it was declared as fronting a proxy, and no longer does
        }
        target(ctx, serviceName, facts);
    }

    /**
     * Declares that a service of {@code ctx} sends to another proxy (a gateway's service whose servers are public
     * proxies): lines naming the service but no server URL then end at that proxy's node.
     */
    public void declareProxyService(ProxyContext ctx, String serviceName, ProxyContext backend) {
        if (backend != ctx) {
            ctx.targets.put(serviceName, backend.id());
        }
    }

    /**
     * Sets where a proxy's entry points listen, as its discovery reports them ({@code 10.0.0.2:80}, {@code :80});
     * returns whether that changed what {@link #proxyAt} answers.
     */
    public boolean setEntryPoints(ProxyContext ctx, List<String> listenAddresses) {
        return endpoints.setEntryPoints(ctx, listenAddresses);
    }

    /**
     * The configured proxy a backend URL reaches (by its entry points, else by its configured {@code addresses}), or
     * null when the URL is not a known proxy's.
     */
    public ProxyContext proxyAt(String url) {
        return endpoints.at(url);
    }

    /** A line's target: the proxy its server URL reaches when that is another proxy, else its service. */
    private NodeId target(ProxyContext ctx, AccessLogEntry entry, List<NodeFact> facts) {
        if (entry.serviceUrl != null) {
            if (ctx.backendsVersion != endpoints.version() || ctx.backends.size() > MAX_CACHED_BACKENDS) {
                ctx.backends.clear();
                ctx.backendsVersion = endpoints.version();
            }
            NodeId proxy = ctx.backends.get(entry.serviceUrl);
            if (proxy == null) {
                ProxyContext backend = endpoints.at(entry.serviceUrl);
                proxy = backend == null || backend == ctx ? NOT_A_PROXY : backend.id();
                ctx.backends.put(entry.serviceUrl, proxy);
            }
            if (proxy != NOT_A_PROXY) {
                return proxy;
            }
        }
        return target(ctx, serviceOf(entry), facts);
    }

    private NodeId target(ProxyContext ctx, String serviceName, List<NodeFact> facts) {
        NodeId id = ctx.targets.get(serviceName);
        if (id == null) {
            id = NodeId.service(ctx.serverName(), bareName(serviceName));
            facts.add(new NodeFact.Declared(id, ctx.network()));
            claimNetwork(id, ctx, facts);
            ctx.targets.put(serviceName, id);
        }
        return id;
    }

    /**
     * A service that several proxies of its server route to (the public and the private one, say) is drawn in the
     * network of the first of them in the config, whichever discovery or line named it first: otherwise the order in
     * which discovery threads answer would decide, and differ from run to run.
     */
    private void claimNetwork(NodeId id, ProxyContext ctx, List<NodeFact> facts) {
        if (!id.server().equals(ctx.serverName())) {
            return;
        }
        Integer claimed = networkClaims.get(id);
        if (claimed == null || ctx.rank < claimed) {
            networkClaims.put(id, ctx.rank);
            facts.add(new NodeFact.InNetwork(id, ctx.network()));
        }
    }

    private ProxyContext.CallerInfo caller(ProxyContext ctx, String address, List<NodeFact> facts) {
        long version = addressBook.version();
        if (ctx.callersVersion != version) {
            java.util.Arrays.fill(ctx.callerAddresses, null);
            java.util.Arrays.fill(ctx.callerInfos, null);
            ctx.noAddressCaller = null;
            ctx.callersVersion = version;
        }
        if (address == null) {
            if (ctx.noAddressCaller == null) {
                ctx.noAddressCaller = resolveCaller(ctx, null, facts);
            }
            return ctx.noAddressCaller;
        }
        int h = address.hashCode();
        int slot = (h ^ (h >>> 12)) & (ProxyContext.CALLER_SLOTS - 1);
        // The hash first: on the internet's many one-off addresses the slot holds another address, whose text (two
        // cache misses away) need not be read.
        if (ctx.callerHashes[slot] == h) {
            String cached = ctx.callerAddresses[slot];
            if (cached != null && cached.equals(address)) {
                return ctx.callerInfos[slot];
            }
        }
        ProxyContext.CallerInfo info = resolveCaller(ctx, address, facts);
        ctx.callerHashes[slot] = h;
        ctx.callerAddresses[slot] = address;
        ctx.callerInfos[slot] = info;
        return info;
    }

    private ProxyContext.CallerInfo resolveCaller(ProxyContext ctx, String address, List<NodeFact> facts) {
        ProxyContext.CallerInfo info = lookupCaller(ctx, address, facts);
        if (info.outsider()) {
            facts.add(new NodeFact.Outsider(info.id()));
        }
        return info;
    }

    private ProxyContext.CallerInfo lookupCaller(ProxyContext ctx, String address, List<NodeFact> facts) {
        Workload workload = addressBook.lookup(address, ctx.serverName());
        if (workload != null) {
            NodeId id = NodeId.service(workload.server(), workload.name());
            facts.add(new NodeFact.Declared(id, workload.network()));
            facts.add(new NodeFact.SeenAt(id, address));
            return new ProxyContext.CallerInfo(id, outsider(ctx, address, workload.server().equals(ctx.serverName())));
        }
        ProxyContext proxyCaller = proxyByAddress.get(address);
        if (proxyCaller != null) {
            return new ProxyContext.CallerInfo(proxyCaller.id(),
                    outsider(ctx, address, proxyCaller.serverName().equals(ctx.serverName())));
        }
        String name = staticName(address);
        if (name == null && reverseDns != null && address != null) {
            name = reverseDns.nameOf(address);
        }
        if (name != null) {
            NodeId id = NodeId.service(ctx.serverName(), name);
            facts.add(new NodeFact.Declared(id, ctx.network()));
            facts.add(new NodeFact.SeenAt(id, address));
            return new ProxyContext.CallerInfo(id, outsider(ctx, address, true));
        }
        NodeId unknown = unknown(ctx, address, facts);
        boolean outsider = outsider(ctx, address, false);
        if (unknown == ctx.external && !outsider) {
            // Most one-off addresses end here: one shared answer instead of an object per address.
            if (ctx.externalCaller == null) {
                ctx.externalCaller = new ProxyContext.CallerInfo(unknown, false);
            }
            return ctx.externalCaller;
        }
        return new ProxyContext.CallerInfo(unknown, outsider);
    }

    /** A private proxy should only hear from its own server's workloads and proxies, and trusted networks. */
    private static boolean outsider(ProxyContext ctx, String address, boolean knownOnSameServer) {
        if (ctx.role() != ProxyConfig.Role.PRIVATE || knownOnSameServer) {
            return false;
        }
        for (Cidr trusted : ctx.trustedNetworks()) {
            if (trusted.contains(address)) {
                return false;
            }
        }
        return true;
    }

    private String staticName(String address) {
        if (config.names().isEmpty() || address == null) {
            return null;
        }
        byte[] bytes = Cidr.literalBytes(address);
        for (Map.Entry<Cidr, String> e : config.names().entrySet()) {
            if (bytes != null ? e.getKey().contains(bytes) : e.getKey().text().equals(address)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Outside callers are one {@code external} node per server/network: the internet is unbounded and its addresses
     * mean little individually. Private addresses nobody knows are worth seeing one by one (a container without a
     * name, a stray job), so {@code unrecognised} nodes are per address, up to a cap per group, then "other".
     */
    private NodeId unknown(ProxyContext ctx, String address, List<NodeFact> facts) {
        NodeId id;
        if (isPublic(address)) {
            id = ctx.external;
        } else {
            id = NodeId.unrecognised(ctx.serverName(), ctx.network(), address);
            if (!unrecognised.contains(id)) {
                String group = ctx.serverName() + "/" + ctx.network();
                if (unknownPerGroup.merge(group, 1, Integer::sum) > config.limits().maxUnknownPerGroup()) {
                    id = NodeId.unrecognisedOther(ctx.serverName(), ctx.network());
                } else {
                    unrecognised.add(id);
                }
            }
        }
        // Declared on every cache miss: past the graph's node cap, each new caller is counted as an overflow.
        facts.add(new NodeFact.Declared(id, ctx.network()));
        if (address != null) {
            facts.add(new NodeFact.SeenAt(id, address));
        }
        return id;
    }

    /** Public means routable on the internet: not private, loopback, link-local, CGNAT or unique-local. */
    static boolean isPublic(String address) {
        if (address == null) {
            return false;
        }
        long v4 = Cidr.ipv4(address);
        if (v4 != Cidr.NOT_IPV4) {
            return isPublicIpv4((int) (v4 >>> 24), (int) (v4 >>> 16) & 0xFF);
        }
        byte[] b = Cidr.literalBytes(address);
        if (b == null) {
            return false;
        }
        if (b.length == 4) {
            return isPublicIpv4(b[0] & 0xFF, b[1] & 0xFF);
        }
        int first = b[0] & 0xFF;
        boolean loopbackOrUnspecified = true;
        for (int i = 0; i < 15; i++) {
            loopbackOrUnspecified &= b[i] == 0;
        }
        return !(loopbackOrUnspecified || (first & 0xFE) == 0xFC || (first == 0xFE && (b[1] & 0xC0) == 0x80)
                || first == 0xFF);
    }

    private static boolean isPublicIpv4(int a0, int a1) {
        return !(a0 == 10 || a0 == 127 || a0 == 0 || (a0 == 172 && a1 >= 16 && a1 < 32)
                || (a0 == 192 && a1 == 168) || (a0 == 169 && a1 == 254) || (a0 == 100 && a1 >= 64 && a1 < 128)
                || a0 >= 224);
    }

    public static String bareName(String serviceName) {
        int at = serviceName.lastIndexOf('@');
        return at > 0 ? serviceName.substring(0, at) : serviceName;
    }
}
