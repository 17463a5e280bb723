package io.trafficviz.pipeline;

import io.trafficviz.config.ProxyConfig;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.parse.AccessLogEntry;
import io.trafficviz.parse.MalformedLineException;
import io.trafficviz.parse.TraefikLogParser;
import io.trafficviz.parse.ValueCaches;
import io.trafficviz.resolve.ProxyContext;
import io.trafficviz.resolve.RequestResolver;
import io.trafficviz.resolve.Resolution;
import io.trafficviz.source.FileReader;
import io.trafficviz.source.LineSink;
import io.trafficviz.source.LogLine;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.OutsiderSnapshot;
import io.trafficviz.telemetry.SourceSnapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * parse → resolve → graph, for every line any source delivers.
 *
 * <p>One lock guards the parser state, the resolver's caches and the graph: sources call {@link #accept} from their own
 * threads, readers use {@link #readGraph}. At live rates the lock is uncontended; replay calls from one thread.
 */
public final class Pipeline implements LineSink {
    private final Object lock = new Object();
    private final TrafficGraph graph;
    private final RequestResolver resolver;
    private final Map<String, Binding> bindings = new HashMap<>();
    private final List<SourceStats> sources = new ArrayList<>();
    private final AccessLogEntry entry = new AccessLogEntry();
    /** The line being recorded, as listeners see it (reused: under the lock, one line at a time). */
    private final LiveRequest liveRequest = new LiveRequest();
    /** One set for all sources' parsers (they run under the lock): bounded memory however many files there are. */
    private final ValueCaches valueCaches = new ValueCaches();
    private final LongSupplier clock;
    private final boolean onLogTime;
    private final OutsiderLog outsiders;
    private volatile EventListener listener = EventListener.NONE;
    private long lines;
    private long malformed;
    private long unattributed;
    private long seq;
    private long lastLineMillis;

    /** How lines from one origin are read: its parser, and the proxies that may have written them. */
    private record Binding(TraefikLogParser parser, List<ProxyContext> proxies, SourceStats stats) {
    }

    /**
     * @param clock     wall time, for rate windows in live use
     * @param onLogTime when true (replay), rate windows run on the lines' own timestamps instead of {@code clock}
     */
    public Pipeline(TrafficGraph graph, RequestResolver resolver, LongSupplier clock, boolean onLogTime) {
        this.graph = graph;
        this.resolver = resolver;
        this.clock = clock;
        this.onLogTime = onLogTime;
        List<String> privateProxies = new ArrayList<>();
        for (ProxyContext ctx : resolver.proxies()) {
            if (ctx.role() == ProxyConfig.Role.PRIVATE) {
                privateProxies.add(ctx.key());
            }
        }
        this.outsiders = new OutsiderLog(privateProxies);
    }

    public void setListener(EventListener listener) {
        this.listener = listener == null ? EventListener.NONE : listener;
    }

    /**
     * Declares a source. Several proxies may share one origin (one file for both proxies, as in the concept); each
     * line is then attributed by the network header it carries.
     */
    public SourceStats register(String origin, List<ProxyContext> proxies, String format) {
        synchronized (lock) {
            Binding existing = bindings.get(origin);
            if (existing != null) {
                return existing.stats();
            }
            SourceStats stats = new SourceStats(origin, format);
            // Only the fields the pipeline reads are copied out of each line; headers only to tell proxies apart.
            bindings.put(origin, new Binding(TraefikLogParser.forPipeline(format, proxies.size() > 1, valueCaches),
                    List.copyOf(proxies), stats));
            sources.add(stats);
            return stats;
        }
    }

    @Override
    public void accept(LogLine line) {
        synchronized (lock) {
            process(line.origin(), line.text(), clock.getAsLong());
        }
    }

    /** Processes many lines under one lock acquisition; returns how many of them were not accepted (malformed). */
    public int acceptAll(String origin, List<String> texts) {
        synchronized (lock) {
            long now = clock.getAsLong();
            int rejected = 0;
            for (String text : texts) {
                if (!process(origin, text, now)) {
                    rejected++;
                }
            }
            return rejected;
        }
    }

    /**
     * Processes the lines of the next buffer of {@code chunks} (read from {@code origin}) under one lock acquisition,
     * straight from the file's bytes; returns false once the file is finished. The buffer is read under the lock too,
     * because its lines are only valid until the next read: for replay, whose files are usually in the page cache.
     */
    public boolean acceptChunk(String origin, FileReader.Chunks chunks) throws IOException {
        synchronized (lock) {
            long now = clock.getAsLong();
            Binding binding = bindings.get(origin);
            return chunks.nextBytes((bytes, from, length) -> process(binding, bytes, from, length, now));
        }
    }

    private boolean process(String origin, String text, long nowMillis) {
        Binding binding = bindings.get(origin);
        if (binding == null) {
            unattributed++;
            return false;
        }
        lines++;
        binding.stats().lines++;
        try {
            binding.parser().parseInto(text, entry);
        } catch (MalformedLineException e) {
            malformed++;
            binding.stats().malformed(e.getMessage(), text);
            return false;
        }
        return record(binding, nowMillis);
    }

    private boolean process(Binding binding, byte[] bytes, int from, int length, long nowMillis) {
        if (binding == null) {
            unattributed++;
            return false;
        }
        lines++;
        binding.stats().lines++;
        try {
            binding.parser().parseInto(bytes, from, length, entry);
        } catch (MalformedLineException e) {
            malformed++;
            binding.stats().malformed(e.getMessage(), new String(bytes, from, length, StandardCharsets.UTF_8));
            return false;
        }
        return record(binding, nowMillis);
    }

    /** The hot path after parsing: resolve the entry and record it in the graph. */
    private boolean record(Binding binding, long nowMillis) {
        List<ProxyContext> proxies = binding.proxies();
        ProxyContext ctx = proxies.size() == 1 ? proxies.get(0) : resolver.proxyForLine(proxies, entry);
        Resolution r = resolver.resolve(ctx, entry);
        long eventMillis = entry.startMillis != 0 ? entry.startMillis : nowMillis;
        lastLineMillis = eventMillis;
        graph.recordRequest(r.client(), r.proxy(), r.target(), entry.downstreamStatus, entry.durationNanos,
                entry.originDurationNanos, entry.downstreamContentSize, entry.pathWithoutQuery(),
                onLogTime ? eventMillis : nowMillis);
        if (r.outsider()) {
            outsiders.record(new OutsiderSnapshot.Entry(eventMillis, ctx.serverName(), ctx.proxyName(), r.client().label(),
                    r.client().id(), entry.callerAddress(),
                    entry.requestMethod, entry.requestPath, entry.downstreamStatus));
        }
        EventListener l = listener;
        if (l.wantsEvents()) {
            // The listener builds the event only if it needs one (the hub past a batch's budget only counts routes).
            liveRequest.set(++seq, eventMillis, ctx, r, entry);
            l.onRequest(liveRequest);
        }
        return true;
    }

    /** Runs {@code reader} with the graph and ingest state held still. */
    public <T> T readGraph(Function<TrafficGraph, T> reader) {
        synchronized (lock) {
            return reader.apply(graph);
        }
    }

    /** Runs {@code action} on the ingest side of the lock (discovery applying an inventory, say). */
    public void withLock(Runnable action) {
        synchronized (lock) {
            action.run();
        }
    }

    public IngestTotals totals() {
        synchronized (lock) {
            List<SourceSnapshot> copies = new ArrayList<>(sources.size());
            for (SourceStats s : sources) {
                copies.add(s.snapshot());
            }
            return new IngestTotals(lines, malformed, unattributed, lastLineMillis, copies);
        }
    }

    /** Requests from outsiders to private proxies: counts and the most recent ones. */
    public OutsiderSnapshot outsiders() {
        synchronized (lock) {
            return outsiders.snapshot();
        }
    }

    /** The time rate windows are evaluated at: now, or in replay the time of the last line read. */
    public long rateClock() {
        if (!onLogTime) {
            return clock.getAsLong();
        }
        synchronized (lock) {
            return lastLineMillis;
        }
    }

    public RequestResolver resolver() {
        return resolver;
    }

    public TrafficGraph graph() {
        return graph;
    }
}
