package io.trafficviz.dev.generate;

import io.trafficviz.dev.sim.TraefikLineWriter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Deterministic (by seed) Traefik access logs for benchmarks: many servers, each with a public and a private proxy,
 * services calling each other through the private proxy, outside users through the public one, a few unknown private
 * callers and outsiders, a realistic status mix (2xx mostly, 3xx, 4xx, 5xx, 499, Traefik's own no-router 404s) and
 * many distinct paths (ids in paths).
 *
 * <p>{@link #writeFiles} writes one access log per proxy, a file-provider dynamic config per proxy with the service
 * addresses (so callers resolve to services exactly as with real Traefik discovery), and a trafficviz config naming
 * them all. {@link #next} hands out the same stream of requests one by one (the live benchmarks append them to a
 * tailed file themselves). Lines are written by {@link TraefikLineWriter}, so they are what Traefik writes.
 *
 * <p>Topology, for server {@code i} (1-based, {@code sNNN}) with {@code K} services:
 * <ul>
 *   <li>services {@code svc-NN} at {@code 10.<i/256>.<i%256>.<10+k>}, the first quarter (at least one) published
 *       on the public proxy, all of them routed by the private proxy;</li>
 *   <li>the public proxy at {@code .2} on network {@code public-net}, the private proxy at {@code .3} on
 *       {@code private-net};</li>
 *   <li>public callers: 80% from a pool of 2,000 regular addresses, 20% from anywhere on the internet;</li>
 *   <li>private callers: the server's own services (90%; service k calls its dependencies k+1, k+3 and k+7), five
 *       unknown containers {@code 10.x.y.250-254} (5%), two services of neighbouring servers (3%, outsiders) and
 *       public addresses (2%, outsiders).</li>
 * </ul>
 */
public final class LogGenerator {
    public enum Format {
        JSON("json"), COMMON("common");

        final String configName;

        Format(String configName) {
            this.configName = configName;
        }

        public static Format parse(String s) {
            for (Format f : values()) {
                if (f.configName.equalsIgnoreCase(s)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("format must be json or common (was '" + s + "')");
        }
    }

    /** 2025-07-15T12:00:00Z: generated logs start here unless told otherwise. */
    public static final long DEFAULT_START_MILLIS = 1_752_580_800_000L;
    public static final String PUBLIC_PROXY = "public-proxy";
    public static final String PRIVATE_PROXY = "private-proxy";
    public static final String PUBLIC_NETWORK = "public-net";
    public static final String PRIVATE_NETWORK = "private-net";

    private static final String[] RESOURCES = {"users", "orders", "items", "carts", "invoices", "sessions", "reports",
            "files", "accounts", "events", "products", "payments"};
    private static final int REGULAR_PUBLIC_CALLERS = 2_000;
    private static final int UNKNOWN_PER_SERVER = 5;
    /** Service k calls services k+1, k+3 and k+7 (mod K) through the private proxy. */
    private static final int[] DEPENDENCY_OFFSETS = {1, 3, 7};

    /** One proxy of the generated topology; {@code index} is its position in {@link #proxies()}. */
    public record Proxy(int index, int server, String serverName, String name, boolean isPublic, String network,
                        String address) {
        public String logFileName() {
            return serverName + "/" + name + ".log";
        }

        public String dynamicDirName() {
            return serverName + "/" + name + "-dynamic";
        }
    }

    /** A generated request and the proxy that logged it. */
    public record Generated(Proxy proxy, TraefikLineWriter.Request request) {
        public String line(Format format) {
            return format == Format.JSON ? TraefikLineWriter.json(request) : TraefikLineWriter.common(request);
        }
    }

    /** What {@link #writeFiles} wrote. */
    public record Written(Path config, List<Path> logs, long lines, long bytes) {
    }

    private final int servers;
    private final int servicesPerServer;
    private final int paths;
    private final long seed;
    private final SplittableRandom random;
    private final List<Proxy> proxies = new ArrayList<>();
    private final long[] requestCounts;
    private final String[] regularCallers = new String[REGULAR_PUBLIC_CALLERS];
    private final int published;

    public LogGenerator(int servers, int servicesPerServer, int paths, long seed) {
        if (servers < 1 || servers > 65_535) {
            throw new IllegalArgumentException("servers must be 1..65535");
        }
        if (servicesPerServer < 1 || servicesPerServer > 230) {
            throw new IllegalArgumentException("services per server must be 1..230");
        }
        if (paths < 1) {
            throw new IllegalArgumentException("paths must be positive");
        }
        this.servers = servers;
        this.servicesPerServer = servicesPerServer;
        this.paths = paths;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.published = Math.max(1, servicesPerServer / 4);
        for (int s = 1; s <= servers; s++) {
            proxies.add(new Proxy(proxies.size(), s, serverName(s), PUBLIC_PROXY, true, PUBLIC_NETWORK, ip(s, 2)));
            proxies.add(new Proxy(proxies.size(), s, serverName(s), PRIVATE_PROXY, false, PRIVATE_NETWORK, ip(s, 3)));
        }
        this.requestCounts = new long[proxies.size()];
        SplittableRandom pool = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < regularCallers.length; i++) {
            regularCallers[i] = publicAddress(pool);
        }
    }

    public List<Proxy> proxies() {
        return List.copyOf(proxies);
    }

    public static String serverName(int server) {
        return String.format(Locale.ROOT, "s%03d", server);
    }

    public static String serviceName(int service) {
        return String.format(Locale.ROOT, "svc-%02d", service);
    }

    /** {@code 10.<server/256>.<server%256>.<host>}. */
    public static String ip(int server, int host) {
        return "10." + (server >> 8) + "." + (server & 0xFF) + "." + host;
    }

    public static String serviceIp(int server, int service) {
        return ip(server, 10 + service);
    }

    /** Nodes the generated traffic makes at most: proxies, services, external and unknown callers. */
    public int expectedNodes() {
        return servers * (2 + servicesPerServer + 2 + UNKNOWN_PER_SERVER);
    }

    /** The next request, at {@code startMillis}. Deterministic: the n-th call returns the same thing for one seed. */
    public Generated next(long startMillis) {
        SplittableRandom r = random;
        int server = 1 + r.nextInt(servers);
        boolean toPublic = r.nextInt(100) < 35;
        Proxy proxy = proxies.get((server - 1) * 2 + (toPublic ? 0 : 1));
        String caller;
        int callerService = -1;
        int callerKey = -1; // unknown and outsider callers also call a few services each, not all of them
        if (toPublic) {
            caller = r.nextInt(100) < 80 ? regularCallers[r.nextInt(regularCallers.length)] : publicAddress(r);
        } else {
            int dice = r.nextInt(100);
            if (dice < 90) {
                callerService = r.nextInt(servicesPerServer);
                caller = serviceIp(server, callerService);
            } else if (dice < 95) {
                callerKey = r.nextInt(UNKNOWN_PER_SERVER);
                caller = ip(server, 250 + callerKey);
            } else if (dice < 98 && servers > 1) {
                // Two fixed neighbours' services make the outsider edges: few, but always the same ones.
                int neighbour = (server + (r.nextBoolean() ? 0 : 1)) % servers + 1;
                callerKey = (server + neighbour) % servicesPerServer;
                caller = serviceIp(neighbour, callerKey);
            } else {
                caller = publicAddress(r);
            }
        }
        boolean noRouter = r.nextInt(1000) < 10;
        int target = -1;
        if (!noRouter) {
            if (toPublic) {
                target = r.nextInt(published);
            } else if (callerService >= 0) {
                // A service calls its few dependencies, not the whole server: a mesh, not a clique.
                target = (callerService + DEPENDENCY_OFFSETS[r.nextInt(DEPENDENCY_OFFSETS.length)]) % servicesPerServer;
            } else if (callerKey >= 0) {
                target = (callerKey * 5 + DEPENDENCY_OFFSETS[r.nextInt(DEPENDENCY_OFFSETS.length)]) % servicesPerServer;
            } else {
                target = r.nextInt(servicesPerServer);
            }
        }
        String method = method(r);
        String path = path(r, target);
        int status = noRouter ? 404 : status(r);
        long durationNanos = noRouter ? 20_000 + r.nextInt(80_000) : duration(r, status);
        long size = status == 204 || status == 304 ? 0 : noRouter ? 19 : 80 + r.nextInt(r.nextInt(100) < 5 ? 500_000 : 8_000);
        String host = toPublic ? (target < 0 ? "www.example.com" : serviceName(target) + ".example.com") : PRIVATE_PROXY;
        String service = target < 0 ? null : serviceName(target) + "@file";
        String serviceIp = target < 0 ? null : serviceIp(server, target);
        TraefikLineWriter.Request request = new TraefikLineWriter.Request(startMillis, caller, 30_000 + r.nextInt(31_000),
                method, host, path, status, size, durationNanos, service == null ? null : serviceName(target) + "@file",
                service, serviceIp == null ? null : "http://" + serviceIp + ":8080",
                serviceIp == null ? null : serviceIp + ":8080", proxy.network(), ++requestCounts[proxy.index()]);
        return new Generated(proxy, request);
    }

    private static String method(SplittableRandom r) {
        int m = r.nextInt(100);
        return m < 75 ? "GET" : m < 90 ? "POST" : m < 95 ? "PUT" : m < 98 ? "DELETE" : "PATCH";
    }

    /** {@code /<resource>/<id>[?page=n]}; ids are skewed so that some paths are hot and most are rare. */
    private String path(SplittableRandom r, int target) {
        String resource = RESOURCES[(Math.max(target, 0) * 7 + r.nextInt(3)) % RESOURCES.length];
        int id;
        int dice = r.nextInt(100);
        if (dice < 50) {
            id = r.nextInt(Math.min(paths, 100));
        } else if (dice < 80) {
            id = r.nextInt(Math.min(paths, 10_000));
        } else {
            id = r.nextInt(paths);
        }
        StringBuilder b = new StringBuilder(40).append("/api/").append(resource).append('/').append(id);
        if (r.nextInt(100) < 20) {
            b.append("?page=").append(1 + r.nextInt(20));
        }
        return b.toString();
    }

    private static int status(SplittableRandom r) {
        int d = r.nextInt(1000);
        if (d < 800) {
            return 200;
        }
        if (d < 850) {
            return 201;
        }
        if (d < 880) {
            return 204;
        }
        if (d < 900) {
            return d < 890 ? 304 : 301;
        }
        if (d < 950) {
            int[] c = {400, 401, 403, 404, 404, 409, 422};
            return c[r.nextInt(c.length)];
        }
        if (d < 970) {
            int[] c = {500, 502, 503, 504};
            return c[r.nextInt(c.length)];
        }
        if (d < 985) {
            return 499;
        }
        return 200;
    }

    /** Log-normal around a few milliseconds; client aborts and gateway errors take longer. */
    private static long duration(SplittableRandom r, int status) {
        double millis = Math.exp(1.0 + 1.0 * gaussian(r));
        if (status == 499 || status == 504) {
            millis *= 50;
        }
        return Math.max(50_000L, (long) (millis * 1_000_000));
    }

    private static double gaussian(SplittableRandom r) {
        // Irwin–Hall: cheap, deterministic and close enough to normal for latency shapes.
        double sum = 0;
        for (int i = 0; i < 6; i++) {
            sum += r.nextDouble();
        }
        return sum - 3;
    }

    /** A public IPv4 address (never private, loopback, CGNAT, link-local or multicast). */
    private static String publicAddress(SplittableRandom r) {
        int a;
        do {
            a = 1 + r.nextInt(223);
        } while (a == 10 || a == 127 || a == 100 || a == 169 || a == 172 || a == 192);
        return a + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /**
     * Writes {@code lines} requests, {@code linesPerSecond} of log time apart, into {@code out}: one access log per
     * proxy, the dynamic configs and {@code trafficviz.yml}.
     */
    public Written writeFiles(Format format, long lines, Path out, long startMillis, int linesPerSecond) {
        try {
            Files.createDirectories(out);
            writeDynamicConfigs(out);
            Path config = out.resolve("trafficviz.yml");
            Files.writeString(config, trafficvizConfig(format, "127.0.0.1:0", out, null));
            List<BufferedWriter> writers = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            try {
                for (Proxy p : proxies) {
                    Path log = out.resolve(p.logFileName());
                    logs.add(log);
                    writers.add(new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(log),
                            StandardCharsets.UTF_8), 1 << 16));
                }
                long bytes = 0;
                for (long i = 0; i < lines; i++) {
                    Generated g = next(startMillis + i * 1000 / linesPerSecond);
                    String line = g.line(format);
                    BufferedWriter w = writers.get(g.proxy().index());
                    w.write(line);
                    w.write('\n');
                    bytes += line.length() + 1;
                }
                return new Written(config, logs, lines, bytes);
            } finally {
                for (BufferedWriter w : writers) {
                    w.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each proxy's file-provider dynamic config, in {@code <server>/<proxy>-dynamic/routes.yml}. */
    public void writeDynamicConfigs(Path out) throws IOException {
        for (Proxy p : proxies) {
            Path dir = out.resolve(p.dynamicDirName());
            Files.createDirectories(dir);
            StringBuilder b = new StringBuilder("http:\n  routers:\n");
            int count = p.isPublic() ? published : servicesPerServer;
            for (int k = 0; k < count; k++) {
                String name = serviceName(k);
                b.append("    ").append(name).append(":\n      rule: ")
                        .append(p.isPublic() ? "Host(`" + name + ".example.com`)" : "PathPrefix(`/" + name + "`)")
                        .append("\n      service: ").append(name).append("\n      entryPoints: [web]\n");
            }
            b.append("  services:\n");
            for (int k = 0; k < count; k++) {
                b.append("    ").append(serviceName(k)).append(":\n      loadBalancer:\n        servers:\n")
                        .append("          - url: http://").append(serviceIp(p.server(), k)).append(":8080\n");
            }
            Files.writeString(dir.resolve("routes.yml"), b.toString());
        }
    }

    /**
     * A trafficviz config for the generated files in {@code dir} (paths relative to it), listening on {@code listen}.
     * {@code logOverride}, when not null, makes every proxy read that one file instead (the live benchmarks).
     */
    public String trafficvizConfig(Format format, String listen, Path dir, String logOverride) {
        StringBuilder b = new StringBuilder();
        b.append("# Generated by trafficviz generate (seed ").append(seed).append(", ").append(servers)
                .append(" servers x ").append(servicesPerServer).append(" services, ").append(paths)
                .append(" paths)\n");
        b.append("listen: ").append(listen).append('\n');
        b.append("startAt: beginning\n");
        b.append("discovery:\n  interval: 60s\n");
        b.append("servers:\n");
        for (int s = 1; s <= servers; s++) {
            b.append("  - name: ").append(serverName(s)).append("\n    proxies:\n");
            for (Proxy p : proxies.subList((s - 1) * 2, s * 2)) {
                b.append("      - name: ").append(p.name()).append('\n')
                        .append("        role: ").append(p.isPublic() ? "public" : "private").append('\n')
                        .append("        network: ").append(p.network()).append('\n')
                        .append("        addresses: [").append(p.address()).append("]\n")
                        .append("        dynamicConfig: ").append(p.dynamicDirName()).append('\n')
                        .append("        accessLog: ").append(logOverride != null ? logOverride : p.logFileName())
                        .append('\n')
                        .append("        format: ").append(format.configName).append('\n');
            }
        }
        return b.toString();
    }
}
