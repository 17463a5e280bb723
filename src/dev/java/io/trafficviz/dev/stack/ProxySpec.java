package io.trafficviz.dev.stack;

import java.net.URI;
import java.util.List;

/**
 * One Traefik proxy of the stack: where it listens, what it routes, and the network name it stamps on requests.
 *
 * @param name       proxy name, e.g. {@code public-proxy}
 * @param role       {@code public}, {@code private} or {@code gateway}, as trafficviz's config wants it
 * @param network    value of the {@code X-Network-Name} header this proxy adds (and trafficviz's network)
 * @param host       address the traffic entry point listens on
 * @param webPort    the entry point for traffic
 * @param apiHost    address the API entry point listens on
 * @param apiPort    the entry point serving the API
 * @param routes     routers, each to a service with one server
 */
public record ProxySpec(String name, String role, String network, String host, int webPort, String apiHost, int apiPort,
                        List<Route> routes) {

    public static final String NETWORK_HEADER = "X-Network-Name";
    public static final String MIDDLEWARE = "network-name";

    /** A router (named like its service) with a Traefik rule, sending to its backend URLs (round robin). */
    public record Route(String service, String rule, List<URI> backends) {
        public Route {
            if (backends.isEmpty()) {
                throw new IllegalArgumentException("route " + service + " has no backend");
            }
            backends = List.copyOf(backends);
        }

        public Route(String service, String rule, URI backend) {
            this(service, rule, List.of(backend));
        }

        /** The first backend. */
        public URI backend() {
            return backends.get(0);
        }
    }

    public ProxySpec {
        routes = List.copyOf(routes);
    }

    public URI webUri() {
        return URI.create("http://" + host + ":" + webPort);
    }

    public URI apiUri() {
        return URI.create("http://" + apiHost + ":" + apiPort);
    }
}
