package io.trafficviz.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads the YAML configuration and validates it by hand, so that every error names the key and what is wrong with it
 * (a data-binding exception would name a Java field instead).
 */
public final class ConfigLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Set<String> TOP_KEYS = Set.of("listen", "servers", "names", "reverseDns", "startAt",
            "stateDir", "networkHeader", "discovery", "limits", "ingest", "auth", "http", "history",
            "alerts", "serviceGraph", "kafka");
    private static final Set<String> SERVER_KEYS = Set.of("name", "proxies", "trustedNetworks");
    private static final Set<String> PROXY_KEYS = Set.of("name", "role", "network", "api", "dynamicConfig",
            "accessLog", "format", "addresses");
    /** Pushed bodies are held in memory whole (a byte array), so the limit stays far below 2 GiB. */
    static final long MAX_INGEST_BODY_BYTES = 256L * 1024 * 1024;
    private static final Set<String> FORMATS = Set.of("auto", "json", "common", "genericCLF");
    private static final Pattern DURATION = Pattern.compile("0*(\\d{1,9})(ms|s|m)");
    private static final long MAX_DURATION_MILLIS = 24L * 60 * 60 * 1000;
    /** An HTTP header name (RFC 9110 token): anything else could never match a header Traefik logs. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

    private ConfigLoader() {
    }

    public static TrafficvizConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file, e);
        } catch (MalformedInputException e) {
            throw new ConfigException("config file " + file + " is not UTF-8 text", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException("cannot read config file " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toAbsolutePath().getParent());
    }

    /** Parses YAML text; relative paths in it are resolved against {@code baseDir}. */
    public static TrafficvizConfig parse(String yaml, Path baseDir) {
        return parse(yaml, baseDir, System::getenv);
    }

    /** As {@link #parse(String, Path)}, with {@code ${VAR}} references read from {@code environment} (null: unset). */
    public static TrafficvizConfig parse(String yaml, Path baseDir, UnaryOperator<String> environment) {
        JsonNode root = YamlErrors.read(yaml);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException("(root)", "the file is empty; at least 'servers' is needed");
        }
        requireObject(root, "(root)");
        EnvironmentReferences.resolve(root, environment);
        rejectUnknown(root, "", TOP_KEYS);

        String listen = text(root, "listen", "", "127.0.0.1:8082");
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("listen", "expected host:port, e.g. 127.0.0.1:8082 (was '" + listen + "')");
        }
        String host = listen.substring(0, colon);
        int port = port(listen.substring(colon + 1), "listen");

        JsonNode serversNode = root.path("servers");
        if (!serversNode.isArray() || serversNode.isEmpty()) {
            throw new ConfigException("servers", "a list of at least one server is required");
        }
        List<ServerConfig> servers = new ArrayList<>();
        Set<String> serverNames = new HashSet<>();
        for (int i = 0; i < serversNode.size(); i++) {
            ServerConfig server = server(serversNode.get(i), "servers[" + i + "]", baseDir);
            if (!serverNames.add(server.name())) {
                throw new ConfigException("servers[" + i + "].name", "duplicate server name '" + server.name() + "'");
            }
            servers.add(server);
        }

        Map<Cidr, String> names = new LinkedHashMap<>();
        JsonNode namesNode = root.path("names");
        if (!namesNode.isMissingNode() && !namesNode.isNull()) {
            requireObject(namesNode, "names");
            for (Iterator<Map.Entry<String, JsonNode>> it = namesNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = "names." + e.getKey();
                if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                    throw new ConfigException(key, "must be a node name (text)");
                }
                try {
                    names.put(Cidr.parse(e.getKey()), e.getValue().asText());
                } catch (IllegalArgumentException ex) {
                    throw new ConfigException(key, ex.getMessage());
                }
            }
        }

        boolean reverseDns = bool(root, "reverseDns", "", false);
        String startAt = text(root, "startAt", "", "end");
        if (!startAt.equals("end") && !startAt.equals("beginning")) {
            throw new ConfigException("startAt", "must be 'end' or 'beginning' (was '" + startAt + "')");
        }
        String stateDirText = text(root, "stateDir", "", null);
        Path stateDir = stateDirText == null ? null : baseDir.resolve(expandHome(stateDirText));
        String networkHeader = text(root, "networkHeader", "", "X-Network-Name");
        if (!HEADER_NAME.matcher(networkHeader).matches()) {
            throw new ConfigException("networkHeader", "must be an HTTP header name like X-Network-Name: letters, digits "
                    + "and -, no spaces (was '" + networkHeader + "')");
        }

        JsonNode discovery = root.path("discovery");
        long interval = 10_000;
        if (!discovery.isMissingNode()) {
            requireObject(discovery, "discovery");
            rejectUnknown(discovery, "discovery.", Set.of("interval"));
            interval = duration(text(discovery, "interval", "discovery.", "10s"), "discovery.interval");
        }

        TrafficvizConfig.Limits limits = TrafficvizConfig.Limits.DEFAULTS;
        JsonNode limitsNode = root.path("limits");
        if (!limitsNode.isMissingNode()) {
            requireObject(limitsNode, "limits");
            rejectUnknown(limitsNode, "limits.", Set.of("maxNodes", "maxEdges", "maxUnknownPerGroup", "maxPathsPerEdge"));
            limits = new TrafficvizConfig.Limits(
                    positiveInt(limitsNode, "maxNodes", limits.maxNodes()),
                    positiveInt(limitsNode, "maxEdges", limits.maxEdges()),
                    positiveInt(limitsNode, "maxUnknownPerGroup", limits.maxUnknownPerGroup()),
                    positiveInt(limitsNode, "maxPathsPerEdge", limits.maxPathsPerEdge()));
        }

        String token = null;
        long maxBodyBytes = TrafficvizConfig.DEFAULT_INGEST_MAX_BODY_BYTES;
        JsonNode ingest = root.path("ingest");
        if (!ingest.isMissingNode()) {
            requireObject(ingest, "ingest");
            rejectUnknown(ingest, "ingest.", Set.of("token", "maxBodyBytes"));
            JsonNode max = ingest.path("maxBodyBytes");
            if (!max.isMissingNode() && !max.isNull()) {
                if (!max.isIntegralNumber() || max.longValue() < 1024 || max.longValue() > MAX_INGEST_BODY_BYTES) {
                    throw new ConfigException("ingest.maxBodyBytes", "must be a whole number of bytes from 1024 to "
                            + MAX_INGEST_BODY_BYTES + " (was '" + max.asText() + "')");
                }
                maxBodyBytes = max.longValue();
            }
            token = text(ingest, "token", "ingest.", null);
        }

        return new TrafficvizConfig(host, port, List.copyOf(servers), names, reverseDns, startAt.equals("beginning"),
                stateDir, networkHeader, interval, limits, token, maxBodyBytes, AuthConfig.parse(root.path("auth")),
                HttpConfig.parse(root.path("http")), HistoryConfig.parse(root.path("history"), baseDir),
                AlertsConfig.parse(root.path("alerts")), ServiceGraphConfig.parse(root.path("serviceGraph")),
                KafkaConfig.parse(root.path("kafka")));
    }

    private static ServerConfig server(JsonNode node, String key, Path baseDir) {
        requireObject(node, key);
        rejectUnknown(node, key + ".", SERVER_KEYS);
        String name = name(node, key);
        JsonNode proxiesNode = node.path("proxies");
        if (!proxiesNode.isArray() || proxiesNode.isEmpty()) {
            throw new ConfigException(key + ".proxies", "a list of at least one proxy is required");
        }
        List<ProxyConfig> proxies = new ArrayList<>();
        Set<String> proxyNames = new HashSet<>();
        for (int j = 0; j < proxiesNode.size(); j++) {
            String pkey = key + ".proxies[" + j + "]";
            ProxyConfig proxy = proxy(proxiesNode.get(j), pkey, baseDir);
            if (!proxyNames.add(proxy.name())) {
                throw new ConfigException(pkey + ".name", "duplicate proxy name '" + proxy.name() + "' in server '" + name + "'");
            }
            proxies.add(proxy);
        }
        List<Cidr> trusted = new ArrayList<>();
        JsonNode trustedNode = node.path("trustedNetworks");
        if (!trustedNode.isMissingNode()) {
            if (!trustedNode.isArray()) {
                throw new ConfigException(key + ".trustedNetworks", "must be a list of CIDRs");
            }
            for (int j = 0; j < trustedNode.size(); j++) {
                try {
                    trusted.add(Cidr.parse(trustedNode.get(j).asText()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(key + ".trustedNetworks[" + j + "]", e.getMessage());
                }
            }
        }
        return new ServerConfig(name, List.copyOf(proxies), List.copyOf(trusted));
    }

    private static ProxyConfig proxy(JsonNode node, String key, Path baseDir) {
        requireObject(node, key);
        rejectUnknown(node, key + ".", PROXY_KEYS);
        String name = name(node, key);
        String roleText = text(node, "role", key + ".", "private");
        ProxyConfig.Role role;
        try {
            role = ProxyConfig.Role.valueOf(roleText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".role", "must be one of public, private, gateway (was '" + roleText + "')");
        }
        String network = text(node, "network", key + ".", name + "-network");
        String api = text(node, "api", key + ".", null);
        if (api != null) {
            if (!api.matches("https?://[^/\\s]+(/.*)?")) {
                throw new ConfigException(key + ".api", "must be an http(s) URL like http://127.0.0.1:8080 (was '" + api + "')");
            }
            api = api.replaceAll("/+$", "");
        }
        String dynamic = text(node, "dynamicConfig", key + ".", null);
        String accessLog = text(node, "accessLog", key + ".", null);
        String format = text(node, "format", key + ".", "auto");
        if (!FORMATS.contains(format)) {
            throw new ConfigException(key + ".format", "must be one of auto, json, common, genericCLF (was '" + format + "')");
        }
        Path accessLogPath = accessLog == null ? null : baseDir.resolve(expandHome(accessLog)).normalize();
        return new ProxyConfig(name, role, network, api,
                dynamic == null ? null : baseDir.resolve(expandHome(dynamic)).normalize().toString(),
                accessLogPath == null ? null : accessLogPath.toString(),
                format, addresses(node.path("addresses"), key + ".addresses"));
    }

    private static List<String> addresses(JsonNode node, String key) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException(key, "must be a list of IP addresses");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String a = node.get(i).asText();
            if (!Cidr.isLiteral(a)) {
                throw new ConfigException(key + "[" + i + "]", "not an IP address: '" + a + "'");
            }
            out.add(a);
        }
        return List.copyOf(out);
    }

    private static String name(JsonNode node, String key) {
        String name = text(node, "name", key + ".", null);
        if (name == null) {
            throw new ConfigException(key + ".name", "is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(key + ".name", "use letters, digits, '.', '_' or '-', at most 63 (was '" + name + "')");
        }
        return name;
    }

    static String text(JsonNode parent, String field, String prefix, String fallback) {
        JsonNode v = parent.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(prefix + field, "must be a single value, not a " + (v.isArray() ? "list" : "map"));
        }
        String s = v.asText().trim();
        if (s.isEmpty()) {
            throw new ConfigException(prefix + field, "must not be empty");
        }
        return s;
    }

    static boolean bool(JsonNode parent, String field, String prefix, boolean fallback) {
        JsonNode v = parent.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new ConfigException(prefix + field, "must be true or false (was '" + v.asText() + "')");
        }
        return v.booleanValue();
    }

    private static int positiveInt(JsonNode parent, String field, int fallback) {
        JsonNode v = parent.path(field);
        if (v.isMissingNode()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() <= 0) {
            throw new ConfigException("limits." + field, "must be a positive whole number (was '" + v.asText() + "')");
        }
        return v.intValue();
    }

    private static int port(String text, String key) {
        try {
            int p = Integer.parseInt(text);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "port must be a number 0-65535 (was '" + text + "')");
        }
    }

    static long duration(String text, String key) {
        var m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(key, "must be a duration like 500ms, 10s or 1m (was '" + text + "')");
        }
        // At most 9 digits, so the product below cannot overflow into a small or negative number.
        long n = Long.parseLong(m.group(1));
        long millis = switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            default -> n * 60_000;
        };
        if (millis < 100) {
            throw new ConfigException(key, "must be at least 100ms (was '" + text + "')");
        }
        if (millis > MAX_DURATION_MILLIS) {
            throw new ConfigException(key, "must be at most 1440m, one day (was '" + text + "')");
        }
        return millis;
    }

    static void requireObject(JsonNode node, String key) {
        if (node == null || !node.isObject()) {
            throw new ConfigException(key, "must be a map of keys to values");
        }
    }

    static void rejectUnknown(JsonNode node, String prefix, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new ConfigException(prefix + field, "unknown key; known keys here: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    static String expandHome(String path) {
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

}
