package io.trafficviz.resolve;

import io.trafficviz.config.Cidr;
import io.trafficviz.config.ProxyConfig;
import io.trafficviz.config.ServerConfig;
import io.trafficviz.model.NodeId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One configured proxy as the resolver sees it, with its per-proxy caches (touched only by the ingest thread). */
public final class ProxyContext {
    private final ServerConfig server;
    private final ProxyConfig proxy;
    private final NodeId id;
    final Map<String, NodeId> targets = new HashMap<>();
    /**
     * Caller resolution cache, direct-mapped by the address's hash: bounded memory whatever the number of distinct
     * addresses (the internet's are unbounded), no clear-everything when full, and one array probe per line.
     */
    static final int CALLER_SLOTS = 1024;
    final int[] callerHashes = new int[CALLER_SLOTS];
    final String[] callerAddresses = new String[CALLER_SLOTS];
    final CallerInfo[] callerInfos = new CallerInfo[CALLER_SLOTS];
    /** The cached resolution of a line without a client address. */
    CallerInfo noAddressCaller;
    long callersVersion = -1;
    /** Server URL → the proxy node it reaches (or a marker for none). */
    final Map<String, NodeId> backends = new HashMap<>();
    long backendsVersion = -1;

    /** This proxy's {@code external} node's id: every public caller of its server and network. */
    final NodeId external;
    /** The resolution of a caller that is {@link #external} and no outsider, shared by all such addresses. */
    CallerInfo externalCaller;

    record CallerInfo(NodeId id, boolean outsider) {
    }

    /** Position in the config (servers, then their proxies, in file order): which proxy's word counts first. */
    final int rank;

    ProxyContext(ServerConfig server, ProxyConfig proxy, int rank) {
        this.server = server;
        this.proxy = proxy;
        this.id = NodeId.proxy(server.name(), proxy.name(), proxy.role() == ProxyConfig.Role.GATEWAY);
        this.rank = rank;
        this.external = NodeId.external(server.name(), proxy.network());
    }

    public String serverName() {
        return server.name();
    }

    public String proxyName() {
        return proxy.name();
    }

    public String network() {
        return proxy.network();
    }

    public ProxyConfig.Role role() {
        return proxy.role();
    }

    public NodeId id() {
        return id;
    }

    List<Cidr> trustedNetworks() {
        return server.trustedNetworks();
    }

    public String key() {
        return server.name() + "/" + proxy.name();
    }
}
