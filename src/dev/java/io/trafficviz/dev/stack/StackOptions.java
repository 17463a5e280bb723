package io.trafficviz.dev.stack;

import java.nio.file.Path;

/**
 * How to run a {@link MultiServerStack}. Start from {@link #defaults()} and change what you need.
 *
 * @param traefikBinary        Traefik to run, or null to {@link TraefikBinary#locate() locate} one
 * @param trafficvizPort       port for trafficviz's HTTP server on 127.0.0.1; 0 picks a free one
 * @param startTrafficviz      whether to run trafficviz in-process over the two proxies
 * @param leafErrorRate        share of requests the non-communicating service answers 400
 * @param seed                 seed of the non-communicating service's random choices
 * @param leafMinLatencyMillis shortest delay of the non-communicating service
 * @param leafMaxLatencyMillis longest delay of the non-communicating service
 * @param callTimeoutMillis    how long a communicating service or the load generator waits for an answer
 * @param maxInFlight          the load generator's cap on outstanding requests
 * @param workDir              where configs and logs go, or null for a new temp directory
 * @param keepWorkDir          keep the work directory after {@link MultiServerStack#close()} (a given workDir is always kept)
 * @param isolation            how workloads get addresses of their own
 * @param propagateFailures    communicating services answer 502 when a call failed, instead of the concept's 200
 */
public record StackOptions(Path traefikBinary, int trafficvizPort, boolean startTrafficviz, double leafErrorRate,
                           long seed, int leafMinLatencyMillis, int leafMaxLatencyMillis, int callTimeoutMillis,
                           int maxInFlight, Path workDir, boolean keepWorkDir, Isolation isolation,
                           boolean propagateFailures) {

    /**
     * {@code LOOPBACK}: every workload in this JVM on an address of its own in 127.0.0.0/8. {@code NAMESPACES}: every
     * service a process in a network namespace of its own (root and {@code ip} needed). {@code AUTO}: for one server,
     * loopback when distinct addresses can be had, else namespaces when possible, else one shared loopback address; for
     * several, namespaces when possible, else distinct loopback addresses.
     */
    public enum Isolation { AUTO, LOOPBACK, NAMESPACES }

    public static StackOptions defaults() {
        return new StackOptions(null, 0, true, 0.4, 42L, 5, 60, 10_000, 32, null, false, Isolation.AUTO, false);
    }

    public StackOptions withIsolation(Isolation i) {
        return new StackOptions(traefikBinary, trafficvizPort, startTrafficviz, leafErrorRate, seed, leafMinLatencyMillis,
                leafMaxLatencyMillis, callTimeoutMillis, maxInFlight, workDir, keepWorkDir, i, propagateFailures);
    }

    public StackOptions withTraefikBinary(Path p) {
        return new StackOptions(p, trafficvizPort, startTrafficviz, leafErrorRate, seed, leafMinLatencyMillis,
                leafMaxLatencyMillis, callTimeoutMillis, maxInFlight, workDir, keepWorkDir, isolation, propagateFailures);
    }

    public StackOptions withTrafficvizPort(int port) {
        return new StackOptions(traefikBinary, port, startTrafficviz, leafErrorRate, seed, leafMinLatencyMillis,
                leafMaxLatencyMillis, callTimeoutMillis, maxInFlight, workDir, keepWorkDir, isolation, propagateFailures);
    }

    public StackOptions withStartTrafficviz(boolean start) {
        return new StackOptions(traefikBinary, trafficvizPort, start, leafErrorRate, seed, leafMinLatencyMillis,
                leafMaxLatencyMillis, callTimeoutMillis, maxInFlight, workDir, keepWorkDir, isolation, propagateFailures);
    }

    public StackOptions withLeaf(double errorRate, long seed, int minLatencyMillis, int maxLatencyMillis) {
        return new StackOptions(traefikBinary, trafficvizPort, startTrafficviz, errorRate, seed, minLatencyMillis,
                maxLatencyMillis, callTimeoutMillis, maxInFlight, workDir, keepWorkDir, isolation, propagateFailures);
    }

    public StackOptions withWorkDir(Path dir, boolean keep) {
        return new StackOptions(traefikBinary, trafficvizPort, startTrafficviz, leafErrorRate, seed, leafMinLatencyMillis,
                leafMaxLatencyMillis, callTimeoutMillis, maxInFlight, dir, keep, isolation, propagateFailures);
    }

    public StackOptions withPropagateFailures(boolean propagate) {
        return new StackOptions(traefikBinary, trafficvizPort, startTrafficviz, leafErrorRate, seed, leafMinLatencyMillis,
                leafMaxLatencyMillis, callTimeoutMillis, maxInFlight, workDir, keepWorkDir, isolation, propagate);
    }
}
