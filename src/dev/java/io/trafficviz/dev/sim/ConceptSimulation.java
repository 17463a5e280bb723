package io.trafficviz.dev.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The concept's single server, simulated: outside users call the public proxy, which routes to the public
 * communicating service; it calls two private communicating services through the private proxy, and they call the
 * non-communicating service (which answers 400 about 40% of the time). Now and then a caller asks the private proxy for
 * a path no router matches (404 from Traefik itself), a user gives up (499), and a backend goes away (502).
 * As in the concept's prototype a communicating service answers 200 with what its callees returned, so the 400s stay
 * on the edges into the non-communicating service; with {@code propagateFailures} a failed call makes its caller answer
 * 502, all the way up to the outside user (as {@code service communicating --propagate-failures} does).
 *
 * <p>It writes what two real Traefik proxies would: JSON access logs and file-provider dynamic configs. It stands in
 * for Traefik only when no Traefik binary is available (the demo says so on screen); tests use real Traefik.
 */
public final class ConceptSimulation implements AutoCloseable {
    public static final String SERVER = "server-a";
    public static final String PUBLIC_NETWORK = "public-server-proxy-network";
    public static final String PRIVATE_NETWORK = "private-server-proxy-network";

    record Backend(String name, String ip) {
        String service() {
            return name + "@file";
        }

        String url() {
            return "http://" + ip + ":8080";
        }
    }

    static final Backend PUBLIC_SERVICE = new Backend("public-communicating-service", "172.25.0.3");
    static final Backend PRIVATE_1 = new Backend("private-communicating-service-1", "172.25.0.4");
    static final Backend PRIVATE_2 = new Backend("private-communicating-service-2", "172.25.0.5");
    static final Backend LEAF = new Backend("private-non-communicating-service", "172.25.0.6");
    static final String UNKNOWN_INSIDER = "172.25.0.99";

    private final Path dir;
    private final SplittableRandom random;
    private final boolean propagateFailures;
    private final BufferedWriter publicLog;
    private final BufferedWriter privateLog;
    private long requestCount;
    private int nextPort = 30000;

    public ConceptSimulation(Path dir, long seed) {
        this(dir, seed, false);
    }

    public ConceptSimulation(Path dir, long seed, boolean propagateFailures) {
        this.dir = dir;
        this.random = new SplittableRandom(seed);
        this.propagateFailures = propagateFailures;
        try {
            Files.createDirectories(dir.resolve("public-dynamic"));
            Files.createDirectories(dir.resolve("private-dynamic"));
            Files.writeString(dir.resolve("public-dynamic/routes.yml"), publicDynamicConfig());
            Files.writeString(dir.resolve("private-dynamic/routes.yml"), privateDynamicConfig());
            publicLog = open(publicLogPath());
            privateLog = open(privateLogPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedWriter open(Path path) throws IOException {
        return Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    public Path publicLogPath() {
        return dir.resolve("public-access.log");
    }

    public Path privateLogPath() {
        return dir.resolve("private-access.log");
    }

    /** A trafficviz config for this simulation, listening on {@code listen}. */
    public String trafficvizConfig(String listen) {
        return """
                # Written by the trafficviz demo: the concept's two proxies, simulated.
                listen: %s
                startAt: beginning
                limits:   # a demo's network is small: limits sized for it need a ~170 MB heap, not ~2 GB
                  maxEdges: 1000
                servers:
                  - name: %s
                    proxies:
                      - name: public-proxy
                        role: public
                        network: %s
                        dynamicConfig: %s
                        accessLog: %s
                      - name: private-proxy
                        role: private
                        network: %s
                        dynamicConfig: %s
                        accessLog: %s
                """.formatted(listen, SERVER, PUBLIC_NETWORK, dir.resolve("public-dynamic"), publicLogPath(),
                PRIVATE_NETWORK, dir.resolve("private-dynamic"), privateLogPath());
    }

    private static String publicDynamicConfig() {
        return """
                http:
                  routers:
                    public-communicating-service:
                      rule: Host(`public.localhost`)
                      service: public-communicating-service
                      entryPoints: [web]
                  services:
                    public-communicating-service:
                      loadBalancer:
                        servers:
                          - url: %s
                """.formatted(PUBLIC_SERVICE.url());
    }

    private static String privateDynamicConfig() {
        StringBuilder b = new StringBuilder("http:\n  routers:\n");
        for (Backend s : List.of(PRIVATE_1, PRIVATE_2, LEAF)) {
            String prefix = "/" + s.name().replace("private-", "");
            b.append("    ").append(s.name()).append(":\n")
                    .append("      rule: PathPrefix(`").append(prefix).append("`)\n")
                    .append("      service: ").append(s.name()).append("\n      entryPoints: [web]\n");
        }
        b.append("  services:\n");
        for (Backend s : List.of(PRIVATE_1, PRIVATE_2, LEAF)) {
            b.append("    ").append(s.name()).append(":\n      loadBalancer:\n        servers:\n          - url: ")
                    .append(s.url()).append('\n');
        }
        return b.toString();
    }

    /** Simulates one outside user's request and everything it causes; lines are written when each request ends. */
    public void userRequest(long nowMillis) throws IOException {
        String user = "203.0.113." + (10 + random.nextInt(40));
        List<String> privateLines = new ArrayList<>();
        long publicMillis;
        int publicStatus;
        double dice = random.nextDouble();
        if (dice < 0.03) {
            // Someone inside the network that no proxy knows about asks the private proxy for something unrouted.
            privateLines.add(TraefikLineWriter.json(new TraefikLineWriter.Request(nowMillis, UNKNOWN_INSIDER, port(),
                    "GET", "private-server-proxy", "/admin", 404, 19, 90_000, null, null, null, null,
                    PRIVATE_NETWORK, ++requestCount)));
        }
        long spent = 0;
        boolean backendDown = random.nextDouble() < 0.04;
        boolean anyCallFailed = false;
        for (Backend mid : List.of(PRIVATE_1, PRIVATE_2)) {
            long leafNanos = millis(2, 30);
            int leafStatus = random.nextDouble() < 0.4 ? 400 : 200;
            privateLines.add(line(nowMillis + spent, mid, LEAF, "/non-communicating/endpoint?query_param=123",
                    leafStatus, leafNanos));
            long midNanos = leafNanos + millis(1, 8);
            boolean midDown = backendDown && mid == PRIVATE_2;
            int midStatus = midDown || (propagateFailures && leafStatus != 200) ? 502 : 200;
            anyCallFailed |= midStatus != 200;
            privateLines.add(line(nowMillis + spent, PUBLIC_SERVICE, mid, "/" + mid.name().replace("private-", ""),
                    midStatus, midNanos));
            spent += midNanos / 1_000_000;
        }
        publicStatus = random.nextDouble() < 0.03 ? 499 : (propagateFailures && anyCallFailed ? 502 : 200);
        publicMillis = spent + 2;
        String publicLine = TraefikLineWriter.json(new TraefikLineWriter.Request(nowMillis, user, port(), "GET",
                "public.localhost", "/", publicStatus, 64, publicMillis * 1_000_000, PUBLIC_SERVICE.service(),
                PUBLIC_SERVICE.service(), PUBLIC_SERVICE.url(), PUBLIC_SERVICE.ip() + ":8080", PUBLIC_NETWORK,
                ++requestCount));
        for (String l : privateLines) {
            privateLog.write(l);
            privateLog.write('\n');
        }
        privateLog.flush();
        publicLog.write(publicLine);
        publicLog.write('\n');
        publicLog.flush();
    }

    /**
     * A scanner on the internet probing the public proxy for a path no router matches: Traefik answers 404 itself (the
     * noise the page's switch hides).
     */
    public void scannerRequest(long nowMillis, String address) throws IOException {
        publicLog.write(TraefikLineWriter.json(new TraefikLineWriter.Request(nowMillis, address, port(), "GET",
                "public.localhost", "/.env", 404, 19, 60_000, null, null, null, null, PUBLIC_NETWORK, ++requestCount)));
        publicLog.write('\n');
        publicLog.flush();
    }

    private String line(long start, Backend caller, Backend target, String path, int status, long nanos) {
        return TraefikLineWriter.json(new TraefikLineWriter.Request(start, caller.ip(), port(), "GET",
                "private-server-proxy", path, status, status == 200 ? 44 : 21, nanos, target.service(),
                target.service(), target.url(), target.ip() + ":8080", PRIVATE_NETWORK, ++requestCount));
    }

    private long millis(int min, int max) {
        return (min + random.nextInt(max - min)) * 1_000_000L + random.nextInt(1_000_000);
    }

    private int port() {
        nextPort = nextPort >= 60999 ? 30000 : nextPort + 1;
        return nextPort;
    }

    @Override
    public void close() throws IOException {
        publicLog.close();
        privateLog.close();
    }
}
