package io.trafficviz.resolve;

/**
 * A backend Traefik knows: the service it belongs to and where it was discovered.
 *
 * @param server  the server whose proxy lists it
 * @param name    the service name without {@code @provider}
 * @param network the network of the proxy that lists it
 */
public record Workload(String server, String name, String network) {
}
