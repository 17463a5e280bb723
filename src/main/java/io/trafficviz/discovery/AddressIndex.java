package io.trafficviz.discovery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which service is behind an address: built from the services' server URLs so that an access-log line's caller
 * ({@code ClientHost}, an IP) can be recognised as a known service. Ports are ignored, because a caller's source
 * port is ephemeral and says nothing about which service it is.
 *
 * <p>Keys are IP addresses in canonical text form (see {@link #normalizeAddress}) and, in addition, the lower-cased
 * host names written in the URLs (so a log's {@code ServiceAddr} such as {@code whoami:80} can be matched too).
 * When several services share an address the first service in inventory order keeps it.
 *
 * <p>{@link #build} resolves DNS names and may block for as long as the resolver does: call it from a background
 * thread (the {@link DiscoveryPoller} does), never on the log-ingest path. {@link #serviceAt} is a cheap lookup.
 *
 * @param serviceByAddress  normalized address or host name → qualified service name
 * @param unresolvableHosts host names from server URLs that did not resolve, in the order first met
 */
public record AddressIndex(Map<String, String> serviceByAddress, List<String> unresolvableHosts) {

    /** Resolves a host name to its addresses; the seam tests use instead of real DNS. */
    @FunctionalInterface
    public interface HostResolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** The JVM's resolver ({@link InetAddress#getAllByName}), with the JVM's DNS cache. */
    public static final HostResolver SYSTEM_RESOLVER = host -> List.of(InetAddress.getAllByName(host));

    /** An index that knows no address. */
    public static final AddressIndex EMPTY = new AddressIndex(Map.of(), List.of());

    private static final Logger LOG = LoggerFactory.getLogger(AddressIndex.class);
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[\\w.-]+)?");

    public AddressIndex {
        serviceByAddress = Collections.unmodifiableMap(new LinkedHashMap<>(serviceByAddress));
        unresolvableHosts = List.copyOf(unresolvableHosts);
    }

    /** Builds the index of an inventory's services with the system resolver. */
    public static AddressIndex build(ProxyInventory inventory) {
        return build(inventory.services(), SYSTEM_RESOLVER);
    }

    /**
     * Builds the index, resolving each distinct host name once. A name that does not resolve is listed in
     * {@link #unresolvableHosts()} (and still indexed as a name); it never makes the build fail.
     */
    public static AddressIndex build(Collection<Service> services, HostResolver resolver) {
        Map<String, String> serviceByAddress = new LinkedHashMap<>();
        Set<String> unresolvable = new LinkedHashSet<>();
        Map<String, List<String>> resolved = new HashMap<>();
        for (Service service : services) {
            for (String url : service.serverUrls()) {
                Optional<String> host = hostOf(url);
                if (host.isEmpty()) {
                    LOG.debug("service {}: no host in server URL {}", service.name(), url);
                    continue;
                }
                if (isIpLiteral(host.get())) {
                    serviceByAddress.putIfAbsent(normalizeAddress(host.get()), service.name());
                    continue;
                }
                String name = host.get();
                serviceByAddress.putIfAbsent(name, service.name());
                List<String> addresses = resolved.computeIfAbsent(name, n -> resolve(n, resolver, unresolvable));
                addresses.forEach(address -> serviceByAddress.putIfAbsent(address, service.name()));
            }
        }
        return new AddressIndex(serviceByAddress, new ArrayList<>(unresolvable));
    }

    /** The qualified name of the service at this address or host name (any port or brackets are ignored). */
    public Optional<String> serviceAt(String address) {
        if (address == null || address.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(serviceByAddress.get(normalizeAddress(stripPort(address.trim()))));
    }

    /**
     * The host of a server URL: {@code http://private-service:80/} → {@code private-service},
     * {@code http://[fd00::3]:8080} → {@code fd00::3}. Tolerates a missing scheme, credentials and underscores
     * (which {@link java.net.URI} rejects but docker container names may contain).
     */
    public static Optional<String> hostOf(String serverUrl) {
        if (serverUrl == null) {
            return Optional.empty();
        }
        String rest = serverUrl.trim();
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            rest = rest.substring(scheme + 3);
        }
        int end = indexOfAny(rest, "/?#");
        String authority = end < 0 ? rest : rest.substring(0, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        String host = stripPort(authority);
        return host.isEmpty() ? Optional.empty() : Optional.of(host.toLowerCase(Locale.ROOT));
    }

    /** True for an IPv4 or IPv6 literal (without brackets); false for anything that would need DNS. */
    public static boolean isIpLiteral(String host) {
        if (host == null) {
            return false;
        }
        var v4 = IPV4.matcher(host);
        if (v4.matches()) {
            for (int group = 1; group <= 4; group++) {
                if (Integer.parseInt(v4.group(group)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (!IPV6.matcher(host).matches()) {
            return false;
        }
        try {
            // Safe: a string with ':' is parsed as an IPv6 literal and never looked up.
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The canonical text of an address, as Go (and so Traefik's access log) prints it: IPv4 dotted, IPv6 in
     * RFC 5952 short form without zone ({@code 0:0:0:0:0:0:0:1} → {@code ::1}), IPv4-mapped IPv6 as IPv4.
     * Brackets are removed; anything that is not an IP literal is lower-cased.
     */
    public static String normalizeAddress(String address) {
        String text = address.trim();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (!isIpLiteral(text)) {
            return text.toLowerCase(Locale.ROOT);
        }
        try {
            return canonical(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    private static List<String> resolve(String host, HostResolver resolver, Set<String> unresolvable) {
        try {
            List<String> addresses = new ArrayList<>();
            for (InetAddress address : resolver.resolve(host)) {
                addresses.add(canonical(address));
            }
            return addresses;
        } catch (UnknownHostException | RuntimeException e) {
            LOG.debug("cannot resolve {}: {}", host, e.toString());
            unresolvable.add(host);
            return List.of();
        }
    }

    private static String canonical(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        return compressIpv6(address.getAddress());
    }

    /** RFC 5952: lower-case hex, no leading zeros, the longest run (2+) of zero groups as "::". */
    private static String compressIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** {@code host:port} → host, {@code [v6]:port} → v6, a bare IPv6 literal stays whole. */
    private static String stripPort(String authority) {
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? authority.substring(1) : authority.substring(1, close);
        }
        int colon = authority.indexOf(':');
        if (colon >= 0 && colon == authority.lastIndexOf(':')) {
            return authority.substring(0, colon);
        }
        return authority;
    }

    private static int indexOfAny(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
