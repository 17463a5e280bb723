package io.trafficviz.ingest;

import io.trafficviz.discovery.ProxyInventory;
import io.trafficviz.discovery.Router;
import io.trafficviz.discovery.Service;
import io.trafficviz.model.NodeId;
import io.trafficviz.resolve.ProxyContext;
import io.trafficviz.telemetry.RouterTraffic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per proxy: the requests each router and service carried and when it last did (by the {@code RouterName} and
 * {@code ServiceName} of its lines), the Host headers and paths of the requests no router matched, and the proxy's
 * latest inventory, which names the routers and services that carried nothing. Under ingest's lock, like the graph.
 *
 * <p>Bounded: a proxy keeps at most {@link #MAX_NAMES} router and as many service names (its configuration's, unless
 * pushed lines invent more: the rest are counted as {@link #OTHER}) and {@link #MAX_TEXTS} unmatched hosts and paths
 * each (the outside world chooses those: past the cap, new ones are counted in {@code other} only).
 */
final class RouterTally {
    static final int MAX_NAMES = 1_000;
    static final int MAX_TEXTS = 1_000;
    static final int TOP = RouterTraffic.TOP;
    static final int MAX_PATH = RouterTraffic.MAX_PATH;
    static final String OTHER = "other";
    static final String NO_HOST = "(none)";

    /** One proxy's counts: per name {requests, lastSeen}. */
    private static final class PerProxy {
        ProxyInventory inventory;
        final Map<String, long[]> routers = new HashMap<>();
        final Map<String, long[]> services = new HashMap<>();
        final Map<String, long[]> hosts = new HashMap<>();
        final Map<String, long[]> paths = new HashMap<>();
        long hostsOther;
        long pathsOther;
        long unrouted;
    }

    private final Map<ProxyContext, PerProxy> proxies = new HashMap<>();
    /**
     * Requests an earlier run kept (the history store), per proxy node id and target node id: {requests, lastSeen}.
     * The store keeps no router or service name, only the target's node, so they count for services (by their node
     * {@code service:<server>/<name without @provider>}) and keep their routers from being called idle.
     */
    private final Map<String, Map<String, long[]>> restored = new HashMap<>();
    /** Lines of one source come from one proxy: the last lookup nearly always answers the next. */
    private ProxyContext lastContext;
    private PerProxy last;

    void inventory(ProxyContext ctx, ProxyInventory inventory) {
        of(ctx).inventory = inventory;
    }

    /**
     * A request {@code ctx} logged at {@code time}; {@code router}/{@code service} as logged (null when none),
     * {@code unrouted} when no router matched it.
     */
    void record(ProxyContext ctx, String router, String service, boolean unrouted, String host, String path,
                long time) {
        PerProxy p = of(ctx);
        if (router != null) {
            count(p.routers, router, time);
        }
        if (service != null) {
            count(p.services, service, time);
        }
        if (unrouted) {
            p.unrouted++;
            if (!countText(p.hosts, host == null || host.isEmpty() ? NO_HOST : host)) {
                p.hostsOther++;
            }
            String cut = path == null ? "" : path.length() > MAX_PATH ? path.substring(0, MAX_PATH) + "…" : path;
            if (!countText(p.paths, cut)) {
                p.pathsOther++;
            }
        }
    }

    /** A request restored from the store: {@code target} null when the proxy answered it itself. */
    void restored(NodeId proxy, NodeId target, long time) {
        if (target == null) {
            return;
        }
        Map<String, long[]> targets = restored.computeIfAbsent(proxy.text(), k -> new HashMap<>());
        long[] c = targets.get(target.text());
        if (c == null) {
            if (targets.size() >= MAX_NAMES) {
                return; // the graph counts it; here it could only name a service the inventory does not list
            }
            c = new long[2];
            targets.put(target.text(), c);
        }
        c[0]++;
        if (time > c[1]) {
            c[1] = time;
        }
    }

    private PerProxy of(ProxyContext ctx) {
        if (ctx == lastContext) {
            return last;
        }
        PerProxy p = proxies.computeIfAbsent(ctx, c -> new PerProxy());
        lastContext = ctx;
        last = p;
        return p;
    }

    private static void count(Map<String, long[]> counts, String name, long time) {
        long[] c = counts.get(name);
        if (c == null) {
            String key = counts.size() < MAX_NAMES ? name : OTHER;
            c = counts.computeIfAbsent(key, k -> new long[2]);
        }
        c[0]++;
        if (time > c[1]) {
            c[1] = time;
        }
    }

    /** Counts {@code text} unless it is new and the map is full; returns whether it was counted. */
    private static boolean countText(Map<String, long[]> counts, String text) {
        long[] c = counts.get(text);
        if (c == null) {
            if (counts.size() >= MAX_TEXTS) {
                return false;
            }
            c = new long[1];
            counts.put(text, c);
        }
        c[0]++;
        return true;
    }

    /** Every proxy of {@code order} (config order), counted or not. */
    RouterTraffic snapshot(List<ProxyContext> order) {
        List<RouterTraffic.Proxy> out = new ArrayList<>(order.size());
        for (ProxyContext ctx : order) {
            PerProxy p = proxies.getOrDefault(ctx, new PerProxy());
            ProxyInventory inv = p.inventory;
            List<RouterTraffic.Counted> routers = new ArrayList<>();
            List<RouterTraffic.Counted> services = new ArrayList<>();
            Set<String> declaredRouters = new HashSet<>();
            Set<String> declaredServices = new HashSet<>();
            if (inv != null) {
                Map<String, long[]> before = restored.getOrDefault(ctx.id().text(), Map.of());
                for (Router r : inv.routers()) {
                    long[] c = p.routers.getOrDefault(r.name(), new long[2]);
                    boolean serviceRestored = r.service() != null && before.containsKey(serviceNode(ctx, r.service()));
                    routers.add(new RouterTraffic.Counted(r.name(), r.service(), r.rule(), true, c[0], lastSeen(c),
                            c[0] == 0 && !serviceRestored));
                    declaredRouters.add(r.name());
                }
                for (Service s : inv.services()) {
                    long[] c = p.services.getOrDefault(s.name(), new long[2]);
                    long[] r = before.getOrDefault(serviceNode(ctx, s.name()), new long[2]);
                    long[] both = {c[0] + r[0], Math.max(c[1], r[1])};
                    services.add(new RouterTraffic.Counted(s.name(), s.type(), null, true, both[0], lastSeen(both)));
                    declaredServices.add(s.name());
                }
            }
            routers.addAll(undeclared(p.routers, declaredRouters));
            services.addAll(undeclared(p.services, declaredServices));
            out.add(new RouterTraffic.Proxy(ctx.id().text(), inv == null ? null : inv.fetchedAtMillis(), routers,
                    services, p.unrouted, top(p.hosts, p.hostsOther), top(p.paths, p.pathsOther)));
        }
        return new RouterTraffic(out);
    }

    /** The node a service of {@code ctx} is drawn as (the resolver's naming: the name without its provider). */
    private static String serviceNode(ProxyContext ctx, String qualified) {
        return NodeId.service(ctx.serverName(), ProxyInventory.bareName(qualified)).text();
    }

    private static Long lastSeen(long[] c) {
        return c[1] == 0 ? null : c[1];
    }

    /** Names only the log gave, busiest first. */
    private static List<RouterTraffic.Counted> undeclared(Map<String, long[]> counts, Set<String> declared) {
        List<RouterTraffic.Counted> out = new ArrayList<>();
        counts.forEach((name, c) -> {
            if (!declared.contains(name)) {
                out.add(new RouterTraffic.Counted(name, null, null, false, c[0], lastSeen(c)));
            }
        });
        out.sort(Comparator.comparingLong((RouterTraffic.Counted c) -> -c.requests())
                .thenComparing(RouterTraffic.Counted::name));
        return out;
    }

    /** The {@link #TOP} busiest texts; the rest, and what was never kept, in {@code other}. */
    static RouterTraffic.Top top(Map<String, long[]> counts, long untracked) {
        List<RouterTraffic.Count> all = new ArrayList<>(counts.size());
        counts.forEach((text, c) -> all.add(new RouterTraffic.Count(text, c[0])));
        all.sort(Comparator.comparingLong((RouterTraffic.Count c) -> -c.requests()).thenComparing(RouterTraffic.Count::text));
        long other = untracked;
        for (int i = TOP; i < all.size(); i++) {
            other += all.get(i).requests();
        }
        return new RouterTraffic.Top(List.copyOf(all.subList(0, Math.min(TOP, all.size()))), other);
    }
}
