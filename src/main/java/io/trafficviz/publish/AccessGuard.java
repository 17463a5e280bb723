package io.trafficviz.publish;

import io.trafficviz.config.Cidr;
import io.trafficviz.config.HttpConfig;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs before every route, the WebSocket upgrades included, and refuses two kinds of request a browser can be made to
 * send on an attacker's behalf:
 * <ul>
 *   <li>a {@code Host} that is not a name trafficviz serves (421): a DNS-rebinding page reaches trafficviz under its
 *       own domain name, so its requests carry that name. IP literals are always served (a page cannot rebind an IP
 *       address), and so are {@code localhost} and its subdomains; other names must be in {@code http.allowedHosts}.
 *   <li>an {@code Origin} other than the page's own or one in {@code http.allowedOrigins} (403) on a WebSocket upgrade
 *       or a state-changing method: cross-site WebSocket hijacking and CSRF. Browsers always send {@code Origin} on
 *       both, so a request without one comes from a script or a log shipper, not a page, and passes.
 * </ul>
 */
final class AccessGuard implements Filter {
    private static final Logger log = LoggerFactory.getLogger(AccessGuard.class);
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final Set<String> allowedOrigins;
    private final Set<String> allowedHosts;
    private final AtomicLong refused = new AtomicLong();
    private volatile long lastLogMillis;

    AccessGuard(HttpConfig config) {
        this.allowedOrigins = Set.copyOf(config.allowedOrigins());
        this.allowedHosts = Set.copyOf(config.allowedHosts());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        String host = req.getHeader("Host");
        if (!hostServed(host)) {
            refuse(req, res, 421, "trafficviz does not serve the host name '" + clip(host) + "'. If this is the name "
                    + "you reach it by, add it to http.allowedHosts in the configuration (docs/security.md).");
            return;
        }
        String origin = req.getHeader("Origin");
        // Any upgrade attempt, however its headers are spelled: what Jetty would take for one must not slip past.
        boolean upgrade = req.getHeader("Upgrade") != null || req.getHeader("Sec-WebSocket-Key") != null;
        if (origin != null && (upgrade || !SAFE_METHODS.contains(req.getMethod()))
                && !originAllowed(origin, host)) {
            refuse(req, res, 403, "requests from pages on " + clip(origin) + " are refused: only trafficviz's own "
                    + "pages and the origins in http.allowedOrigins may " + (upgrade ? "open its live streams"
                    : "send " + req.getMethod() + " requests") + " (docs/security.md).");
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Whether {@code hostHeader} names trafficviz: an IP literal, {@code localhost} or a subdomain of it, or a
     * configured name. A request without {@code Host} (HTTP/1.0) comes from no browser and passes.
     */
    boolean hostServed(String hostHeader) {
        if (hostHeader == null) {
            return true;
        }
        String host = hostOnly(hostHeader);
        if (host == null) {
            return false;
        }
        return Cidr.isLiteral(host) || host.equals("localhost") || host.endsWith(".localhost")
                || allowedHosts.contains(host);
    }

    /** Whether a page on {@code origin} may use trafficviz reached as {@code hostHeader}: its own page, or configured. */
    boolean originAllowed(String origin, String hostHeader) {
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return false; // "null" (sandboxed frames, file: pages) lands here too: never allowed
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            return false;
        }
        int standard = scheme.equals("https") ? 443 : 80;
        int port = uri.getPort() < 0 ? standard : uri.getPort();
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains(scheme + "://" + host + (port == standard ? "" : ":" + port))) {
            return true;
        }
        if (hostHeader == null) {
            return false;
        }
        // The page's own origin: same host and port as the request reached. The scheme is not compared, since TLS
        // may end at a reverse proxy in front (the page is https, the request arriving here http).
        String requestHost = hostOnly(hostHeader);
        int requestPort = portOf(hostHeader, standard);
        return host.equals(requestHost) && port == requestPort;
    }

    /** The host part of a {@code Host} header, lower case, without port or trailing dot; null when malformed. */
    static String hostOnly(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.isEmpty() ? null : h;
    }

    private static int portOf(String hostHeader, int fallback) {
        String h = hostHeader.trim();
        int afterAddress = h.startsWith("[") ? h.indexOf(']') + 1 : 0;
        int colon = h.indexOf(':', afterAddress);
        if (colon < 0) {
            return fallback;
        }
        try {
            return Integer.parseInt(h.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void refuse(HttpServletRequest req, HttpServletResponse res, int status, String message)
            throws IOException {
        refused.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastLogMillis > 60_000) { // a hostile page may retry in a loop
            lastLogMillis = now;
            log.warn("refused {} {} from {} with {}: {} ({} refused so far)", req.getMethod(), clip(req.getRequestURI()),
                    req.getRemoteAddr(), status, message, refused.get());
        }
        res.setStatus(status);
        res.setContentType("text/plain; charset=utf-8");
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("Connection", "close");
        res.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    long refusedCount() {
        return refused.get();
    }

    /** Header values echoed in errors and logs come from the request: keep them short and on one line. */
    private static String clip(String s) {
        if (s == null) {
            return "(none)";
        }
        String oneLine = s.replaceAll("[\\p{Cntrl}]", "?");
        return oneLine.length() > 100 ? oneLine.substring(0, 100) + "…" : oneLine;
    }
}
