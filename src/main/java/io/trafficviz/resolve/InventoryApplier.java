package io.trafficviz.resolve;

import io.trafficviz.config.ProxyConfig;
import io.trafficviz.discovery.AddressIndex;
import io.trafficviz.discovery.ProxyInventory;
import io.trafficviz.discovery.Service;
import io.trafficviz.model.NodeFact;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a proxy's discovered inventory means for resolution: each backend address maps to its service, and every
 * discovered service is shown as a node. A backend that is another configured proxy (a gateway's public proxies) is
 * neither: its address stays the proxy's, and the service ends at that proxy's node. When a proxy's entry points
 * change, every other proxy's inventory is applied again, since a backend URL may only now be recognised as that
 * proxy. Called by ingest under its lock; returns the facts for the graph.
 */
public final class InventoryApplier {
    private final RequestResolver resolver;
    private final AddressBook addressBook;
    /** Each proxy's latest inventory, kept so that it can be applied again. */
    private final Map<String, Applied> lastInventories = new LinkedHashMap<>();

    private record Applied(ProxyContext ctx, ProxyInventory inventory, AddressIndex index) {
    }

    public InventoryApplier(RequestResolver resolver, AddressBook addressBook) {
        this.resolver = resolver;
        this.addressBook = addressBook;
    }

    public List<NodeFact> apply(ProxyContext ctx, ProxyInventory inventory, AddressIndex index) {
        List<NodeFact> facts = new ArrayList<>();
        lastInventories.put(ctx.key(), new Applied(ctx, inventory, index));
        List<String> listen = new ArrayList<>();
        inventory.entryPoints().forEach(e -> listen.add(e.address()));
        boolean moved = resolver.setEntryPoints(ctx, listen);
        if (moved) {
            lastInventories.values().forEach(a -> apply(a, facts));
        } else {
            apply(lastInventories.get(ctx.key()), facts);
        }
        return facts;
    }

    /** Whether an inventory of this proxy ({@code server/proxy}) has been applied. */
    public boolean hasApplied(String proxyKey) {
        return lastInventories.containsKey(proxyKey);
    }

    private void apply(Applied a, List<NodeFact> facts) {
        ProxyContext ctx = a.ctx();
        Set<String> proxyHosts = new HashSet<>();
        Set<String> workloadHosts = new HashSet<>();
        List<Service> declared = new ArrayList<>();
        for (Service service : a.inventory().services()) {
            if ("internal".equals(service.provider()) || service.serverUrls().isEmpty()) {
                continue;
            }
            Set<ProxyContext> backends = new HashSet<>();
            boolean allProxies = true;
            for (String url : service.serverUrls()) {
                ProxyContext backend = resolver.proxyAt(url);
                String host = AddressIndex.hostOf(url).map(AddressIndex::normalizeAddress).orElse(null);
                if (backend != null && backend != ctx) {
                    backends.add(backend);
                    if (host != null) {
                        proxyHosts.add(host);
                    }
                } else {
                    allProxies = false;
                    if (host != null) {
                        workloadHosts.add(host);
                    }
                }
            }
            if (allProxies && backends.size() == 1) {
                resolver.declareProxyService(ctx, service.name(), backends.iterator().next());
            } else if (!allProxies && ctx.role() != ProxyConfig.Role.GATEWAY) {
                // A gateway's services usually front proxies: they show up with their first request instead of
                // as a service node that might turn out to be a proxy once the proxies' entry points are known.
                declared.add(service);
            }
        }
        proxyHosts.removeAll(workloadHosts);
        Map<String, Workload> addresses = new HashMap<>();
        if (a.index() != null) {
            a.index().serviceByAddress().forEach((address, service) -> {
                if (!proxyHosts.contains(address)) {
                    addresses.put(address, new Workload(ctx.serverName(), RequestResolver.bareName(service),
                            ctx.network()));
                }
            });
        }
        addressBook.replace(ctx.key(), addresses);
        declared.forEach(service -> resolver.declareService(ctx, service.name(), facts));
    }
}
