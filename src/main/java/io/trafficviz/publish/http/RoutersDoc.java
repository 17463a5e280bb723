package io.trafficviz.publish.http;

import io.trafficviz.history.HistoryQueries;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.telemetry.RouterTraffic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code routers} section of {@code /network_info} (docs/protocol.md): per proxy, its routers and services with
 * the requests each carried and when it last did, idle ones marked, and the Host headers and paths no router matched.
 * Live it counts since start; over a window of the store it counts the window's requests, where routers can only be
 * told idle through their service (the store keeps no router name). Hosts and paths are attacker text: a viewer gets
 * an address-like Host masked as client addresses are.
 */
public final class RoutersDoc {
    private RoutersDoc() {
    }

    /** Counted since start. */
    public static List<Map<String, Object>> live(RouterTraffic traffic, Masking masking) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RouterTraffic.Proxy p : traffic.proxies()) {
            List<Map<String, Object>> routers = new ArrayList<>();
            p.routers().forEach(r -> routers.add(router(r, r.requests(), r.lastSeen(), r.idle())));
            List<Map<String, Object>> services = new ArrayList<>();
            p.services().forEach(s -> services.add(service(s.name(), s.service(), s.declared(), s.requests(),
                    s.lastSeen())));
            out.add(proxy(p, "live", routers, services, p.unrouted(), p.unmatchedHosts(), p.unmatchedPaths(), masking));
        }
        return out;
    }

    /**
     * Over a window: the inventories of {@code traffic} (the proxies' routing now) against {@code window}'s counts by
     * target node. A service is matched to its node {@code service:<server>/<name without @provider>}; a proxy whose
     * requests went on to other proxies (a gateway) has services the store cannot tell apart: their counts are null.
     */
    public static List<Map<String, Object>> window(RouterTraffic traffic, Map<String, HistoryQueries.ProxyTargets> window,
                                                   Masking masking) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RouterTraffic.Proxy p : traffic.proxies()) {
            HistoryQueries.ProxyTargets counted = window.get(p.proxyId());
            Map<String, long[]> targets = counted == null ? Map.of() : counted.targets();
            boolean forwardsToProxies = targets.keySet().stream().anyMatch(t -> t.startsWith("proxy:"));
            String server = p.proxyId().substring("proxy:".length(), p.proxyId().indexOf('/'));
            Map<String, Long> serviceRequests = new HashMap<>();
            Set<String> matchedTargets = new HashSet<>();
            List<Map<String, Object>> services = new ArrayList<>();
            for (RouterTraffic.Counted s : p.services()) {
                if (!s.declared()) {
                    continue;
                }
                String node = "service:" + server + "/" + bare(s.name());
                long[] c = targets.get(node);
                Long requests = c != null ? Long.valueOf(c[0]) : forwardsToProxies ? null : Long.valueOf(0);
                if (c != null) {
                    matchedTargets.add(node);
                }
                serviceRequests.put(s.name(), requests);
                services.add(service(s.name(), s.service(), true, requests, c == null ? null : c[1]));
            }
            targets.forEach((node, c) -> {
                if (node.startsWith("service:") && !matchedTargets.contains(node)) {
                    services.add(service(node.substring(node.indexOf('/') + 1), null, false, c[0], c[1]));
                }
            });
            List<Map<String, Object>> routers = new ArrayList<>();
            for (RouterTraffic.Counted r : p.routers()) {
                if (!r.declared()) {
                    continue;
                }
                Long viaService = r.service() == null ? null : serviceRequests.get(r.service());
                routers.add(router(r, null, null, viaService != null && viaService == 0));
            }
            RouterTraffic.Top none = new RouterTraffic.Top(List.of(), 0);
            out.add(proxy(p, "window", routers, services, counted == null ? 0 : counted.unrouted(),
                    counted == null ? none : counted.unmatchedHosts(), counted == null ? none : counted.unmatchedPaths(),
                    masking));
        }
        return out;
    }

    private static String bare(String qualified) {
        int at = qualified.indexOf('@');
        return at < 0 ? qualified : qualified.substring(0, at);
    }

    private static Map<String, Object> proxy(RouterTraffic.Proxy p, String counted, List<Map<String, Object>> routers,
                                             List<Map<String, Object>> services, long unrouted,
                                             RouterTraffic.Top hosts, RouterTraffic.Top paths, Masking masking) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("proxy", p.proxyId());
        doc.put("inventoryAt", p.inventoryAt());
        doc.put("counted", counted);
        doc.put("routers", routers);
        doc.put("services", services);
        doc.put("unrouted", unrouted);
        doc.put("unmatchedHosts", top(hosts, "host", masking::address));
        doc.put("unmatchedPaths", top(paths, "path", masking::path));
        return doc;
    }

    private static Map<String, Object> router(RouterTraffic.Counted r, Long requests, Long lastSeen, boolean idle) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", r.name());
        row.put("service", r.service());
        row.put("rule", r.rule());
        row.put("declared", r.declared());
        row.put("requests", requests);
        row.put("lastSeen", lastSeen);
        row.put("idle", idle);
        return row;
    }

    private static Map<String, Object> service(String name, String type, boolean declared, Long requests,
                                               Long lastSeen) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("type", type);
        row.put("declared", declared);
        row.put("requests", requests);
        row.put("lastSeen", lastSeen);
        row.put("idle", requests != null && requests == 0);
        return row;
    }

    private static Map<String, Object> top(RouterTraffic.Top top, String key,
                                           java.util.function.UnaryOperator<String> mask) {
        List<Map<String, Object>> rows = new ArrayList<>(top.top().size());
        for (RouterTraffic.Count c : top.top()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(key, mask.apply(c.text()));
            row.put("requests", c.requests());
            rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("top", rows);
        doc.put("other", top.other());
        return doc;
    }
}
