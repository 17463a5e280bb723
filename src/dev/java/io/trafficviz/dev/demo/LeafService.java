package io.trafficviz.dev.demo;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The non-communicating service: a leaf that returns some data after a random delay and answers 400 for a configurable
 * share of requests, drawn from a seeded random generator so a run can be repeated.
 */
public final class LeafService extends DemoService {
    private final double errorRate;
    private final int minLatencyMillis;
    private final int maxLatencyMillis;
    private final Random random;

    /**
     * @param errorRate        share of requests answered 400, 0..1
     * @param minLatencyMillis shortest delay before answering
     * @param maxLatencyMillis longest delay (inclusive)
     */
    public LeafService(String name, InetSocketAddress bind, double errorRate, long seed, int minLatencyMillis,
                       int maxLatencyMillis) {
        super(name, bind);
        if (errorRate < 0 || errorRate > 1) {
            throw new IllegalArgumentException("errorRate must be within 0..1: " + errorRate);
        }
        if (minLatencyMillis < 0 || maxLatencyMillis < minLatencyMillis) {
            throw new IllegalArgumentException("need 0 <= minLatency <= maxLatency: " + minLatencyMillis + ".." + maxLatencyMillis);
        }
        this.errorRate = errorRate;
        this.minLatencyMillis = minLatencyMillis;
        this.maxLatencyMillis = maxLatencyMillis;
        this.random = new Random(seed);
    }

    @Override
    protected Reply handle(String method, URI requestUri, Map<String, String> headers) {
        boolean fail;
        int latency;
        synchronized (random) {
            fail = random.nextDouble() < errorRate;
            latency = minLatencyMillis + random.nextInt(maxLatencyMillis - minLatencyMillis + 1);
        }
        if (latency > 0) {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", name());
        body.put("path", requestUri.getPath());
        body.put("latencyMs", latency);
        if (fail) {
            body.put("error", "bad request (simulated)");
            return new Reply(400, body);
        }
        body.put("data", Map.of("value", latency * 7 % 100, "network", String.valueOf(headers.get("x-network-name"))));
        return new Reply(200, body);
    }
}
