package io.trafficviz.discovery;

import java.util.List;

/**
 * An HTTP service.
 *
 * @param name       qualified name, e.g. {@code whoami@docker}
 * @param type       {@code loadbalancer|weighted|mirroring|failover|highestrandomweight|...} as Traefik names it;
 *                   {@code unknown} when Traefik gives none (its internal services)
 * @param provider   provider name, e.g. {@code file}
 * @param serverUrls the load balancer's server URLs, e.g. {@code http://172.25.0.3:80}; empty for other types
 * @param status     {@code enabled|disabled|warning} as Traefik reports it; null when unknown (file provider)
 * @param children   qualified names of the services a weighted/mirroring/failover service sends to
 */
public record Service(String name, String type, String provider, List<String> serverUrls, String status,
                      List<String> children) {
    public static final String TYPE_LOAD_BALANCER = "loadbalancer";
    public static final String TYPE_UNKNOWN = "unknown";

    public Service {
        serverUrls = serverUrls == null ? List.of() : List.copyOf(serverUrls);
        children = children == null ? List.of() : List.copyOf(children);
    }
}
