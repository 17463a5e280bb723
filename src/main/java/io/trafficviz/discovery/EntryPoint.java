package io.trafficviz.discovery;

/**
 * A Traefik entry point (a listening socket).
 *
 * @param name    entry point name, e.g. {@code web}
 * @param address listen address as Traefik reports it, e.g. {@code :80} or {@code 127.0.0.1:8080}; may be null
 */
public record EntryPoint(String name, String address) {
}
