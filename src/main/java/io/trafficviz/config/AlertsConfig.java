package io.trafficviz.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code alerts:} section: rules that watch the graph and the sinks their notifications go to (docs/alerts.md).
 *
 * @param rules   in file order; an empty list turns the alert engine off
 * @param sinks   where every rule's notifications go
 * @param pageUrl the address people open trafficviz at, for the links in notifications ({@code generatorURL}); null
 *                leaves links out
 */
public record AlertsConfig(List<Rule> rules, List<Sink> sinks, String pageUrl) {
    public static final AlertsConfig NONE = new AlertsConfig(List.of(), List.of(), null);

    /** What a rule watches. Event kinds fire on one request or fact; the others on a window's values. */
    public enum Kind {
        OUTSIDER("outsider", true), NEW_CALLER("newCaller", true), NEW_EDGE("newEdge", true),
        NEW_SERVICE("newService", true), OWNER_CHANGED("ownerChanged", true), ERROR_SHARE("errorShare", false),
        LATENCY_P95("latencyP95", false), RATE_ZERO("rateZero", false), NO_ROUTER_SURGE("noRouterSurge", false),
        API_UNREACHABLE("apiUnreachable", false), SOURCE_SILENT("sourceSilent", false);

        private final String key;
        private final boolean event;

        Kind(String key, boolean event) {
            this.key = key;
            this.event = event;
        }

        /** The name in the YAML and in notifications. */
        public String key() {
            return key;
        }

        /** Fires on one request or fact (then resolves once {@code window} passed without another). */
        public boolean event() {
            return event;
        }

        static Kind of(String text, String key) {
            for (Kind k : values()) {
                if (k.key.equals(text)) {
                    return k;
                }
            }
            throw new ConfigException(key, "unknown kind '" + text + "'; known kinds: " + String.join(", ",
                    java.util.Arrays.stream(values()).map(Kind::key).toList()));
        }
    }

    public enum Severity {
        CRITICAL, WARNING, INFO;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Which requests, nodes or proxies a rule looks at; each part null for any. Patterns are node ids with {@code *}
     * for any run of characters.
     *
     * @param server a server name
     * @param proxy  a proxy name (of any server unless {@code server} is set)
     * @param node   a node id pattern: either end of an edge, the node of a fact
     * @param edge   {@code callerPattern -> targetPattern}: the caller and the node that answered
     */
    public record Scope(String server, String proxy, Pattern node, Pattern from, Pattern to) {
        public static final Scope ANY = new Scope(null, null, null, null, null);

        /** Whether a request of {@code server}/{@code proxy} from {@code fromId} to {@code toId} is in scope. */
        public boolean matches(String serverName, String proxyName, String fromId, String toId) {
            return (server == null || server.equals(serverName))
                    && (proxy == null || proxy.equals(proxyName))
                    && (node == null || node.matcher(fromId).matches() || toId != null && node.matcher(toId).matches())
                    && (from == null || from.matcher(fromId).matches())
                    && (to == null || toId != null && to.matcher(toId).matches());
        }
    }

    /**
     * @param window      the window of a window kind; for event kinds how long an alert stays firing after its last
     *                    occurrence (and for outsider, how often it is told again while it goes on)
     * @param minInterval the least time between two notifications about one alert: a change inside it waits
     * @param threshold   errorShare: a share (0.05); latencyP95: milliseconds; noRouterSurge: requests in the window
     * @param minRequests errorShare and latencyP95: requests the window needs before it is judged; rateZero: requests
     *                    an edge must have carried before its silence means something
     * @param forMillis   apiUnreachable and sourceSilent: how long the condition must last
     */
    public record Rule(String name, Kind kind, Severity severity, Scope scope, long window, long minInterval,
                       double threshold, long minRequests, long forMillis) {
    }

    public enum SinkType { WEBHOOK, SLACK, DISCORD, NTFY, ALERTMANAGER }

    /**
     * @param url           where notifications are posted (for alertmanager its base address: {@code /api/v2/alerts}
     *                      is appended)
     * @param queue         notifications held while the sink is slow or down; past it new ones are dropped (counted)
     * @param headers       sent with every request (an {@code Authorization} for a token-guarded webhook)
     */
    public record Sink(String name, SinkType type, URI url, int queue, Map<String, String> headers) {
        @Override
        public String toString() {
            return "Sink[" + name + ", " + type + ", " + url.getHost() + "]"; // headers may hold secrets
        }
    }

    static final Set<String> KEYS = Set.of("rules", "sinks", "pageUrl");
    private static final Set<String> RULE_KEYS = Set.of("name", "kind", "severity", "scope", "window", "minInterval",
            "threshold", "minRequests", "for");
    private static final Set<String> SCOPE_KEYS = Set.of("server", "proxy", "node", "edge");
    private static final Set<String> SINK_KEYS = Set.of("name", "type", "url", "queue", "headers");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern DURATION = Pattern.compile("0*(\\d{1,9})(ms|s|m|h)");
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final long DAY = 86_400_000L;

    /** Parses the {@code alerts} map (missing: {@link #NONE}). Every error names its key. */
    static AlertsConfig parse(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return NONE;
        }
        ConfigLoader.requireObject(node, "alerts");
        ConfigLoader.rejectUnknown(node, "alerts.", KEYS);
        List<Rule> rules = new ArrayList<>();
        JsonNode rulesNode = node.path("rules");
        if (!rulesNode.isMissingNode() && !rulesNode.isNull()) {
            if (!rulesNode.isArray()) {
                throw new ConfigException("alerts.rules", "must be a list of rules");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < rulesNode.size(); i++) {
                Rule rule = rule(rulesNode.get(i), "alerts.rules[" + i + "]");
                if (!names.add(rule.name())) {
                    throw new ConfigException("alerts.rules[" + i + "].name", "duplicate rule name '" + rule.name() + "'");
                }
                rules.add(rule);
            }
        }
        List<Sink> sinks = new ArrayList<>();
        JsonNode sinksNode = node.path("sinks");
        if (!sinksNode.isMissingNode() && !sinksNode.isNull()) {
            if (!sinksNode.isArray()) {
                throw new ConfigException("alerts.sinks", "must be a list of sinks");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < sinksNode.size(); i++) {
                Sink sink = sink(sinksNode.get(i), "alerts.sinks[" + i + "]");
                if (!names.add(sink.name())) {
                    throw new ConfigException("alerts.sinks[" + i + "].name", "duplicate sink name '" + sink.name() + "'");
                }
                sinks.add(sink);
            }
        }
        String pageUrl = ConfigLoader.text(node, "pageUrl", "alerts.", null);
        if (pageUrl != null) {
            URI uri = url(pageUrl, "alerts.pageUrl");
            pageUrl = uri.toString().endsWith("/") ? uri.toString() : uri + "/";
        }
        return new AlertsConfig(List.copyOf(rules), List.copyOf(sinks), pageUrl);
    }

    private static Rule rule(JsonNode node, String key) {
        ConfigLoader.requireObject(node, key);
        ConfigLoader.rejectUnknown(node, key + ".", RULE_KEYS);
        String name = ConfigLoader.text(node, "name", key + ".", null);
        if (name == null) {
            throw new ConfigException(key + ".name", "is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(key + ".name", "use letters, digits, '.', '_' or '-', at most 63 (was '" + name + "')");
        }
        String kindText = ConfigLoader.text(node, "kind", key + ".", null);
        if (kindText == null) {
            throw new ConfigException(key + ".kind", "is required");
        }
        Kind kind = Kind.of(kindText, key + ".kind");
        String severityText = ConfigLoader.text(node, "severity", key + ".", "warning");
        Severity severity;
        try {
            severity = Severity.valueOf(severityText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".severity", "must be critical, warning or info (was '" + severityText + "')");
        }
        Scope scope = scope(node.path("scope"), key + ".scope");
        long window = duration(node, "window", key, kind == Kind.NO_ROUTER_SURGE ? 60_000 : 300_000, 1_000);
        long minInterval = duration(node, "minInterval", key, 60_000, 0);
        long forMillis = duration(node, "for", key, kind == Kind.SOURCE_SILENT ? 600_000 : 60_000, 0);
        double threshold = threshold(node, key, kind);
        long minRequests = wholeNumber(node, "minRequests", key, kind == Kind.RATE_ZERO ? 10 : 20);
        requireOnly(node, key, kind);
        return new Rule(name, kind, severity, scope, window, minInterval, threshold, minRequests, forMillis);
    }

    /** A key that means nothing for the rule's kind is a mistake to say, not to ignore. */
    private static void requireOnly(JsonNode node, String key, Kind kind) {
        Set<String> meaningful = switch (kind) {
            case ERROR_SHARE, LATENCY_P95 -> Set.of("window", "threshold", "minRequests");
            case RATE_ZERO -> Set.of("window", "minRequests");
            case NO_ROUTER_SURGE -> Set.of("window", "threshold");
            case API_UNREACHABLE, SOURCE_SILENT -> Set.of("for");
            case OUTSIDER, NEW_CALLER, NEW_EDGE, NEW_SERVICE, OWNER_CHANGED -> Set.of("window");
        };
        for (String field : List.of("window", "threshold", "minRequests", "for")) {
            if (node.has(field) && !meaningful.contains(field)) {
                throw new ConfigException(key + "." + field, "means nothing for kind " + kind.key() + " (it reads: "
                        + String.join(", ", meaningful.stream().sorted().toList()) + ")");
            }
        }
    }

    private static double threshold(JsonNode node, String key, Kind kind) {
        JsonNode t = node.path("threshold");
        boolean missing = t.isMissingNode() || t.isNull();
        switch (kind) {
            case ERROR_SHARE -> {
                if (missing) {
                    return 0.05;
                }
                if (!t.isNumber() || t.doubleValue() <= 0 || t.doubleValue() > 1) {
                    throw new ConfigException(key + ".threshold", "must be a share of requests above 0 and at most 1, "
                            + "e.g. 0.05 for 5 % (was '" + t.asText() + "')");
                }
                return t.doubleValue();
            }
            case LATENCY_P95 -> {
                if (missing) {
                    return 1_000;
                }
                String text = t.isNumber() ? t.asText() + "ms" : t.asText();
                Matcher m = DURATION.matcher(text.trim());
                if (!m.matches()) {
                    throw new ConfigException(key + ".threshold", "must be a duration like 250ms or 2s (was '"
                            + t.asText() + "')");
                }
                return millis(m);
            }
            case NO_ROUTER_SURGE -> {
                if (missing) {
                    return 100;
                }
                if (!t.isIntegralNumber() || t.longValue() < 1) {
                    throw new ConfigException(key + ".threshold", "must be a whole number of requests, at least 1 "
                            + "(was '" + t.asText() + "')");
                }
                return t.longValue();
            }
            default -> {
                if (!missing) {
                    throw new ConfigException(key + ".threshold", "means nothing for kind " + kind.key());
                }
                return 0;
            }
        }
    }

    private static long wholeNumber(JsonNode node, String field, String key, long fallback) {
        JsonNode n = node.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || n.longValue() < 1) {
            throw new ConfigException(key + "." + field, "must be a whole number, at least 1 (was '" + n.asText() + "')");
        }
        return n.longValue();
    }

    private static long duration(JsonNode node, String field, String key, long fallback, long least) {
        String text = ConfigLoader.text(node, field, key + ".", null);
        if (text == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(text.trim());
        long millis = m.matches() ? millis(m) : -1;
        if (millis < least || millis > DAY) {
            throw new ConfigException(key + "." + field, "must be a duration like 30s, 5m or 1h, from "
                    + (least == 0 ? "0s" : least / 1000 + "s") + " to 24h (was '" + text + "')");
        }
        return millis;
    }

    private static long millis(Matcher m) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
    }

    private static Scope scope(JsonNode node, String key) {
        if (node.isMissingNode() || node.isNull()) {
            return Scope.ANY;
        }
        ConfigLoader.requireObject(node, key);
        ConfigLoader.rejectUnknown(node, key + ".", SCOPE_KEYS);
        String server = ConfigLoader.text(node, "server", key + ".", null);
        String proxy = ConfigLoader.text(node, "proxy", key + ".", null);
        String nodeText = ConfigLoader.text(node, "node", key + ".", null);
        String edge = ConfigLoader.text(node, "edge", key + ".", null);
        Pattern from = null;
        Pattern to = null;
        if (edge != null) {
            int arrow = edge.indexOf("->");
            if (arrow < 0 || edge.indexOf("->", arrow + 2) >= 0) {
                throw new ConfigException(key + ".edge", "must be 'callerPattern -> targetPattern', e.g. "
                        + "'external:* -> service:prod/*' (was '" + edge + "')");
            }
            from = glob(edge.substring(0, arrow).trim(), key + ".edge");
            to = glob(edge.substring(arrow + 2).trim(), key + ".edge");
        }
        return new Scope(server, proxy, nodeText == null ? null : glob(nodeText.trim(), key + ".node"), from, to);
    }

    /** A node id pattern: {@code *} is any run of characters, everything else is itself. */
    private static Pattern glob(String text, String key) {
        if (text.isEmpty()) {
            throw new ConfigException(key, "a pattern may not be empty (use * for any node)");
        }
        StringBuilder regex = new StringBuilder();
        int literal = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '*') {
                if (i > literal) {
                    regex.append(Pattern.quote(text.substring(literal, i)));
                }
                if (i < text.length()) {
                    regex.append(".*");
                }
                literal = i + 1;
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static Sink sink(JsonNode node, String key) {
        ConfigLoader.requireObject(node, key);
        ConfigLoader.rejectUnknown(node, key + ".", SINK_KEYS);
        String name = ConfigLoader.text(node, "name", key + ".", null);
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigException(key + ".name", name == null ? "is required"
                    : "use letters, digits, '.', '_' or '-', at most 63 (was '" + name + "')");
        }
        String typeText = ConfigLoader.text(node, "type", key + ".", null);
        if (typeText == null) {
            throw new ConfigException(key + ".type", "is required: webhook, slack, discord, ntfy or alertmanager");
        }
        SinkType type;
        try {
            type = SinkType.valueOf(typeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".type", "must be webhook, slack, discord, ntfy or alertmanager (was '"
                    + typeText + "')");
        }
        String urlText = ConfigLoader.text(node, "url", key + ".", null);
        if (urlText == null) {
            throw new ConfigException(key + ".url", "is required");
        }
        URI url = url(environment(urlText, key + ".url"), key + ".url");
        long queue = wholeNumber(node, "queue", key, 1_000);
        if (queue > 100_000) {
            throw new ConfigException(key + ".queue", "must be at most 100000 (was " + queue + ")");
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        JsonNode h = node.path("headers");
        if (!h.isMissingNode() && !h.isNull()) {
            ConfigLoader.requireObject(h, key + ".headers");
            for (var it = h.fields(); it.hasNext(); ) {
                var e = it.next();
                String headerKey = key + ".headers." + e.getKey();
                if (!e.getKey().matches("[A-Za-z0-9-]{1,64}")) {
                    throw new ConfigException(headerKey, "must be a header name such as Authorization");
                }
                if (!e.getValue().isTextual()) {
                    throw new ConfigException(headerKey, "must be text");
                }
                headers.put(e.getKey(), environment(e.getValue().asText(), headerKey));
            }
        }
        return new Sink(name, type, url, (int) queue, Map.copyOf(headers));
    }

    /** {@code ${NAME}} as the whole value reads that environment variable (a webhook's secret address or token). */
    private static String environment(String value, String key) {
        Matcher m = ENV.matcher(value);
        if (!m.matches()) {
            return value;
        }
        String v = System.getenv(m.group(1));
        if (v == null || v.isBlank()) {
            throw new ConfigException(key, "environment variable " + m.group(1) + " is not set");
        }
        return v.strip();
    }

    private static URI url(String text, String key) {
        try {
            URI uri = new URI(text.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // said below
        }
        throw new ConfigException(key, "must be an http:// or https:// address (was '" + text + "')");
    }
}
