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
 * @param maxOpenBodies    pushes read at once, each holding at most {@link #BYTES_PER_OPEN_BODY} of heap; the wiring
 *                         derives it from the heap the JVM has ({@link #openBodiesFor})
 */
public record PushOptions(String token, long maxBodyBytes, Map<String, List<String>> proxiesByServer,
                          int maxOpenBodies) {
    /**
     * What one push being read can hold: its read buffer, a line cut at {@code PushPayload.MAX_LINE_BYTES} (or one
     * OTLP record), the batch on its way to ingest and the parser's buffers, rounded up.
     */
    public static final long BYTES_PER_OPEN_BODY = 1L << 20;

    public PushOptions {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        if (maxOpenBodies < 1) {
            throw new IllegalArgumentException("maxOpenBodies must be positive: " + maxOpenBodies);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        proxiesByServer.forEach((server, proxies) -> copy.put(server, List.copyOf(proxies)));
        proxiesByServer = java.util.Collections.unmodifiableMap(copy);
    }

    public PushOptions(String token, long maxBodyBytes, Map<String, List<String>> proxiesByServer) {
        this(token, maxBodyBytes, proxiesByServer, openBodiesFor(Runtime.getRuntime().maxMemory()));
    }

    /** A sixteenth of the heap for pushes being read: 16 at -Xmx256m, never fewer than 4 nor more than 256. */
    public static int openBodiesFor(long maxHeapBytes) {
        return (int) Math.max(4, Math.min(256, maxHeapBytes / 16 / BYTES_PER_OPEN_BODY));
    }
}
