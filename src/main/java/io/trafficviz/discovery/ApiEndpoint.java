package io.trafficviz.discovery;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A Traefik API base URL taken apart: where to send requests, and the Basic credentials that were written into it
 * ({@code http://user:pass@host:8080}). The credentials are kept out of {@link #display()} so that error messages
 * and logs never show the password.
 *
 * @param base          scheme, host, port and base path, without credentials and without a trailing slash
 * @param authorization the {@code Authorization} header value, or null when the URL had no credentials
 */
record ApiEndpoint(URI base, String authorization) {

    /**
     * Parses a user-supplied API URL. A missing scheme means {@code http}; a trailing {@code /api} or slash is
     * dropped, because request paths start with {@code /api/}.
     *
     * @throws IllegalArgumentException when the URL cannot be used by an HTTP client, saying why
     */
    static ApiEndpoint parse(String apiUrl) {
        if (apiUrl == null || apiUrl.isBlank()) {
            throw new IllegalArgumentException("Traefik API URL is empty");
        }
        String text = apiUrl.trim();
        if (!text.contains("://")) {
            text = "http://" + text;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Traefik API URL is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("Traefik API URL must be http or https: " + redact(uri));
        }
        if (uri.getHost() == null) {
            // java.net.URI leaves the host null for names it rejects, e.g. with an underscore (docker compose v1
            // container names); java.net.http cannot send to such a URI.
            throw new IllegalArgumentException("Traefik API URL has no usable host name (underscores are not allowed): "
                    + redact(uri));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith("/api")) {
            path = path.substring(0, path.length() - "/api".length());
        }
        String hostPart = uri.getHost().contains(":") && !uri.getHost().startsWith("[")
                ? "[" + uri.getHost() + "]" : uri.getHost();
        URI base = URI.create(scheme + "://" + hostPart + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + path);
        return new ApiEndpoint(base, basicAuthorization(uri.getRawUserInfo()));
    }

    /** The URI of {@code pathAndQuery} (which starts with {@code /api/}) under this base. */
    URI resolve(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    /** The base URL as it is safe to show: never with credentials. */
    String display() {
        return base.toString();
    }

    private static String basicAuthorization(String rawUserInfo) {
        if (rawUserInfo == null || rawUserInfo.isEmpty()) {
            return null;
        }
        // user:pass in a URL is percent-encoded (a ':' or '@' in a password must be); the header wants it raw.
        String userInfo = URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (!userInfo.contains(":")) {
            userInfo = userInfo + ":";
        }
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static String redact(URI uri) {
        return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }
}
