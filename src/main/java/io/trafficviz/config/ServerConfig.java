package io.trafficviz.config;

import java.util.List;

/**
 * One server (a host or a Docker Compose project) with its proxies.
 *
 * @param trustedNetworks CIDRs whose callers a private proxy of this server should accept besides its own services
 */
public record ServerConfig(String name, List<ProxyConfig> proxies, List<Cidr> trustedNetworks) {
}
