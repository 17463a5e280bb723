package io.trafficviz.discovery;

import java.util.List;

/**
 * An HTTP router.
 *
 * @param name        qualified name as Traefik gives it, e.g. {@code api@internal}
 * @param rule        the matching rule, e.g. {@code PathPrefix(`/api`)}; may be null
 * @param service     qualified name of the service the router forwards to; qualified with the router's provider
 *                    when the configuration left it unqualified, as Traefik itself does; may be null
 * @param entryPoints entry points the router listens on (never null); from a file-provider configuration, empty
 *                    when the router did not name any (Traefik then attaches it to every default entry point)
 * @param status      {@code enabled|disabled|warning} as Traefik reports it; null when unknown (file provider)
 * @param provider    provider name, e.g. {@code file}, {@code docker}, {@code internal}
 */
public record Router(String name, String rule, String service, List<String> entryPoints, String status,
                     String provider) {
    public Router {
        entryPoints = entryPoints == null ? List.of() : List.copyOf(entryPoints);
    }
}
