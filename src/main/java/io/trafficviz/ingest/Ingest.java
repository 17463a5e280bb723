package io.trafficviz.ingest;

import io.trafficviz.config.ProxyConfig;
import io.trafficviz.discovery.AddressIndex;
import io.trafficviz.discovery.ProxyInventory;
import io.trafficviz.graph.DeltaTracker;
import io.trafficviz.graph.GraphDelta;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.Node;
import io.trafficviz.graph.NodeView;
import io.trafficviz.graph.ServiceGraphEdge;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.model.NodeFact;
import io.trafficviz.model.Route;
import io.trafficviz.parse.AccessLogEntry;
import io.trafficviz.parse.MalformedLineException;
import io.trafficviz.parse.TraefikLogParser;
import io.trafficviz.parse.ValueCaches;
import io.trafficviz.resolve.AddressBook;
import io.trafficviz.resolve.InventoryApplier;
import io.trafficviz.resolve.ProxyContext;
import io.trafficviz.resolve.RequestResolver;
import io.trafficviz.source.LineBatch;
import io.trafficviz.source.SourceRegistry;
import io.trafficviz.source.StagedSink;
import io.trafficviz.telemetry.CallerTraffic;
import io.trafficviz.telemetry.IngestStats;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.OutsiderSnapshot;
import io.trafficviz.telemetry.RouterTraffic;
import io.trafficviz.telemetry.SourceSnapshot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * parse → resolve → graph: the one door every source's lines come through ({@link #accept}).
 *
 * <p>Parsing runs outside the ingest lock, on the calling source's thread, in one of a few parse slots (one per core,
 * each with its own parsers and value caches: bounded memory however many sources there are). Resolving and counting
 * run under the ingest lock, once per batch, in the order batches arrive. The lock is private: readers get values
 * ({@link IngestView}: a graph delta per live tick, a snapshot, the counters); discovery hands its inventories to
 * {@link #applyInventory}. {@link #parse} and {@link #apply} are the two halves of {@link #accept}, for a replay
 * that parses on other cores than it counts on (ADR 4).
 */
public final class Ingest implements StagedSink<Ingest.Parsed>, SourceRegistry, IngestView {
    private static final Logger log = LoggerFactory.getLogger(Ingest.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final TrafficGraph graph;
    private final RequestResolver resolver;
    private final InventoryApplier inventories;
    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
    private final List<SourceStats> sources = new ArrayList<>();
    private final ParseSlot[] slots;
    /** What the resolver learnt while resolving a line, applied to the graph before the line is counted. */
    private final List<NodeFact> facts = new ArrayList<>();
    /** The line being recorded, as listeners see it (reused: under the lock, one line at a time). */
    private final LiveRequest liveRequest = new LiveRequest();
    private final LongSupplier clock;
    private final boolean onLogTime;
    private final OutsiderLog outsiders;
    /** Who calls each proxy and how much of it matched no router: the page's noise switch and prefix split. */
    private final CallerTally callers = new CallerTally();
    /** Each proxy's routers and services against the requests they carried; what matched no router. */
    private final RouterTally routers = new RouterTally();
    /** Which edges the live stream has been told about, and which changed since its last rate refresh. */
    private final DeltaTracker deltas = new DeltaTracker();
    private volatile EventListener listener = EventListener.NONE;
    private long lines;
    private long malformed;
    private long unattributed;
    private long seq;
    private volatile long lastLineMillis;
    /** Under the lock: when a line that could not be recorded was last logged. */
    private long lastFailureLogNanos;

    /** How lines from one origin are read: its parser flavour, and the proxies that may have written them. */
    private record Binding(String format, boolean keepHeaders, List<ProxyContext> proxies, SourceStats stats) {
    }

    /**
     * @param clock     wall time, for rate windows in live use
     * @param onLogTime when true (replay), rate windows run on the lines' own timestamps instead of {@code clock}
     */
    public Ingest(TrafficGraph graph, RequestResolver resolver, AddressBook addressBook, LongSupplier clock,
                  boolean onLogTime) {
        this.graph = graph;
        this.resolver = resolver;
        this.inventories = new InventoryApplier(resolver, addressBook);
        this.clock = clock;
        this.onLogTime = onLogTime;
        List<String> privateProxies = new ArrayList<>();
        for (ProxyContext ctx : resolver.proxies()) {
            if (ctx.role() == ProxyConfig.Role.PRIVATE) {
                privateProxies.add(ctx.key());
            }
        }
        this.outsiders = new OutsiderLog(privateProxies);
        resolver.proxyFacts().forEach(graph::apply);
        this.slots = new ParseSlot[Math.max(1, Runtime.getRuntime().availableProcessors())];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new ParseSlot();
        }
    }

    public void setListener(EventListener listener) {
        this.listener = listener == null ? EventListener.NONE : listener;
    }

    /**
     * Declares a source. Several proxies may share one origin (one file for both proxies, as in the concept); each
     * line is then attributed by the network header it carries.
     *
     * @param proxyKeys the proxies that may have written its lines, as {@code server/proxy}
     */
    @Override
    public void register(String origin, List<String> proxyKeys, String format) {
        lock.lock();
        try {
            if (bindings.containsKey(origin)) {
                return;
            }
            List<ProxyContext> proxies = new ArrayList<>();
            for (String key : proxyKeys) {
                proxies.add(proxy(key));
            }
            SourceStats stats = new SourceStats(origin, format);
            // Headers are kept only to tell proxies apart.
            bindings.put(origin, new Binding(format, proxies.size() > 1, List.copyOf(proxies), stats));
            sources.add(stats);
        } finally {
            lock.unlock();
        }
    }

    /** Whether lines from {@code origin} are attributed to some proxy. */
    public boolean isRegistered(String origin) {
        return bindings.containsKey(origin);
    }

    /** Parses, resolves and counts a batch; returns how many of its lines were not taken (malformed or unattributed). */
    @Override
    public int accept(LineBatch batch) {
        ParseSlot slot = takeSlot();
        try {
            Parsed parsed = slot.parsed;
            parse(slot, batch, parsed);
            return apply(parsed, 0, parsed.size);
        } finally {
            slot.lock.unlock();
        }
    }

    @Override
    public Parsed newPrepared() {
        return new Parsed();
    }

    @Override
    public void prepare(LineBatch batch, Parsed into) {
        parse(batch, into);
    }

    @Override
    public int commit(Parsed prepared, int from, int to) {
        return apply(prepared, from, to);
    }

    @Override
    public int size(Parsed prepared) {
        return prepared.size();
    }

    @Override
    public long timeMillis(Parsed prepared, int i) {
        return prepared.malformed(i) ? 0 : prepared.entry(i).startMillis;
    }

    /** Parses {@code batch} into {@code into} outside the ingest lock (any thread); {@link #apply} counts it later. */
    public Parsed parse(LineBatch batch, Parsed into) {
        ParseSlot slot = takeSlot();
        try {
            parse(slot, batch, into);
            return into;
        } finally {
            slot.lock.unlock();
        }
    }

    /** Resolves and counts every line of {@code parsed}; returns how many were not taken. */
    public int apply(Parsed parsed) {
        return apply(parsed, 0, parsed.size);
    }

    /** As {@link #apply(Parsed)}, lines {@code [from, to)} only (paced replay applies a line at a time). */
    public int apply(Parsed parsed, int from, int to) {
        lock.lock();
        try {
            long now = clock.getAsLong();
            Binding binding = parsed.binding;
            if (binding == null) {
                int n = to - from;
                lines += n;
                unattributed += n;
                return n;
            }
            int rejected = 0;
            long last = 0;
            SourceStats stats = binding.stats();
            for (int i = from; i < to; i++) {
                lines++;
                stats.lines++;
                String error = parsed.errors[i];
                if (error != null) {
                    malformed++;
                    stats.malformed(error, parsed.rejectedLines[i]);
                    rejected++;
                } else {
                    try {
                        last = record(binding, parsed.entries[i], now);
                    } catch (RuntimeException e) {
                        // A line that trips a bug is counted and skipped here, never thrown: a source that retried the
                        // batch would count the lines before it twice, and one bad line must not stop the rest.
                        facts.clear();
                        failed(stats, e);
                        rejected++;
                    }
                }
            }
            if (last != 0) {
                lastLineMillis = last; // volatile: once a batch, not once a line
            }
            return rejected;
        } finally {
            lock.unlock();
        }
    }

    private void failed(SourceStats stats, RuntimeException e) {
        malformed++;
        stats.malformed("not recorded: " + e, "(the line parsed; resolving or counting it failed)");
        logFailure("a parsed line could not be recorded (counted as malformed)", e);
    }

    /** Logs at most one failure every 10 s: a failure that repeats for every line must not flood the log. */
    private void logFailure(String what, RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastFailureLogNanos > 10_000_000_000L) {
            lastFailureLogNanos = now;
            log.warn("{}; further failures are logged every 10 s", what, e);
        }
    }

    /** A slot that is free, else the calling thread's own (waiting for it): parsing never waits on the ingest lock. */
    private ParseSlot takeSlot() {
        int start = (int) (Thread.currentThread().getId() % slots.length);
        for (int k = 0; k < slots.length; k++) {
            ParseSlot slot = slots[(start + k) % slots.length];
            if (slot.lock.tryLock()) {
                return slot;
            }
        }
        ParseSlot own = slots[start];
        own.lock.lock();
        return own;
    }

    private void parse(ParseSlot slot, LineBatch batch, Parsed into) {
        Binding binding = bindings.get(batch.origin());
        int n = batch.size();
        into.reset(binding, n);
        if (binding == null) {
            return;
        }
        TraefikLogParser parser = slot.parser(binding);
        byte[] bytes = batch.bytes();
        for (int i = 0; i < n; i++) {
            AccessLogEntry entry = into.entries[i];
            try {
                parser.parseInto(bytes, batch.start(i), batch.length(i), entry);
            } catch (MalformedLineException e) {
                into.errors[i] = e.getMessage();
                into.rejectedLines[i] = batch.text(i);
            }
        }
    }

    /** The hot path after parsing: resolve the entry and record it in the graph; returns the line's time. */
    private long record(Binding binding, AccessLogEntry entry, long nowMillis) {
        List<ProxyContext> proxies = binding.proxies();
        ProxyContext ctx = proxies.size() == 1 ? proxies.get(0) : resolver.proxyForLine(proxies, entry);
        Route route = resolver.resolve(ctx, entry, facts);
        if (!facts.isEmpty()) {
            applyFacts();
        }
        long eventMillis = entry.startMillis != 0 ? entry.startMillis : nowMillis;
        TrafficGraph.Hops hops = graph.record(route, entry.downstreamStatus, entry.durationNanos,
                entry.originDurationNanos, entry.downstreamContentSize, entry.pathWithoutQuery(),
                onLogTime ? eventMillis : nowMillis);
        boolean unrouted = unrouted(route, entry);
        callers.record(hops.client().nodeId(), hops.proxy().nodeId(), entry.callerAddress(), unrouted,
                entry.isError());
        routers.record(ctx, entry.routerName, entry.serviceName, unrouted, entry.requestHost, entry.pathWithoutQuery(),
                eventMillis);
        if (route.outsider()) {
            outsiders.record(new OutsiderSnapshot.Entry(eventMillis, ctx.serverName(), ctx.proxyName(),
                    hops.client().label(), hops.client().id(), entry.callerAddress(),
                    entry.requestMethod, entry.requestPath, entry.downstreamStatus));
        }
        EventListener l = listener;
        if (l.wantsEvents()) {
            // The listener builds the event only if it needs one (the hub past a batch's budget only counts routes).
            liveRequest.set(++seq, eventMillis, ctx, route, hops, entry, binding.stats().origin());
            try {
                l.onRequest(liveRequest);
            } catch (RuntimeException e) {
                // The line is counted already; a listener that fails on it must not stop the batch.
                logFailure("a listener failed on a request (the request is counted)", e);
            }
        }
        return eventMillis;
    }

    /** Traefik's own 404 for a request no router matched: it names no router and picked no backend. */
    private static boolean unrouted(Route route, AccessLogEntry entry) {
        return route.answeredByProxy() && entry.downstreamStatus == 404
                && (entry.routerName == null || entry.routerName.isEmpty());
    }

    private void applyFacts() {
        EventListener l = listener;
        for (NodeFact fact : facts) {
            graph.apply(fact);
            tellFact(l, fact);
        }
        facts.clear();
    }

    private void tellFact(EventListener l, NodeFact fact) {
        try {
            l.onFact(fact);
        } catch (RuntimeException e) {
            logFailure("a listener failed on a node fact (the fact is applied)", e);
        }
    }

    /** Where {@link #restore} feeds requests kept from an earlier run. */
    public interface Restorer {
        /** Places a node as an earlier run's resolver did. */
        void apply(NodeFact fact);

        /** Counts one request of an earlier run, at its own time. */
        void record(Route route, int status, long durationNanos, long originDurationNanos, long bytes, String path,
                    long timeMillis);
    }

    /**
     * Counts the requests an earlier run kept (the history store) into the graph, under the lock once, before any
     * source starts: the graph and its line count come back as they were. Returns how many were counted.
     */
    public long restore(java.util.function.Consumer<Restorer> feed) {
        lock.lock();
        try {
            long[] counted = new long[2];
            feed.accept(new Restorer() {
                @Override
                public void apply(NodeFact fact) {
                    graph.apply(fact);
                }

                @Override
                public void record(Route route, int status, long durationNanos, long originDurationNanos, long bytes,
                                   String path, long timeMillis) {
                    graph.record(route, status, durationNanos, originDurationNanos, bytes, path, timeMillis);
                    routers.restored(route.proxy(), route.target(), timeMillis);
                    counted[0]++;
                    counted[1] = Math.max(counted[1], timeMillis);
                }
            });
            lines += counted[0];
            if (counted[1] > lastLineMillis) {
                lastLineMillis = counted[1];
            }
            // What an earlier run counted is not news to the live stream's clients: they get it in their hello.
            deltas.discard(graph);
            return counted[0];
        } finally {
            lock.unlock();
        }
    }

    /** Applies a proxy's discovered inventory ({@code proxyKey} is {@code server/proxy}) between two batches. */
    public void applyInventory(String proxyKey, ProxyInventory inventory, AddressIndex index) {
        lock.lock();
        try {
            ProxyContext ctx = proxy(proxyKey);
            EventListener l = listener;
            for (NodeFact fact : inventories.apply(ctx, inventory, index)) {
                graph.apply(fact);
                tellFact(l, fact);
            }
            routers.inventory(ctx, inventory);
        } finally {
            lock.unlock();
        }
    }

    /** Whether an inventory of this proxy has reached the resolver. */
    public boolean hasInventory(String proxyKey) {
        lock.lock();
        try {
            return inventories.hasApplied(proxyKey);
        } finally {
            lock.unlock();
        }
    }

    private ProxyContext proxy(String key) {
        int slash = key.indexOf('/');
        ProxyContext ctx = slash < 0 ? null : resolver.proxy(key.substring(0, slash), key.substring(slash + 1));
        if (ctx == null) {
            throw new IllegalArgumentException("no configured proxy " + key);
        }
        return ctx;
    }

    public IngestTotals totals() {
        lock.lock();
        try {
            return totalsLocked();
        } finally {
            lock.unlock();
        }
    }

    private IngestTotals totalsLocked() {
        List<SourceSnapshot> copies = new ArrayList<>(sources.size());
        for (SourceStats s : sources) {
            copies.add(s.snapshot());
        }
        return new IngestTotals(lines, malformed, unattributed, lastLineMillis, copies);
    }

    @Override
    public CallerTraffic callerTraffic() {
        lock.lock();
        try {
            return callers.snapshot();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RouterTraffic routerTraffic() {
        lock.lock();
        try {
            return routers.snapshot(resolver.proxies());
        } finally {
            lock.unlock();
        }
    }

    /** Requests from outsiders to private proxies: counts and the most recent ones. */
    public OutsiderSnapshot outsiders() {
        lock.lock();
        try {
            return outsiders.snapshot();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public GraphDelta drainDelta(long rateNow, boolean refreshRates) {
        lock.lock();
        try {
            return deltas.drain(graph, rateNow, refreshRates);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void discardChanges() {
        lock.lock();
        try {
            deltas.discard(graph);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<NodeView> nodes(Collection<String> ids) {
        lock.lock();
        try {
            List<NodeView> out = new ArrayList<>(ids.size());
            for (String id : ids) {
                Node n = graph.node(id);
                if (n != null) {
                    out.add(NodeView.of(n));
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public NetworkSnapshot snapshot(boolean logical, long nowMillis) {
        lock.lock();
        try {
            // The totals under the same lock as the graph: the lines they count are the ones it holds.
            return NetworkSnapshot.of(graph, logical, nowMillis, totalsLocked(), outsiders.snapshot());
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #snapshot(boolean, long)}, listing each edge's {@code topPaths} busiest paths (a full dump). */
    public NetworkSnapshot snapshot(boolean logical, long nowMillis, int topPaths) {
        lock.lock();
        try {
            return NetworkSnapshot.of(graph, logical, nowMillis, topPaths, totalsLocked(), outsiders.snapshot());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ServiceGraphEdge> serviceGraph(long[] boundsMicros) {
        lock.lock();
        try {
            return graph.serviceGraph(boundsMicros);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public IngestStats stats() {
        lock.lock();
        try {
            return new IngestStats(totalsLocked(), outsiders.snapshot(), graph.nodes().size(),
                    graph.hopEdges().size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long rateClock() {
        return onLogTime ? lastLineMillis : clock.getAsLong();
    }

    /** The proxies as the resolver knows them, in config order. */
    public List<ProxyContext> proxies() {
        return resolver.proxies();
    }

    /**
     * A batch parsed outside the lock: an entry or an error per line, ready for {@link #apply}. Reusable: {@link
     * #parse} overwrites it.
     */
    public static final class Parsed {
        private Binding binding;
        private int size;
        private AccessLogEntry[] entries = new AccessLogEntry[0];
        private String[] errors = new String[0];
        private String[] rejectedLines = new String[0];

        public int size() {
            return size;
        }

        /** The parsed entry of line {@code i} (empty when the line was malformed): its timestamp, for pacing. */
        public AccessLogEntry entry(int i) {
            return entries[i];
        }

        public boolean malformed(int i) {
            return errors[i] != null;
        }

        private void reset(Binding binding, int n) {
            this.binding = binding;
            this.size = n;
            if (entries.length < n) {
                entries = new AccessLogEntry[n];
                errors = new String[n];
                rejectedLines = new String[n];
            } else {
                java.util.Arrays.fill(errors, 0, n, null);
                java.util.Arrays.fill(rejectedLines, 0, n, null);
            }
            // New entries every batch rather than reused ones: a reused entry is soon in the old generation, and each
            // young value written into it costs the collector a dirty card (G1's concurrent refinement took ~8% of a
            // replay's CPU); a fresh one dies young with its batch.
            for (int i = 0; i < n; i++) {
                entries[i] = new AccessLogEntry();
            }
        }
    }

    /** A parser per source flavour, with value caches of its own; one thread at a time. */
    private static final class ParseSlot {
        final ReentrantLock lock = new ReentrantLock();
        final ValueCaches caches = new ValueCaches();
        final Map<String, TraefikLogParser> parsers = new HashMap<>();
        final Parsed parsed = new Parsed();

        TraefikLogParser parser(Binding binding) {
            String key = binding.format() + (binding.keepHeaders() ? "+headers" : "");
            TraefikLogParser parser = parsers.get(key);
            if (parser == null) {
                // Only the fields ingest reads are copied out of each line; headers only to tell proxies apart.
                parser = TraefikLogParser.essentialFields(binding.format(), binding.keepHeaders(), caches);
                parsers.put(key, parser);
            }
            return parser;
        }
    }
}
