package io.trafficviz.alert;

import io.trafficviz.config.AlertsConfig.Kind;
import io.trafficviz.config.AlertsConfig.Rule;
import io.trafficviz.graph.EdgeView;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.NodeView;
import io.trafficviz.ingest.EventListener;
import io.trafficviz.ingest.LiveRequest;
import io.trafficviz.model.NodeFact;
import io.trafficviz.model.NodeKind;
import io.trafficviz.model.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The alert rules at work (docs/alerts.md). Ingest's thread only counts: {@link #onRequest} bumps the route's
 * counters under this engine's own small lock (one map probe, no allocation once the route is known; the work does not
 * grow with the number of rules), {@link #onFact} queues an address's new owner. Thread {@code alert-engine} does the
 * rest every {@value #TICK_MILLIS} ms from those values: it takes the routes that changed, matches new ones to rules
 * once, keeps each window rule's slots, decides firing and resolved, deduplicates, holds back what a rule's
 * {@code minInterval} says, and hands notifications to the sinks. It never takes ingest's lock.
 */
public final class AlertEngine implements EventListener, AutoCloseable {
    static final long TICK_MILLIS = 250;
    /** Routes tracked; past it a new route is counted in {@link #untrackedRoutes()} and judged by no rule. */
    static final int MAX_ROUTES = 50_000;
    /** Window rules keep this many slots per subject: a window is judged over 11/12 to 12/12 of its length. */
    static final int SLOTS = 12;
    /** Known node and edge ids remembered for the "new" rules; past it nothing more is new (said once in the log). */
    static final int MAX_KNOWN = 200_000;
    /** Subjects one window rule keeps slots for at once; a subject's slots go once its window is empty. */
    static final int MAX_SUBJECTS_PER_RULE = 10_000;
    /** Firing alerts are told to Alertmanager again this often; each telling is valid for four of them. */
    static final long RESEND_MILLIS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(AlertEngine.class);

    private final List<Rule> rules;
    private final Notifications out;
    private final LongSupplier clock;
    private final Supplier<Map<String, Boolean>> apiUp;
    private final boolean needsLatency;

    // ingest side, under lock
    private final Object lock = new Object();
    private final Map<Route, RouteCounters> routes = new HashMap<>();
    private ArrayList<RouteCounters> dirty = new ArrayList<>();
    private final ArrayList<NodeFact.SeenAt> seenAt = new ArrayList<>();
    private final Map<String, long[]> originLines = new HashMap<>();
    private Route lastRoute;
    private RouteCounters lastCounters;
    private String lastOrigin;
    private long[] lastOriginLines;
    private long untracked;
    private volatile long untrackedSubjects; // written by the engine thread only

    // engine thread
    private ArrayList<RouteCounters> taken = new ArrayList<>();
    private final ArrayList<NodeFact.SeenAt> factsTaken = new ArrayList<>();
    private final Set<String> knownNodes = new HashSet<>();
    private final Set<String> knownCallers = new HashSet<>();
    private final Set<String> knownEdges = new HashSet<>();
    private final Map<String, String> ownerByAddress = new HashMap<>();
    private final List<Map<String, Window>> windows = new ArrayList<>();
    private final Map<String, long[]> edgeActivity = new HashMap<>(); // edge key -> {requests, last seen}
    private final Map<String, Long> apiDownSince = new HashMap<>();
    private final Map<String, long[]> originSeen = new LinkedHashMap<>(); // origin -> {lines, last change}
    private final Map<String, AlertState> states = new LinkedHashMap<>();
    private volatile List<Alert> firing = List.of();
    private long lastResend;
    private boolean knownFull;
    private ScheduledExecutorService thread;

    /**
     * @param rules   the configured rules
     * @param out     where notifications go (the sinks)
     * @param clock   wall-clock milliseconds
     * @param apiUp   per polled proxy ({@code server/proxy}), whether its API (or file provider) answers
     * @param origins the sources known at start (tailed files): silent from the start counts
     */
    public AlertEngine(List<Rule> rules, Notifications out, LongSupplier clock, Supplier<Map<String, Boolean>> apiUp,
                       List<String> origins) {
        this.rules = List.copyOf(rules);
        this.out = out;
        this.clock = clock;
        this.apiUp = apiUp;
        this.needsLatency = rules.stream().anyMatch(r -> r.kind() == Kind.LATENCY_P95);
        for (int i = 0; i < rules.size(); i++) {
            windows.add(new HashMap<>());
        }
        long now = clock.getAsLong();
        origins.forEach(o -> originSeen.put(o, new long[] {0, now}));
    }

    /** What the graph already holds (a restored history) is not new: only what comes after is. */
    public void seed(NetworkSnapshot logicalGraph) {
        for (NodeView n : logicalGraph.nodes()) {
            knownNodes.add(n.id());
        }
        for (EdgeView e : logicalGraph.edges()) {
            knownCallers.add(e.source());
            knownEdges.add(e.source() + " -> " + e.target());
        }
    }

    public void start() {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alert-engine");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(() -> {
            try {
                tick(clock.getAsLong());
            } catch (RuntimeException e) {
                log.warn("Alerts: a rule evaluation failed: {}", e.toString(), e);
            } catch (Error e) {
                // The executor would keep it in a future nobody reads and never tick again: the thread's handler
                // (the process's supervisor under serve, app.Workers) must hear that alerting is dead.
                Thread self = Thread.currentThread();
                self.getUncaughtExceptionHandler().uncaughtException(self, e);
                throw e;
            }
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    @Override
    public boolean wantsEvents() {
        return true;
    }

    @Override
    public void onRequest(LiveRequest request) {
        Route route = request.route();
        int bucket = needsLatency ? RouteCounters.bucket(request.durationNanos()) : 0;
        boolean unrouted = route.answeredByProxy() && request.status() == 404;
        synchronized (lock) {
            RouteCounters c = route == lastRoute ? lastCounters : routes.get(route);
            if (c == null) {
                if (routes.size() >= MAX_ROUTES) {
                    untracked++;
                    return;
                }
                c = new RouteCounters(route, request.serverName(), request.proxyName());
                routes.put(route, c);
            }
            lastRoute = route;
            lastCounters = c;
            c.count++;
            if (request.error()) {
                c.errors++;
            }
            if (unrouted) {
                c.unrouted++;
            }
            if (route.outsider()) {
                c.outsider++;
            }
            c.latency[bucket]++;
            if (!c.dirty) {
                c.dirty = true;
                dirty.add(c);
            }
            String origin = request.origin();
            if (origin != lastOrigin) {
                lastOrigin = origin;
                lastOriginLines = originLines.computeIfAbsent(origin, o -> new long[1]);
            }
            lastOriginLines[0]++;
        }
    }

    @Override
    public void onFact(NodeFact fact) {
        if (fact instanceof NodeFact.SeenAt seen) {
            synchronized (lock) {
                if (seenAt.size() < 10_000) {
                    seenAt.add(seen);
                }
            }
        }
    }

    /**
     * Routes seen past {@link #MAX_ROUTES}, and a window rule's subjects past {@link #MAX_SUBJECTS_PER_RULE}: what no
     * rule (or that rule) judges.
     */
    public long untrackedRoutes() {
        synchronized (lock) {
            return untracked + untrackedSubjects;
        }
    }

    /** How many subjects the rule at {@code index} keeps window slots for now (tests: the memory bound). */
    int windowSubjects(int index) {
        return windows.get(index).size();
    }

    /** The alerts firing now, as of the engine's last look. */
    public List<Alert> firing() {
        return firing;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** One look: what changed since the last, then every rule's verdict, then what is due to be told. */
    void tick(long now) {
        Map<String, Long> originsNow = take();
        for (RouteCounters c : taken) {
            if (c.rules == null) {
                admit(c, now);
            }
            countDeltas(c, now);
        }
        taken.clear();
        for (NodeFact.SeenAt s : factsTaken) {
            owner(s, now);
        }
        factsTaken.clear();
        originsNow.forEach((origin, lines) -> {
            long[] seen = originSeen.computeIfAbsent(origin, o -> new long[] {0, now});
            if (lines != seen[0]) {
                seen[0] = lines;
                seen[1] = now;
            }
        });
        judgeWindows(now);
        judgeConditions(now);
        expireEvents(now);
        tell(now);
    }

    private Map<String, Long> take() {
        Map<String, Long> origins = new HashMap<>();
        synchronized (lock) {
            ArrayList<RouteCounters> swap = taken;
            taken = dirty;
            dirty = swap;
            for (RouteCounters c : taken) {
                c.dirty = false;
                c.snapCount = c.count;
                c.snapErrors = c.errors;
                c.snapUnrouted = c.unrouted;
                c.snapOutsider = c.outsider;
                if (needsLatency) {
                    System.arraycopy(c.latency, 0, c.snapLatency, 0, RouteCounters.BUCKETS);
                }
            }
            factsTaken.addAll(seenAt);
            seenAt.clear();
            originLines.forEach((o, n) -> origins.put(o, n[0]));
        }
        return origins;
    }

    /** A route seen for the first time: its subjects, its rules, and whether it brings a new caller, edge or service. */
    private void admit(RouteCounters c, long now) {
        Route r = c.route;
        c.fromId = r.caller().text();
        c.toId = r.answeredByProxy() ? r.proxy().text() : r.target().text();
        c.edgeKey = c.fromId + " -> " + c.toId;
        c.proxyKey = c.serverName + "/" + c.proxyName;
        int[] matched = new int[rules.size()];
        int n = 0;
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).scope().matches(c.serverName, c.proxyName, c.fromId, c.toId)) {
                matched[n++] = i;
            }
        }
        c.rules = java.util.Arrays.copyOf(matched, n);
        boolean newCaller = remember(knownCallers, c.fromId);
        boolean newEdge = remember(knownEdges, c.edgeKey);
        boolean newService = !r.answeredByProxy() && r.target().kind() == NodeKind.SERVICE
                && remember(knownNodes, c.toId);
        remember(knownNodes, c.fromId);
        for (int i : c.rules) {
            Rule rule = rules.get(i);
            switch (rule.kind()) {
                case NEW_CALLER -> {
                    if (newCaller) {
                        raise(rule, c.fromId, edgeLabels(rule, c), "new caller " + c.fromId + " (calls " + c.toId
                                + " through " + c.proxyKey + ")", now, c.fromId, c.toId, c.fromId);
                    }
                }
                case NEW_EDGE -> {
                    if (newEdge) {
                        raise(rule, c.edgeKey, edgeLabels(rule, c), "new edge " + c.edgeKey + " through " + c.proxyKey,
                                now, c.fromId, c.toId, null);
                    }
                }
                case NEW_SERVICE -> {
                    if (newService) {
                        raise(rule, c.toId, edgeLabels(rule, c), "new service " + c.toId + " answered " + c.fromId
                                + " through " + c.proxyKey, now, c.fromId, c.toId, c.toId);
                    }
                }
                default -> {
                }
            }
        }
    }

    private boolean remember(Set<String> known, String id) {
        if (known.contains(id)) {
            return false;
        }
        if (knownNodes.size() + knownCallers.size() + knownEdges.size() >= MAX_KNOWN) {
            if (!knownFull) {
                knownFull = true;
                log.warn("Alerts: {} nodes and edges are known; the new-caller, -edge and -service rules see no more",
                        MAX_KNOWN);
            }
            return false;
        }
        return known.add(id);
    }

    /** What the route carried since the last look, into each of its rules. */
    private void countDeltas(RouteCounters c, long now) {
        long requests = c.snapCount - c.seenCount;
        long errors = c.snapErrors - c.seenErrors;
        long unrouted = c.snapUnrouted - c.seenUnrouted;
        long outsider = c.snapOutsider - c.seenOutsider;
        c.seenCount = c.snapCount;
        c.seenErrors = c.snapErrors;
        c.seenUnrouted = c.snapUnrouted;
        c.seenOutsider = c.snapOutsider;
        long[] latency = null;
        if (needsLatency) {
            latency = new long[RouteCounters.BUCKETS];
            for (int b = 0; b < RouteCounters.BUCKETS; b++) {
                latency[b] = c.snapLatency[b] - c.seenLatency[b];
                c.seenLatency[b] = c.snapLatency[b];
            }
        }
        for (int i : c.rules) {
            Rule rule = rules.get(i);
            switch (rule.kind()) {
                case OUTSIDER -> {
                    if (outsider > 0) {
                        raise(rule, c.edgeKey, edgeLabels(rule, c), "outsider " + c.fromId + " called private proxy "
                                + c.proxyKey + " (" + outsider + " requests to " + c.toId + ")", now, c.fromId,
                                c.toId, c.fromId);
                    }
                }
                case ERROR_SHARE, LATENCY_P95 -> {
                    Window w = window(i, c.edgeKey, rule.kind() == Kind.LATENCY_P95, c, null);
                    if (w != null) {
                        w.add(rule.window(), now, requests, errors, latency);
                    }
                }
                case NO_ROUTER_SURGE -> {
                    Window w = unrouted > 0 ? window(i, c.proxyKey, false, null, c) : null;
                    if (w != null) {
                        w.add(rule.window(), now, unrouted, 0, null);
                    }
                }
                case RATE_ZERO -> {
                    long[] a = edgeActivity.computeIfAbsent(c.edgeKey, k -> new long[2]);
                    a[0] += requests;
                    a[1] = now;
                    window(i, c.edgeKey, false, c, null);
                }
                default -> {
                }
            }
        }
    }

    /** The rule's slots for a subject, made on its first request; null past {@link #MAX_SUBJECTS_PER_RULE}. */
    private Window window(int rule, String subject, boolean latency, RouteCounters route, RouteCounters proxyOf) {
        Map<String, Window> slots = windows.get(rule);
        Window w = slots.get(subject);
        if (w == null) {
            if (slots.size() >= MAX_SUBJECTS_PER_RULE) {
                untrackedSubjects++;
                return null;
            }
            w = new Window(latency, route, proxyOf);
            slots.put(subject, w);
        }
        return w;
    }

    /** An address discovered or seen at a node other than the last one it belonged to. */
    private void owner(NodeFact.SeenAt s, long now) {
        String id = s.id().text();
        NodeKind kind = s.id().kind();
        if (kind == NodeKind.UNRECOGNISED || kind == NodeKind.EXTERNAL) {
            return; // nobody's name: an address that gets one is found, not taken over
        }
        String before = ownerByAddress.put(s.address(), id);
        if (ownerByAddress.size() > MAX_KNOWN) {
            ownerByAddress.remove(s.address());
            return;
        }
        if (before == null || before.equals(id)) {
            return;
        }
        for (Rule rule : rules) {
            if (rule.kind() == Kind.OWNER_CHANGED && rule.scope().matches(s.id().server(), null, id, before)) {
                Map<String, String> labels = labels(rule);
                labels.put("address", s.address());
                labels.put("node", id);
                labels.put("previous", before);
                raise(rule, s.address(), labels, "address " + s.address() + " now belongs to " + id + " (was "
                        + before + ")", now, null, null, id);
            }
        }
    }

    private void judgeWindows(long now) {
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            for (var it = windows.get(i).entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Window> e = it.next();
                Window w = e.getValue();
                w.roll(rule.window(), now);
                String subject = e.getKey();
                if (rule.kind() != Kind.RATE_ZERO && w.requests() == 0) {
                    // an empty window judges nothing: what fired resolves, and the slots go (bounded by what is busy)
                    judge(rule, subject, false, now, () -> "", w.route);
                    it.remove();
                    continue;
                }
                switch (rule.kind()) {
                    case ERROR_SHARE -> {
                        long n = w.requests();
                        long errors = w.errors();
                        boolean holds = n >= rule.minRequests() && errors > rule.threshold() * n;
                        judge(rule, subject, holds, now, () -> String.format(Locale.ROOT,
                                "%s: %.1f %% errors over %s (%d of %d requests)", subject, 100.0 * errors / n,
                                Durations.text(rule.window()), errors, n), w.route);
                    }
                    case LATENCY_P95 -> {
                        long n = w.requests();
                        double p95 = w.p95Millis();
                        boolean holds = n >= rule.minRequests() && p95 > rule.threshold();
                        judge(rule, subject, holds, now, () -> String.format(Locale.ROOT,
                                "%s: p95 about %.0f ms over %s (above %.0f ms; %d requests)", subject, p95,
                                Durations.text(rule.window()), rule.threshold(), n), w.route);
                    }
                    case NO_ROUTER_SURGE -> {
                        long n = w.requests();
                        judge(rule, subject, n >= rule.threshold(), now, () -> String.format(Locale.ROOT,
                                "%s: %d requests matched no router over %s (threshold %.0f)", subject, n,
                                Durations.text(rule.window()), rule.threshold()), w.proxyOf);
                    }
                    case RATE_ZERO -> {
                        long[] a = edgeActivity.get(subject);
                        boolean holds = a != null && a[0] >= rule.minRequests() && now - a[1] >= rule.window();
                        judge(rule, subject, holds, now, () -> subject + ": no requests for "
                                + Durations.text(now - a[1]) + " (it had carried " + a[0] + ")", w.route);
                    }
                    default -> {
                    }
                }
            }
        }
    }

    private void judgeConditions(long now) {
        Map<String, Boolean> up = null;
        for (Rule rule : rules) {
            if (rule.kind() == Kind.API_UNREACHABLE) {
                if (up == null) {
                    up = apiUp.get();
                    for (Map.Entry<String, Boolean> e : up.entrySet()) {
                        if (e.getValue()) {
                            apiDownSince.remove(e.getKey());
                        } else {
                            apiDownSince.putIfAbsent(e.getKey(), now);
                        }
                    }
                }
                for (String proxyKey : up.keySet()) {
                    int slash = proxyKey.indexOf('/');
                    String server = proxyKey.substring(0, slash);
                    String proxy = proxyKey.substring(slash + 1);
                    String proxyId = "proxy:" + proxyKey;
                    if (!rule.scope().matches(server, proxy, proxyId, null)) {
                        continue;
                    }
                    Long since = apiDownSince.get(proxyKey);
                    boolean holds = since != null && now - since >= rule.forMillis();
                    Map<String, String> labels = labels(rule);
                    labels.put("proxy", proxyKey);
                    judge(rule, proxyKey, holds, now, labels, () -> proxyKey + ": API unreachable for "
                            + Durations.text(now - since), null, null, proxyId);
                }
            } else if (rule.kind() == Kind.SOURCE_SILENT) {
                for (Map.Entry<String, long[]> e : originSeen.entrySet()) {
                    String origin = e.getKey();
                    long quietFor = now - e.getValue()[1];
                    Map<String, String> labels = labels(rule);
                    labels.put("source", origin);
                    judge(rule, origin, quietFor >= rule.forMillis(), now, labels, () -> origin + ": no lines for "
                            + Durations.text(quietFor), null, null, null);
                }
            }
        }
    }

    private void judge(Rule rule, String subject, boolean holds, long now, Supplier<String> summary, RouteCounters c) {
        Map<String, String> labels = labels(rule);
        if (c != null && c.fromId != null && rule.kind() != Kind.NO_ROUTER_SURGE) {
            labels.put("caller", c.fromId);
            labels.put("target", c.toId);
            labels.put("proxy", c.proxyKey);
            judge(rule, subject, holds, now, labels, summary, c.fromId, c.toId, null);
        } else {
            labels.put("proxy", subject);
            judge(rule, subject, holds, now, labels, summary, null, null, "proxy:" + subject);
        }
    }

    private void judge(Rule rule, String subject, boolean holds, long now, Map<String, String> labels,
                       Supplier<String> summary, String fromId, String toId, String nodeId) {
        String key = rule.name() + "|" + subject;
        AlertState s = states.get(key);
        if (holds) {
            if (s == null || !s.firing) {
                raise(rule, subject, labels, summary.get(), now, fromId, toId, nodeId);
            } else {
                s.lastOccurrence = now;
            }
        } else if (s != null && s.firing) {
            s.resolve(now);
        }
    }

    private Map<String, String> labels(Rule rule) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", rule.name());
        labels.put("severity", rule.severity().key());
        labels.put("kind", rule.kind().key());
        return labels;
    }

    private Map<String, String> edgeLabels(Rule rule, RouteCounters c) {
        Map<String, String> labels = labels(rule);
        labels.put("caller", c.fromId);
        labels.put("target", c.toId);
        labels.put("proxy", c.proxyKey);
        return labels;
    }

    /** The rule's subject happened (again): fires unless firing; outsider tells again once per window. */
    private void raise(Rule rule, String subject, Map<String, String> labels, String summary, long now, String fromId,
                       String toId, String nodeId) {
        String key = rule.name() + "|" + subject;
        AlertState s = states.get(key);
        if (s == null) {
            if (states.size() >= MAX_ROUTES * 2) {
                return; // bounded like the routes they are about
            }
            s = new AlertState(key, rule);
            states.put(key, s);
        }
        s.lastOccurrence = now;
        s.labels = labels;
        s.summary = summary;
        s.fromId = fromId;
        s.toId = toId;
        s.nodeId = nodeId;
        if (!s.firing) {
            s.firing = true;
            s.startsAt = now;
            s.endsAt = 0;
            s.due = true;
        } else if (rule.kind() == Kind.OUTSIDER && now - s.lastToldFiring >= rule.window()) {
            s.due = true;
            s.retell = true;
        }
    }

    /** Event alerts resolve once their window passed without another occurrence. */
    private void expireEvents(long now) {
        for (AlertState s : states.values()) {
            if (s.firing && s.rule.kind().event() && now - s.lastOccurrence >= s.rule.window()) {
                s.resolve(now);
            }
        }
    }

    /** Sends what is due and allowed by each rule's minInterval; refreshes firing alerts at Alertmanager. */
    private void tell(long now) {
        List<Alert> nowFiring = new ArrayList<>();
        boolean resend = now - lastResend >= RESEND_MILLIS;
        for (var it = states.values().iterator(); it.hasNext(); ) {
            AlertState s = it.next();
            if (s.due && (s.toldAt == Long.MIN_VALUE || now - s.toldAt >= s.rule.minInterval())) {
                boolean changed = s.toldFiring == null || s.toldFiring != s.firing;
                if (changed || s.retell) {
                    if (s.firing || Boolean.TRUE.equals(s.toldFiring)) {
                        out.notify(s.alert(), false);
                        s.toldAt = now;
                        if (s.firing) {
                            s.lastToldFiring = now;
                        }
                        s.toldFiring = s.firing;
                    }
                }
                s.due = false;
                s.retell = false;
            }
            if (s.firing) {
                Alert a = s.alert();
                nowFiring.add(a);
                // Not one told in this very look: Alertmanager would get the same alert twice at once.
                if (resend && Boolean.TRUE.equals(s.toldFiring) && s.toldAt != now) {
                    out.notify(a, true);
                }
            } else if (!s.due && (s.toldAt == Long.MIN_VALUE || now - s.toldAt >= s.rule.minInterval())) {
                it.remove(); // resolved and told (or never worth telling): a later occurrence is a new alert
            }
        }
        if (resend) {
            lastResend = now;
        }
        firing = List.copyOf(nowFiring);
    }

    /** Where the engine hands notifications. */
    public interface Notifications {
        /**
         * @param refresh a firing alert told again so that Alertmanager keeps it (other sinks ignore it)
         */
        void notify(Alert alert, boolean refresh);
    }

    private static final class AlertState {
        final String key;
        final Rule rule;
        boolean firing;
        boolean due;
        boolean retell;
        long startsAt;
        long endsAt;
        long lastOccurrence;
        long toldAt = Long.MIN_VALUE;
        long lastToldFiring = Long.MIN_VALUE;
        Boolean toldFiring;
        Map<String, String> labels;
        String summary;
        String fromId;
        String toId;
        String nodeId;

        AlertState(String key, Rule rule) {
            this.key = key;
            this.rule = rule;
        }

        void resolve(long now) {
            firing = false;
            endsAt = now;
            due = true;
        }

        Alert alert() {
            return new Alert(key, rule.name(), rule.kind(), rule.severity(), firing,
                    java.util.Collections.unmodifiableMap(labels), summary,
                    startsAt, firing ? 0 : endsAt, fromId, toId, nodeId);
        }
    }

    /** A window rule's slots for one subject: per slot of window/{@value #SLOTS}, what it counted. */
    private static final class Window {
        final long[] slotOf = new long[SLOTS];
        final long[] requests = new long[SLOTS];
        final long[] errors = new long[SLOTS];
        final long[][] latency;
        final RouteCounters route;
        final RouteCounters proxyOf;

        Window(boolean latency, RouteCounters route, RouteCounters proxyOf) {
            this.latency = latency ? new long[SLOTS][RouteCounters.BUCKETS] : null;
            this.route = route;
            this.proxyOf = proxyOf;
            java.util.Arrays.fill(slotOf, -1);
        }

        void add(long window, long now, long n, long e, long[] lat) {
            int i = slot(window, now);
            requests[i] += n;
            errors[i] += e;
            if (latency != null && lat != null) {
                for (int b = 0; b < lat.length; b++) {
                    latency[i][b] += lat[b];
                }
            }
        }

        /** Clears slots older than the window. */
        void roll(long window, long now) {
            slot(window, now);
            long current = now / Math.max(1, window / SLOTS);
            for (int i = 0; i < SLOTS; i++) {
                if (slotOf[i] >= 0 && current - slotOf[i] >= SLOTS) {
                    clear(i);
                    slotOf[i] = -1;
                }
            }
        }

        private int slot(long window, long now) {
            long index = now / Math.max(1, window / SLOTS);
            int i = (int) (index % SLOTS);
            if (slotOf[i] != index) {
                clear(i);
                slotOf[i] = index;
            }
            return i;
        }

        private void clear(int i) {
            requests[i] = 0;
            errors[i] = 0;
            if (latency != null) {
                java.util.Arrays.fill(latency[i], 0);
            }
        }

        long requests() {
            long n = 0;
            for (long r : requests) {
                n += r;
            }
            return n;
        }

        long errors() {
            long n = 0;
            for (long e : errors) {
                n += e;
            }
            return n;
        }

        /** The upper end of the bucket the 95th percentile falls in (a bucket spans a factor of about 1.4). */
        double p95Millis() {
            long n = requests();
            if (n == 0 || latency == null) {
                return 0;
            }
            long rank = (long) Math.ceil(0.95 * n);
            long seen = 0;
            for (int b = 0; b < RouteCounters.BUCKETS; b++) {
                for (long[] slot : latency) {
                    seen += slot[b];
                }
                if (seen >= rank) {
                    return RouteCounters.upperMillis(b);
                }
            }
            return RouteCounters.upperMillis(RouteCounters.BUCKETS - 1);
        }
    }
}
