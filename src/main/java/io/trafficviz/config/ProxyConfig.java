package io.trafficviz.config;

/**
 * One Traefik proxy.
 *
 * @param api           base URL of its API (e.g. {@code http://127.0.0.1:8081}), or null
 * @param dynamicConfig a file-provider dynamic-config directory or file used for discovery when no API is reachable, or null
 * @param accessLog     its access-log file, or null when its lines arrive only by push
 * @param addresses     addresses the proxy itself sends from (so a proxy calling another proxy is recognised)
 */
public record ProxyConfig(String name, Role role, String network, String api, String dynamicConfig, String accessLog,
                          String format, java.util.List<String> addresses) {
    public enum Role { PUBLIC, PRIVATE, GATEWAY;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
