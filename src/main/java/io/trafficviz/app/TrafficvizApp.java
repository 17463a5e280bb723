package io.trafficviz.app;

import io.javalin.config.RoutesConfig;
import io.trafficviz.alert.Alerts;
import io.trafficviz.config.KafkaConfig;
import io.trafficviz.config.ProxyConfig;
import io.trafficviz.config.ServerConfig;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.discovery.AddressIndex;
import io.trafficviz.discovery.DiscoveryPoller;
import io.trafficviz.discovery.DiscoveryState;
import io.trafficviz.discovery.ProxyInventory;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.history.HistoryQueries;
import io.trafficviz.history.HistoryStore;
import io.trafficviz.history.HistoryWriter;
import io.trafficviz.ingest.EventListener;
import io.trafficviz.ingest.Ingest;
import io.trafficviz.model.NodeFact;
import io.trafficviz.model.Route;
import io.trafficviz.source.push.IntakeRoutes;
import io.trafficviz.source.push.PushOptions;
import io.trafficviz.publish.WebServer;
import io.trafficviz.publish.auth.AuthGate;
import io.trafficviz.publish.auth.Authenticator;
import io.trafficviz.publish.http.AlertsDoc;
import io.trafficviz.publish.http.ApiStatus;
import io.trafficviz.publish.http.HistoryRoutes;
import io.trafficviz.publish.http.Metrics;
import io.trafficviz.publish.http.NetworkInfo;
import io.trafficviz.publish.live.LiveHub;
import io.trafficviz.resolve.AddressBook;
import io.trafficviz.resolve.ProxyContext;
import io.trafficviz.resolve.RequestResolver;
import io.trafficviz.resolve.ReverseDns;
import io.trafficviz.source.file.FileTailer;
import io.trafficviz.source.file.OffsetStore;
import io.trafficviz.source.file.StartPosition;
import io.trafficviz.source.file.TailerOptions;
import io.trafficviz.source.file.TailerStats;
import io.trafficviz.source.kafka.KafkaOptions;
import io.trafficviz.source.kafka.KafkaSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Wires the stages together from a configuration: sources → ingest (parse → resolve → graph) → publish.
 *
 * <p>{@link #create} builds everything without starting threads; {@link #startDiscovery}, {@link #startWeb} and
 * {@link #startTailing} bring parts up (replay uses the first two only). {@link #start} does all three.
 */
public final class TrafficvizApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrafficvizApp.class);

    private final TrafficvizConfig config;
    private final ReverseDns reverseDns;
    private final RequestResolver resolver;
    private final Ingest ingest;
    private final NetworkInfo networkInfo;
    private final LiveHub hub;
    private final Metrics metrics;
    private final IntakeRoutes intake;
    private final Map<String, DiscoveryPoller> pollers = new LinkedHashMap<>();
    private final Map<String, FileTailer> tailers = new LinkedHashMap<>();
    /** Proxies ({@code server/proxy}) by the access-log file they write to; several may share one file. */
    private final Map<String, List<String>> proxiesByLog = new LinkedHashMap<>();
    private final Map<String, String> formatByLog = new HashMap<>();
    private OffsetStore offsets;
    private final TrafficvizConfig.Limits limits;
    private HistoryWriter history;
    private Alerts alerts;
    /** The page's {@code /alerts}: off until {@link #startAlerts} has rules to judge. */
    private final AlertsDoc alertsDoc = new AlertsDoc();
    private HistoryQueries historyQueries;
    /** What the history store says each source was read to, when it restored the graph: tailing resumes there. */
    private Map<String, String> restoredOffsets = Map.of();
    private WebServer web;
    private KafkaSource kafka;
    private Workers workers = Workers.unsupervised();

    private TrafficvizApp(TrafficvizConfig config, boolean onLogTime) {
        this.config = config;
        // Every command builds its app here, so this is where limits too large for the heap are lowered, and said, once.
        long maxHeap = HeapCheck.configuredMaxHeapBytes();
        int servers = config.servers().size();
        TrafficvizConfig.Limits limits = HeapCheck.fitted(config.limits(), servers, maxHeap);
        HeapCheck.lowered(config.limits(), limits, servers, maxHeap).ifPresent(log::warn);
        HeapCheck.warning(limits, servers, maxHeap).ifPresent(log::warn);
        this.limits = limits;
        TrafficGraph graph = new TrafficGraph(limits.maxNodes(), limits.maxEdges(), limits.maxPathsPerEdge());
        List<String> proxyKeys = new ArrayList<>(); // as ProxyContext.key() spells them, in config order
        config.servers().forEach(server -> server.proxies().forEach(p -> proxyKeys.add(server.name() + "/" + p.name())));
        AddressBook addressBook = new AddressBook(proxyKeys);
        this.reverseDns = config.reverseDns() ? new ReverseDns(addressBook::touch) : null;
        this.resolver = new RequestResolver(config, addressBook, reverseDns);
        this.ingest = new Ingest(graph, resolver, addressBook, System::currentTimeMillis, onLogTime);
        for (ServerConfig server : config.servers()) {
            for (ProxyConfig proxy : server.proxies()) {
                if (proxy.accessLog() != null) {
                    proxiesByLog.computeIfAbsent(proxy.accessLog(), k -> new ArrayList<>())
                            .add(server.name() + "/" + proxy.name());
                    formatByLog.putIfAbsent(proxy.accessLog(), proxy.format());
                }
            }
        }
        proxiesByLog.forEach((path, proxies) -> ingest.register(path, proxies, formatByLog.get(path)));
        this.intake = new IntakeRoutes(pushOptions(config), ingest, ingest);
        // publish reads the ingest side through values only (IngestView)
        this.networkInfo = new NetworkInfo(config, ingest, this::apiStatus, this::sourceDetails);
        this.hub = new LiveHub(ingest, networkInfo::document);
        this.metrics = new Metrics(ingest::stats, hub::stats, this::discoveryUp, this::rotationLosses);
        if (config.serviceGraph().metrics()) {
            metrics.setServiceGraph(ingest::serviceGraph);
        }
        ingest.setListener(hub);
    }

    private static PushOptions pushOptions(TrafficvizConfig config) {
        Map<String, List<String>> proxies = new LinkedHashMap<>();
        for (ServerConfig server : config.servers()) {
            proxies.put(server.name(), server.proxies().stream().map(ProxyConfig::name).toList());
        }
        return new PushOptions(config.ingestToken(), config.ingestMaxBodyBytes(), proxies,
                PushOptions.openBodiesFor(HeapCheck.configuredMaxHeapBytes()));
    }

    /** Builds every stage; {@code onLogTime} makes rate windows follow the lines' timestamps (replay). */
    public static TrafficvizApp create(TrafficvizConfig config, boolean onLogTime) {
        return new TrafficvizApp(config, onLogTime);
    }

    /**
     * Everything, live: discovery, the web server and tailing; in-process (tests, the demo), so history is kept only
     * where the config says (a {@code stateDir} or {@code history.path}), never in the user's default state directory.
     */
    public static TrafficvizApp start(TrafficvizConfig config) {
        return start(config, Workers.unsupervised(), false);
    }

    /** Everything, live, with {@code workers} watching the threads' fate for {@code /health}: {@code serve}. */
    public static TrafficvizApp start(TrafficvizConfig config, Workers workers) {
        return start(config, workers, true);
    }

    private static TrafficvizApp start(TrafficvizConfig config, Workers workers, boolean historyInDefaultDir) {
        config.auth().requireSafeListen(config.listenHost()); // before anything starts: a refusal costs nothing
        TrafficvizApp app = create(config, false);
        app.workers = workers;
        try {
            if (historyInDefaultDir || config.stateDir() != null || config.history().path() != null) {
                app.startHistory(false, true);
            }
            app.startAlerts();
            app.startDiscovery();
            app.startWeb();
            app.startTailing();
            app.startKafka();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    /**
     * Opens the request store and starts keeping every request ({@code history:}; serve, and replay with
     * {@code --history}); before the sources start. A store another process holds is said, and the app runs without.
     *
     * @param waitWhenFull ingest waits for the store rather than dropping requests (replay, import; not serve)
     * @param restore      the graph starts with the retained requests of earlier runs, and the tailers where those
     *                     requests' lines end (serve)
     */
    public void startHistory(boolean waitWhenFull, boolean restore) {
        if (!config.history().enabled() || history != null) {
            return;
        }
        Path file = historyFile();
        HistoryStore store;
        try {
            store = HistoryStore.open(file);
        } catch (HistoryStore.UnavailableException e) {
            log.warn("No history this run: {}", e.getMessage());
            return;
        }
        history = new HistoryWriter(store, config.history().retentionMillis(), config.history().maxBytes(),
                System::currentTimeMillis, waitWhenFull);
        historyQueries = new HistoryQueries(store, resolver.proxyFacts(), limits.maxNodes(), limits.maxEdges(),
                limits.maxPathsPerEdge());
        if (restore) {
            // Before the writer's thread starts: the trim runs on the store's one connection, as its retention does.
            restore(store);
        }
        history.start();
        ingest.setListener(listeners());
        metrics.setHistory(history);
        log.info("Every request is kept in {} (history: retention {} h, at most {} MB)", file,
                config.history().retentionMillis() / 3_600_000L, config.history().maxBytes() / 1_000_000L);
    }

    /**
     * The requests of earlier runs back into the graph: first those stored past their source's last recorded offset
     * go (their lines are read again from it), then the rest are counted, as of the retention's start.
     */
    private void restore(HistoryStore store) {
        long started = System.nanoTime();
        try {
            restoredOffsets = store.trimToOffsets();
            long from = System.currentTimeMillis() - config.history().retentionMillis();
            long[] failed = new long[1];
            long n = ingest.restore(graph -> {
                try {
                    historyQueries.feed(from, Long.MAX_VALUE, new HistoryQueries.Sink() {
                        @Override
                        public void apply(NodeFact fact) {
                            graph.apply(fact);
                        }

                        @Override
                        public void record(Route route, int status, long durationNanos,
                                           long originNanos, long bytes, String path, long time, String proxyKey) {
                            graph.record(route, status, durationNanos, originNanos, bytes, path, time);
                        }
                    });
                } catch (SQLException | RuntimeException e) {
                    // A store that cannot be read back must not keep serve from starting: live counting goes on.
                    failed[0] = 1;
                    log.warn("History: the graph could not be restored from {}: {}", store.file(), e.toString());
                }
            });
            if (n > 0 && failed[0] == 0) {
                log.info("History: the graph counts {} requests from {} again ({} ms)", n, store.file(),
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (SQLException e) {
            log.warn("History: cannot read the offsets kept in {}: {}; the graph starts empty", store.file(),
                    e.getMessage());
        }
    }

    /** {@code history.path}, else {@code history.duckdb} in the state directory (named per set of logs by default). */
    Path historyFile() {
        if (config.history().path() != null || config.stateDir() != null) {
            return config.history().fileIn(config.stateDir());
        }
        Path dir = DefaultStateDir.of(System.getenv(), System.getProperty("user.home"));
        return dir.resolve(DefaultStateDir.historyFileName(proxiesByLog.keySet()));
    }

    /** Ingest's listeners: the live hub, then the history store and the alert engine when they are on. */
    private EventListener listeners() {
        EventListener l = hub;
        if (history != null) {
            l = EventListener.both(l, history);
        }
        if (alerts != null) {
            l = EventListener.both(l, alerts.engine());
        }
        return l;
    }

    /**
     * The {@code alerts:} rules and sinks (none without rules); after history's restore, so what the graph already
     * holds is not new.
     */
    public void startAlerts() {
        if (config.alerts().rules().isEmpty() || alerts != null) {
            return;
        }
        alerts = new Alerts(config.alerts(), System::currentTimeMillis, this::discoveryUp,
                List.copyOf(proxiesByLog.keySet()));
        alerts.engine().seed(ingest.snapshot(true, System.currentTimeMillis()));
        ingest.setListener(listeners());
        metrics.setAlerts(alerts::stats);
        alertsDoc.setSource(alerts::firing);
        alerts.start();
        log.info("Alerts: {} rules, {} sinks", config.alerts().rules().size(), config.alerts().sinks().size());
    }

    /** The alert engine and sinks, or null when no rules are configured. */
    public Alerts alerts() {
        return alerts;
    }

    public void startDiscovery() {
        Duration interval = Duration.ofMillis(config.discoveryIntervalMillis());
        for (ProxyContext ctx : resolver.proxies()) {
            ProxyConfig proxy = proxyConfig(ctx);
            if (proxy.api() == null && proxy.dynamicConfig() == null) {
                continue;
            }
            DiscoveryPoller poller = new DiscoveryPoller(ctx.key(), proxy.api(),
                    proxy.dynamicConfig() == null ? null : Path.of(proxy.dynamicConfig()), interval,
                    inventory -> applyInventory(ctx.key(), inventory));
            pollers.put(ctx.key(), poller);
            poller.start();
        }
    }

    private void applyInventory(String proxyKey, ProxyInventory inventory) {
        DiscoveryPoller poller = pollers.get(proxyKey);
        DiscoveryState state = poller == null ? null : poller.state();
        AddressIndex index = state == null ? null : state.addresses();
        ingest.applyInventory(proxyKey, inventory, index);
    }

    public void startWeb() {
        config.auth().requireSafeListen(config.listenHost());
        AuthGate gate = new AuthGate(new Authenticator(config.auth()));
        Consumer<RoutesConfig> routes = intake;
        if (history != null) {
            HistoryRoutes historyRoutes = new HistoryRoutes(historyQueries, history, gate);
            networkInfo.setHistory(historyRoutes);
            routes = routes.andThen(historyRoutes::install);
        }
        web = new WebServer(networkInfo, hub, () -> metrics.render() + RuntimeMetrics.shared().render(), this::health,
                alertsDoc, routes, config.http(), gate)
                .start(config.listenHost(), config.listenPort());
        log.info("trafficviz listening on http://{}:{}/", config.listenHost(), web.port());
    }

    public void startTailing() {
        if (config.stateDir() != null) {
            try {
                Files.createDirectories(config.stateDir());
                offsets = OffsetStore.open(config.stateDir().resolve("offsets.json"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the offset store in " + config.stateDir(), e);
            }
        } else if (!proxiesByLog.isEmpty()) {
            offsets = openDefaultOffsetStore();
        }
        if (history != null && offsets != null) {
            // The store's offsets are where its requests end: resuming there counts no line twice and loses none.
            restoredOffsets.forEach((origin, state) -> {
                if (origin.startsWith(KafkaSource.PREFIX)) {
                    return; // the Kafka source's own, below
                }
                try {
                    offsets.put(OffsetStore.parseState(state));
                } catch (IOException | RuntimeException e) {
                    log.warn("History: the offset kept for {} is unreadable ({}); the offset file's is used", origin,
                            e.toString());
                }
            });
            HistoryWriter writer = history;
            offsets.onChange(state -> writer.offsetReached(state.path(), OffsetStore.stateText(state)));
        }
        StartPosition start = config.startAtBeginning() ? StartPosition.BEGINNING : StartPosition.END;
        for (String path : proxiesByLog.keySet()) {
            TailerOptions options = TailerOptions.of(Path.of(path)).withStartAt(start).withOffsetStore(offsets);
            FileTailer tailer = new FileTailer(options, ingest);
            tailers.put(path, tailer);
            tailer.start();
        }
    }

    /**
     * The {@code kafka:} section's consumer (docs/fleet.md). With history, it resumes where the store's lines of each
     * partition end and hands its offsets to the writer's queue behind their requests, as the tailers do.
     */
    public void startKafka() {
        KafkaConfig k = config.kafka();
        if (k == null || kafka != null) {
            return;
        }
        quietKafkaClient();
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("client.id", "trafficviz-" + k.groupId());
        // Many lines a poll: a record is one line (or one shipper batch), and ingest takes them a batch at a time.
        client.put("max.poll.records", "5000");
        client.put("fetch.max.wait.ms", "100");
        // A topic that does not exist yet is found within seconds of its creation, not the client's 5 minutes.
        client.put("metadata.max.age.ms", "5000");
        client.putAll(k.properties());
        client.put("bootstrap.servers", k.bootstrapServers());
        client.put("group.id", k.groupId());
        client.put("enable.auto.commit", "false");
        client.put("auto.offset.reset", config.startAtBeginning() ? "earliest" : k.startAt());
        Map<String, String> stored = new LinkedHashMap<>();
        if (history != null) {
            restoredOffsets.forEach((origin, state) -> {
                if (origin.startsWith(KafkaSource.PREFIX)) {
                    stored.put(origin, state);
                }
            });
        }
        HistoryWriter writer = history;
        KafkaOptions options = new KafkaOptions(client, k.topics(),
                k.topicPattern() == null ? null : java.util.regex.Pattern.compile(k.topicPattern()),
                KafkaOptions.Payload.of(k.payload()),
                new KafkaOptions.Attribution(k.serverHeader(), k.proxyHeader(), k.serverField(), k.proxyField(),
                        k.server(), k.proxy()),
                pushOptions(config).proxiesByServer(), stored, writer == null ? null : writer::offsetReached);
        kafka = new KafkaSource(options, ingest, ingest);
        metrics.setKafka(kafka::snapshot);
        kafka.start();
        log.info("Reading Traefik access logs from Kafka at {} ({} as group {})", k.bootstrapServers(),
                k.topicPattern() != null ? "topics matching " + k.topicPattern() : String.join(", ", k.topics()),
                k.groupId());
    }

    /**
     * The Kafka client logs every connection and rebalance at INFO; its warnings are what an operator needs. Before its
     * first class loads (slf4j-simple reads a logger's level when the logger is made); -D on the command line wins.
     */
    public static void quietKafkaClient() {
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        }
    }

    /** The Kafka source, or null without a {@code kafka:} section. */
    public KafkaSource kafka() {
        return kafka;
    }

    /**
     * Without {@code stateDir}, offsets still survive a crash: they go to the default state directory. Not being able
     * to write there (a read-only home) is said and tailing goes on without a store, as before there was a default.
     */
    private OffsetStore openDefaultOffsetStore() {
        Path dir = DefaultStateDir.of(System.getenv(), System.getProperty("user.home"));
        Path file = dir.resolve(DefaultStateDir.offsetsFileName(proxiesByLog.keySet()));
        try {
            Files.createDirectories(dir);
            OffsetStore store = OffsetStore.open(file);
            log.info("Read offsets are kept in {} (the default; set stateDir to choose)", file);
            return store;
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot keep read offsets in {} ({}); set stateDir to a writable directory, or lines written while"
                    + " trafficviz is down are not read after a restart", file, e.toString());
            return null;
        }
    }

    private ProxyConfig proxyConfig(ProxyContext ctx) {
        for (ServerConfig s : config.servers()) {
            for (ProxyConfig p : s.proxies()) {
                if (s.name().equals(ctx.serverName()) && p.name().equals(ctx.proxyName())) {
                    return p;
                }
            }
        }
        throw new IllegalStateException("no config for " + ctx.key());
    }

    ApiStatus apiStatus(String proxyKey) {
        DiscoveryPoller poller = pollers.get(proxyKey);
        if (poller == null) {
            return ApiStatus.NONE;
        }
        DiscoveryState s = poller.state();
        String status = s.status().name().toLowerCase(java.util.Locale.ROOT);
        if (s.status() == DiscoveryState.Status.OK && s.source() == DiscoveryState.Source.FILE) {
            status = "file";
        }
        return new ApiStatus(status, s.lastRefreshMillis(), s.error());
    }

    /** For /metrics: whether each polled proxy's inventory is fresh (from its API or its file provider). */
    private Map<String, Boolean> discoveryUp() {
        Map<String, Boolean> up = new LinkedHashMap<>();
        pollers.forEach((key, poller) -> up.put(key, poller.state().status() == DiscoveryState.Status.OK));
        return up;
    }

    /** For /metrics: per tailed file, the rotations that destroyed lines before they were read. */
    private Map<String, Long> rotationLosses() {
        Map<String, Long> losses = new LinkedHashMap<>();
        tailers.forEach((path, tailer) -> losses.put(path, tailer.snapshot().rotationLosses()));
        return losses;
    }

    private Map<String, Object> sourceDetails(String origin) {
        FileTailer tailer = tailers.get(origin);
        if (tailer == null && kafka != null) {
            Map<String, Object> details = kafka.details(origin);
            if (details != null) {
                return details;
            }
        }
        if (tailer == null) {
            return intake.sourceDetails(origin); // a push source, or null
        }
        TailerStats t = tailer.snapshot();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offset", t.offset());
        m.put("state", t.state().name().toLowerCase(java.util.Locale.ROOT));
        m.put("rotations", t.rotations());
        m.put("truncated", t.truncated());
        m.put("rotationLosses", t.rotationLosses());
        if (t.lastError() != null) {
            m.put("lastError", t.lastError());
        }
        return m;
    }

    private Map<String, Object> health() {
        Map<String, Object> doc = workers.health(tailers.values().stream()
                .allMatch(t -> t.snapshot().lastError() == null));
        String historyFailure = history == null ? null : history.failure();
        if (historyFailure != null) {
            // Counting goes on; what is lost is history, which is said, not fatal.
            if ("ok".equals(doc.get("status"))) {
                doc.put("status", "degraded");
            }
            doc.put("history", "cannot write " + history.store().file() + ": " + historyFailure);
        }
        return doc;
    }

    /** The request store's writer, or null when history is off (or its store was held by another process). */
    public HistoryWriter history() {
        return history;
    }

    public HistoryQueries historyQueries() {
        return historyQueries;
    }

    public Ingest ingest() {
        return ingest;
    }

    public LiveHub hub() {
        return hub;
    }

    public NetworkInfo networkInfo() {
        return networkInfo;
    }

    public TrafficvizConfig config() {
        return config;
    }

    public Map<String, DiscoveryPoller> pollers() {
        return pollers;
    }

    /**
     * Waits (at most {@code timeout}) until every proxy's first discovery has answered and, when it found an
     * inventory, until that inventory reached the resolver. A poller's state leaves "pending" just before its listener
     * applies the inventory, so waiting on the state alone let the first lines race the resolver (a replay then named
     * some early callers by address instead of by service, differently from run to run).
     *
     * @return whether every proxy got there in time
     */
    public boolean awaitFirstDiscovery(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, DiscoveryPoller> e : pollers.entrySet()) {
            while (!firstDiscoveryDone(e.getKey(), e.getValue())) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                Thread.sleep(2);
            }
        }
        return true;
    }

    private boolean firstDiscoveryDone(String key, DiscoveryPoller poller) {
        DiscoveryState.Status status = poller.state().status();
        if (status == DiscoveryState.Status.PENDING) {
            return false;
        }
        if (status != DiscoveryState.Status.OK) {
            return true; // down or none: nothing will be applied, the lines resolve without it
        }
        return ingest.hasInventory(key);
    }

    public Map<String, FileTailer> tailers() {
        return tailers;
    }

    /** The proxies ({@code server/proxy}) writing the configured access log {@code accessLog}, or none. */
    public List<String> proxiesOf(String accessLog) {
        return proxiesByLog.getOrDefault(accessLog, List.of());
    }

    /** The format of the configured access log {@code accessLog}. */
    public String formatOf(String accessLog) {
        return formatByLog.get(accessLog);
    }

    /** The access-log files to read and their formats, in config order. */
    public Map<String, String> logFiles() {
        Map<String, String> out = new LinkedHashMap<>();
        proxiesByLog.keySet().forEach(p -> out.put(p, formatByLog.get(p)));
        return out;
    }

    public int port() {
        return web == null ? -1 : web.port();
    }

    @Override
    public void close() {
        tailers.values().forEach(FileTailer::close);
        if (kafka != null) {
            kafka.close(); // before history: its last offsets follow its last requests into the store
        }
        pollers.values().forEach(DiscoveryPoller::close);
        if (offsets != null) {
            try {
                offsets.save();
            } catch (IOException e) {
                log.warn("could not save offsets: {}", e.getMessage());
            }
        }
        if (web != null) {
            web.close();
        }
        hub.close();
        if (alerts != null) {
            alerts.close();
        }
        if (history != null) {
            history.close(); // what is queued is stored first
            history.store().close();
        }
        if (reverseDns != null) {
            reverseDns.close();
        }
    }
}
