package io.trafficviz.source.push;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the push source ({@code POST /ingest}, OTLP {@code POST /v1/logs}), beside it as the tailer's
 * {@code TailerOptions} are beside it; built from the YAML config by the wiring.
 *
 * @param token            the bearer token pushes must carry, or null: then only loopback senders are accepted
 * @param maxBodyBytes     the largest request body accepted, counted after decompression
 * @param proxiesByServer  the configured proxies, server by server, in config order: which names a push may claim
 */
public record PushOptions(String token, long maxBodyBytes, Map<String, List<String>> proxiesByServer) {
    public PushOptions {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        proxiesByServer.forEach((server, proxies) -> copy.put(server, List.copyOf(proxies)));
        proxiesByServer = java.util.Collections.unmodifiableMap(copy);
    }
}
