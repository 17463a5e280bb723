package io.trafficviz.resolve;

import io.trafficviz.discovery.AddressIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the configured proxies can be reached, so that a backend URL naming one of them (a gateway's backends are
 * the servers' public proxies) is recognised as that proxy rather than taken for a service.
 *
 * <p>Two sources, checked in this order:
 * <ol>
 *   <li>{@code host:port} of the proxy's entry points as its discovery reports them ({@code /api/entrypoints}); an
 *       entry point on every interface ({@code :80}, {@code 0.0.0.0:80}) counts at each of the proxy's configured
 *       {@code addresses};</li>
 *   <li>the proxy's configured {@code addresses}, at any port. An address two proxies share (two proxies on one
 *       machine) names neither this way: only its entry points (1) tell them apart.</li>
 * </ol>
 * Not thread-safe: the resolver's owner serialises access (the pipeline lock).
 */
final class ProxyEndpoints {
    private final Map<String, List<ProxyContext>> byAddress = new HashMap<>();
    private final Map<ProxyContext, List<String>> addressesOf = new HashMap<>();
    private final Map<ProxyContext, List<String>> entryPoints = new LinkedHashMap<>();
    private Map<String, ProxyContext> byEndpoint = Map.of();
    private long version;

    /** Registers a proxy's configured {@code addresses}. */
    void addConfigured(ProxyContext ctx, List<String> addresses) {
        List<String> normalized = new ArrayList<>();
        for (String a : addresses) {
            String n = AddressIndex.normalizeAddress(a);
            normalized.add(n);
            List<ProxyContext> owners = byAddress.computeIfAbsent(n, k -> new ArrayList<>(1));
            if (!owners.contains(ctx)) {
                owners.add(ctx);
            }
        }
        addressesOf.put(ctx, List.copyOf(normalized));
        version++;
    }

    /**
     * Replaces a proxy's entry-point listen addresses (as Traefik reports them: {@code 127.0.0.1:8081}, {@code :80},
     * {@code [::1]:80/udp}). Returns whether anything changed.
     */
    boolean setEntryPoints(ProxyContext ctx, List<String> listenAddresses) {
        List<String> endpoints = new ArrayList<>();
        for (String listen : listenAddresses) {
            if (listen == null) {
                continue;
            }
            String text = listen.trim();
            int slash = text.indexOf('/');
            if (slash >= 0) {
                text = text.substring(0, slash); // ":53/udp"
            }
            HostPort hp = HostPort.parseAuthority(text, -1);
            if (hp == null || hp.port() < 0) {
                continue;
            }
            if (hp.host().isEmpty() || hp.host().equals("0.0.0.0") || hp.host().equals("::")) {
                for (String address : addressesOf.getOrDefault(ctx, List.of())) {
                    endpoints.add(HostPort.key(address, hp.port()));
                }
            } else {
                endpoints.add(HostPort.key(hp.host(), hp.port()));
            }
        }
        if (endpoints.equals(entryPoints.get(ctx))) {
            return false;
        }
        entryPoints.put(ctx, List.copyOf(endpoints));
        Map<String, ProxyContext> next = new HashMap<>();
        entryPoints.forEach((proxy, list) -> list.forEach(e -> next.putIfAbsent(e, proxy)));
        byEndpoint = next;
        version++;
        return true;
    }

    /** The proxy a backend URL ({@code http://10.0.0.2:80}, {@code 10.0.0.2:80}) reaches, or null. */
    ProxyContext at(String url) {
        HostPort hp = HostPort.parseUrl(url);
        if (hp == null) {
            return null;
        }
        if (hp.port() >= 0) {
            ProxyContext exact = byEndpoint.get(HostPort.key(hp.host(), hp.port()));
            if (exact != null) {
                return exact;
            }
        }
        List<ProxyContext> owners = byAddress.get(hp.host());
        return owners != null && owners.size() == 1 ? owners.get(0) : null;
    }

    /** Changes whenever what {@link #at} answers may have changed. */
    long version() {
        return version;
    }

    /** A host (normalized like the address index does) and a port (-1 when unknown). */
    record HostPort(String host, int port) {
        HostPort {
            Objects.requireNonNull(host, "host");
        }

        static String key(String host, int port) {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }

        /** {@code scheme://[user@]host[:port][/path]}; the port defaults by scheme (http 80, https 443). */
        static HostPort parseUrl(String url) {
            if (url == null || url.isBlank()) {
                return null;
            }
            String rest = url.trim();
            int defaultPort = -1;
            int scheme = rest.indexOf("://");
            if (scheme >= 0) {
                String s = rest.substring(0, scheme).toLowerCase(Locale.ROOT);
                defaultPort = s.equals("https") ? 443 : s.equals("http") || s.equals("h2c") ? 80 : -1;
                rest = rest.substring(scheme + 3);
            }
            int end = rest.length();
            for (int i = 0; i < rest.length(); i++) {
                if ("/?#".indexOf(rest.charAt(i)) >= 0) {
                    end = i;
                    break;
                }
            }
            String authority = rest.substring(0, end);
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            HostPort hp = parseAuthority(authority, defaultPort);
            return hp == null || hp.host().isEmpty() ? null : hp;
        }

        /** {@code host:port}, {@code [v6]:port}, {@code :port}, a bare host or a bare IPv6 literal. */
        static HostPort parseAuthority(String authority, int defaultPort) {
            String host;
            String portText = null;
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                if (close < 0) {
                    return null;
                }
                host = authority.substring(1, close);
                String after = authority.substring(close + 1);
                if (after.startsWith(":")) {
                    portText = after.substring(1);
                }
            } else {
                int colon = authority.indexOf(':');
                if (colon >= 0 && colon == authority.lastIndexOf(':')) {
                    host = authority.substring(0, colon);
                    portText = authority.substring(colon + 1);
                } else {
                    host = authority; // no port, or a bare IPv6 literal
                }
            }
            int port = defaultPort;
            if (portText != null && !portText.isEmpty()) {
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    return null;
                }
                if (port < 0 || port > 65535) {
                    return null;
                }
            }
            return new HostPort(host.isEmpty() ? "" : AddressIndex.normalizeAddress(host), port);
        }
    }
}
