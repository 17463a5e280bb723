package io.trafficviz.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code http:} section: who may talk to trafficviz's web side besides its own pages (docs/security.md).
 *
 * @param allowedOrigins           origins ({@code https://host[:port]}) whose pages may open the live WebSockets and
 *                                 send state-changing requests, besides the page's own origin
 * @param allowedHosts             {@code Host} names served besides loopback names and IP literals, lower case
 * @param maxConnectionsPerAddress open TCP connections one client address may hold; a reverse proxy in front counts
 *                                 as one address for all its users
 */
public record HttpConfig(List<String> allowedOrigins, List<String> allowedHosts, int maxConnectionsPerAddress) {
    /** A browser opens about 6 connections per host; a reverse proxy in front carries many browsers' WebSockets. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 100;
    public static final HttpConfig DEFAULTS = new HttpConfig(List.of(), List.of(), DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);

    private static final Set<String> KEYS = Set.of("allowedOrigins", "allowedHosts", "maxConnectionsPerAddress");
    private static final Pattern HOST_NAME = Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /** The section as {@link ConfigLoader} finds it: missing (defaults) or a map. */
    static HttpConfig parse(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return DEFAULTS;
        }
        if (!node.isObject()) {
            throw new ConfigException("http", "must be a map of keys to values");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!KEYS.contains(field)) {
                throw new ConfigException("http." + field, "unknown key; known keys here: "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        List<String> origins = new ArrayList<>();
        List<String> texts = list(node.path("allowedOrigins"), "http.allowedOrigins");
        for (int i = 0; i < texts.size(); i++) {
            origins.add(origin(texts.get(i), "http.allowedOrigins[" + i + "]"));
        }
        List<String> hosts = new ArrayList<>();
        texts = list(node.path("allowedHosts"), "http.allowedHosts");
        for (int i = 0; i < texts.size(); i++) {
            hosts.add(host(texts.get(i), "http.allowedHosts[" + i + "]"));
        }
        int maxConnections = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        JsonNode max = node.path("maxConnectionsPerAddress");
        if (!max.isMissingNode() && !max.isNull()) {
            if (!max.isIntegralNumber() || !max.canConvertToInt() || max.intValue() < 1) {
                throw new ConfigException("http.maxConnectionsPerAddress", "must be a positive whole number (was '"
                        + max.asText() + "')");
            }
            maxConnections = max.intValue();
        }
        return new HttpConfig(List.copyOf(origins), List.copyOf(hosts), maxConnections);
    }

    private static List<String> list(JsonNode node, String key) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ConfigException(key, "must be a list");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new ConfigException(key + "[" + i + "]", "must be text");
            }
            out.add(item.asText().trim());
        }
        return out;
    }

    /** {@code scheme://host[:port]} as browsers send it in {@code Origin}: lower case, default port left out. */
    private static String origin(String text, String key) {
        String problem = "must be an origin like https://trafficviz.example.com or http://10.0.0.5:8082 "
                + "(scheme, host and port only; was '" + text + "')";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, problem);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !bare) {
            throw new ConfigException(key, problem);
        }
        int port = uri.getPort();
        int standard = scheme.equals("https") ? 443 : 80;
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + (port < 0 || port == standard ? "" : ":" + port);
    }

    private static String host(String text, String key) {
        String host = text.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (!HOST_NAME.matcher(host).matches() || host.length() > 253) {
            throw new ConfigException(key, "must be a host name like trafficviz.example.com, without scheme or port "
                    + "(IP addresses and loopback names are always served; was '" + text + "')");
        }
        return host;
    }
}
