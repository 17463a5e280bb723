package io.trafficviz.dev.stack;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.dev.demo.CommunicatingService;
import io.trafficviz.dev.demo.LeafService;
import io.trafficviz.dev.demo.LoadGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The concept's servers, for real, on this machine: N servers ({@code server-a}, {@code server-b}, ...), each a
 * public and a private Traefik with the four demo services on a network of its own, outside users, and (optionally)
 * trafficviz watching the proxies. {@link #close()} stops everything: load, trafficviz, Traefik processes (waited
 * for), services, and removes the work directory.
 *
 * <p><b>One server</b> ({@code stack}, {@code stack --servers 1}) is the concept's single server, the outside users
 * calling its public proxy directly:
 *
 * <pre>
 * outside users (127.0.0.200) ──▶ public-proxy ──Host(public.localhost)──▶ public-communicating-service (127.0.0.11)
 * public-communicating-service ──▶ private-proxy ──/private-communicating-service-1──▶ (127.0.0.21)
 *                                                 ──/private-communicating-service-2──▶ (127.0.0.22)
 * private-communicating-service-1,2 ──▶ private-proxy ──/private-non-communicating-service──▶ (127.0.0.31)
 * </pre>
 *
 * <p><b>Two or more</b> ({@code stack --servers 2}): the concept's "imitating multiple servers", that server N times
 * behind a gateway Traefik, with calls across servers and an outsider:
 *
 * <pre>
 * outside users ─▶ api-gateway (edge) ─Host(public.localhost), round robin─▶ server-a's public-proxy ─▶ ...
 *                                                                       └─▶ server-b's public-proxy ─▶ ...
 * across:      server-b's private-communicating-service-2 ─▶ server-a's private-proxy (at server A's internal
 *              address) ─▶ server-a's private-non-communicating-service, and likewise a → b (each server's calls the
 *              next server's)
 * outsider:    a caller on server A's network that is none of its services ─▶ server-a's private-proxy directly
 * </pre>
 *
 * <b>Addressing.</b> Each workload listens on, and calls from, an address of its own, so trafficviz can tell callers
 * apart by {@code ClientAddr} and name them from the backends Traefik's API lists. With loopback addresses
 * ({@link SourceAddresses}, every workload in this JVM): a lone server's services are on {@code 127.0.0.11..31} and
 * its proxies on {@code 127.0.0.1}; with a gateway, server {@code i}'s subnet is {@code 127.0.i.0/24}, proxies on
 * {@code 127.0.i.1}, services on {@code 127.0.i.11..31}, the gateway on {@code 127.0.0.1} (and, like every local
 * process, calling from it). With network namespaces (root and {@code ip}; {@link NamespaceNetwork}): every server is
 * a bridge and subnet {@code 10.231.<k>.0/24} of its own; its services run as processes each in a namespace on that
 * subnet; its proxies listen on the server's address on it ({@code 10.231.<k>.1}, as published ports of a VM's
 * internal address); the gateway runs in a namespace of its own on a further "edge" subnet; a service of one server
 * reaches another server's private proxy at that server's address, with its own address as the source (a routed
 * internal network, as between GCP VMs without NAT). {@link StackOptions.Isolation#AUTO} prefers loopback for one
 * server (namespaces only when loopback cannot give distinct addresses) and namespaces for several.
 *
 * <p><b>Logs.</b> The gateway's and server A's access logs are tailed from their files. Every other server's reach
 * trafficviz only by push, as from another machine: its public proxy exports its access log over OTLP/HTTP (Traefik's
 * {@code accessLog.otlp}) to {@code /v1/logs}, and a {@link LogShipper} (standing in for Vector or Fluent Bit) tails
 * its private proxy's file and POSTs the lines to {@code /ingest}. Each server's private proxy trusts the other
 * servers' subnets ({@code trustedNetworks}); the outsider is in none of them.
 */
public final class MultiServerStack implements AutoCloseable {
    public static final String PUBLIC_PROXY = "public-proxy";
    public static final String PRIVATE_PROXY = "private-proxy";
    public static final String PUBLIC_NETWORK = "public-net";
    public static final String PRIVATE_NETWORK = "private-net";
    public static final String PUBLIC_HOST = "public.localhost";
    public static final String PUBLIC_SERVICE = "public-communicating-service";
    public static final String PRIVATE_SERVICE_1 = "private-communicating-service-1";
    public static final String PRIVATE_SERVICE_2 = "private-communicating-service-2";
    public static final String LEAF_SERVICE = "private-non-communicating-service";

    /** Where the APIs (and, with loopback addressing, a lone server's proxies and the gateway) listen. */
    public static final String PROXY_HOST = "127.0.0.1";
    /** The last address byte of each workload: 127.0.i.N with loopback addressing, 10.231.K.N in namespaces. */
    static final Map<String, Integer> HOST_BYTES = Collections.unmodifiableMap(orderedMap(
            PUBLIC_SERVICE, 11, PRIVATE_SERVICE_1, 21, PRIVATE_SERVICE_2, 22, LEAF_SERVICE, 31));
    static final int LOAD_HOST_BYTE = 200;
    /** The outside users' address with loopback addressing. */
    public static final String LOAD_ADDRESS = "127.0.0." + LOAD_HOST_BYTE;
    /** Services' port inside their own namespace (each namespace has its own ports, as containers do). */
    static final int NAMESPACED_PORT = 8080;

    public static final String EDGE = "edge";
    public static final String GATEWAY = "api-gateway";
    public static final String EDGE_NETWORK = "edge-net";
    /** The gateway's service: every server's public proxy, round robin. */
    public static final String GATEWAY_SERVICE = "public-servers";
    /** Where the outsider calls server A's private proxy (the non-communicating service's route). */
    public static final String OUTSIDER_PATH = "/" + LEAF_SERVICE + "/data";
    /** Port of the gateway's entry points inside its own namespace. */
    static final int GATEWAY_WEB_PORT = 8000;
    static final int GATEWAY_API_PORT = 8081;
    static final int MAX_SERVERS = 9;

    /** How a proxy's access log reaches trafficviz. */
    public enum LogDelivery {
        /** trafficviz tails the file. */
        FILE,
        /** the stack's {@link LogShipper} tails the file and POSTs the lines to {@code /ingest}. */
        PUSH,
        /** Traefik exports it over OTLP/HTTP to {@code /v1/logs}. */
        OTLP
    }

    /** One imitated server. */
    public static final class Server {
        private final String name;
        private final int index;
        private final int net;
        private final Path dir;
        private String address;
        private String subnet;
        private NamespaceNetwork network;
        private int publicPort;
        private int privatePort;
        private final Map<String, ServiceHandle> services = new LinkedHashMap<>();
        private TraefikProcess publicProxy;
        private TraefikProcess privateProxy;
        private LogDelivery publicDelivery = LogDelivery.FILE;
        private LogDelivery privateDelivery = LogDelivery.FILE;

        /**
         * @param net its loopback subnet {@code 127.0.<net>.0/24}, and what is added to the leaf's seed: 0 for a lone
         *            server (the single server's addresses, the seed as given), else its index
         * @param dir where its proxies' and services' files go
         */
        Server(String name, int index, int net, Path dir) {
            this.name = name;
            this.index = index;
            this.net = net;
            this.dir = dir;
        }

        public String name() {
            return name;
        }

        /** The server's internal address, where its proxies listen. */
        public String address() {
            return address;
        }

        /** Its internal network, e.g. {@code 10.231.7.0/24}. */
        public String subnet() {
            return subnet;
        }

        /** The demo services by name ({@link #PUBLIC_SERVICE}, {@link #PRIVATE_SERVICE_1}, ...). */
        public Map<String, ServiceHandle> services() {
            return services;
        }

        public ServiceHandle service(String service) {
            ServiceHandle s = services.get(service);
            if (s == null) {
                throw new IllegalArgumentException("no service " + service + " on " + name + "; have " + services.keySet());
            }
            return s;
        }

        public TraefikProcess publicProxy() {
            return publicProxy;
        }

        public TraefikProcess privateProxy() {
            return privateProxy;
        }

        public LogDelivery publicDelivery() {
            return publicDelivery;
        }

        public LogDelivery privateDelivery() {
            return privateDelivery;
        }

        URI privateEntry() {
            return URI.create("http://" + address + ":" + privatePort);
        }

        URI publicEntry() {
            return URI.create("http://" + address + ":" + publicPort);
        }
    }

    private final StackOptions options;
    private final int serverCount;
    private final Path workDir;
    private final Consumer<String> log;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<TraefikProcess> traefiks = new ArrayList<>();
    private final List<LogShipper> shippers = new ArrayList<>();
    private final String token = UUID.randomUUID().toString();
    private StackOptions.Isolation isolation;
    private String addressing;
    private SourceAddresses sourceAddresses;
    private NamespaceNetwork edgeNetwork;
    private TraefikProcess gateway;
    private String gatewayAddress;
    private String loadAddress;
    private String outsiderAddress;
    private LoadGenerator loadGenerator;
    private LoadGenerator outsider;
    private String trafficvizYaml;
    private URI trafficvizUri;
    private boolean closed;

    private MultiServerStack(StackOptions options, int serverCount, Path workDir, Consumer<String> log) {
        this.options = options;
        this.serverCount = serverCount;
        this.workDir = workDir;
        this.log = log;
    }

    /** The name of the i-th server (1-based): {@code server-a}, {@code server-b}, ... */
    public static String serverName(int i) {
        return "server-" + (char) ('a' + i - 1);
    }

    /**
     * Starts everything and returns once every part answers and trafficviz discovered every proxy; on failure stops
     * what was started and throws.
     *
     * @param servers 1 (the single server, no gateway) to {@value #MAX_SERVERS}
     */
    public static MultiServerStack start(StackOptions options, int servers, Consumer<String> log) {
        if (servers < 1 || servers > MAX_SERVERS) {
            throw new IllegalArgumentException("servers must be 1.." + MAX_SERVERS + " (was " + servers + ")");
        }
        return StackParts.start(options, servers == 1 ? "trafficviz-stack-" : "trafficviz-multi-", log,
                dir -> new MultiServerStack(options, servers, dir, log), MultiServerStack::startAll);
    }

    /** A gateway, cross-server calls, an outsider and pushed logs come with a second server. */
    private boolean several() {
        return serverCount > 1;
    }

    private void startAll(Path binary) {
        for (int i = 1; i <= serverCount; i++) {
            String name = serverName(i);
            Server s = several() ? new Server(name, i, i, workDir.resolve(name)) : new Server(name, i, 0, workDir);
            if (i > 1) {
                s.publicDelivery = LogDelivery.OTLP;
                s.privateDelivery = LogDelivery.PUSH;
            }
            servers.add(s);
        }
        chooseAddressing();
        log.accept("addressing: " + addressing);

        // A proxy exporting over OTLP needs trafficviz's address in its config: pick the port before starting it.
        boolean otlp = servers.stream().anyMatch(s -> s.publicDelivery == LogDelivery.OTLP);
        int trafficvizPort = options.trafficvizPort() != 0 || !otlp ? options.trafficvizPort() : FreePorts.pick(PROXY_HOST);
        trafficvizUri = URI.create("http://" + PROXY_HOST + ":" + trafficvizPort);
        // Proxy ports come first: the communicating services need the private proxy's URL.
        for (Server s : servers) {
            s.privatePort = FreePorts.pick(s.address);
            s.publicPort = FreePorts.pick(s.address);
        }
        startServices();
        for (Server s : servers) {
            s.services.values().forEach(svc -> log.accept(s.name + " service " + svc.name() + ": " + svc.describe()));
        }
        startProxies(binary);

        loadGenerator = new LoadGenerator(entry().resolve("/"), PUBLIC_HOST,
                SourceAddresses.literal(loadAddress), options.maxInFlight(), options.callTimeoutMillis());
        toClose.add(loadGenerator);
        if (several()) {
            outsider = new LoadGenerator(servers.get(0).privateEntry().resolve(OUTSIDER_PATH), null,
                    SourceAddresses.literal(outsiderAddress), 4, options.callTimeoutMillis());
            toClose.add(outsider);
        }

        trafficvizYaml = trafficvizYaml(trafficvizPort);
        try {
            Files.writeString(workDir.resolve("trafficviz.yml"), trafficvizYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (options.startTrafficviz()) {
            startTrafficviz();
        }
    }

    /**
     * One server: loopback addresses when they are distinct (or loopback is asked for, or namespaces cannot be made),
     * else namespaces. Several: namespaces when possible (unless loopback is asked for), else distinct loopback
     * addresses, saying so.
     */
    private void chooseAddressing() {
        StackOptions.Isolation wanted = options.isolation();
        if (wanted == StackOptions.Isolation.NAMESPACES && !NamespaceNetwork.available()) {
            throw new IllegalStateException("network namespaces need root, Linux and the ip command (ip netns add failed)");
        }
        boolean namespaces = wanted == StackOptions.Isolation.NAMESPACES
                || (wanted == StackOptions.Isolation.AUTO && several() && NamespaceNetwork.available());
        if (!namespaces) {
            List<String> loopback = new ArrayList<>();
            for (Server s : servers) {
                s.address = loopback(s, 1);
                s.subnet = "127.0." + s.net + ".0/24";
                loopback.add(s.address);
                HOST_BYTES.values().forEach(n -> loopback.add(loopback(s, n)));
            }
            loopback.add(LOAD_ADDRESS);
            if (several()) {
                outsiderAddress = loopback(servers.get(0), LOAD_HOST_BYTE);
                loopback.add(outsiderAddress);
            }
            SourceAddresses chosen = SourceAddresses.choose(loopback);
            boolean distinct = chosen.mode() != SourceAddresses.Mode.SHARED_LOOPBACK;
            if (distinct || (!several() && (wanted == StackOptions.Isolation.LOOPBACK || !NamespaceNetwork.available()))) {
                useLoopback(chosen, wanted);
                return;
            }
            chosen.close();
            if (several()) {
                throw new IllegalStateException("the multi-server stack needs distinct loopback addresses (127.0.x.y) or "
                        + "network namespaces; neither is available here");
            }
        }
        useNamespaces();
    }

    private void useLoopback(SourceAddresses chosen, StackOptions.Isolation wanted) {
        sourceAddresses = chosen;
        toClose.add(chosen);
        isolation = StackOptions.Isolation.LOOPBACK;
        loadAddress = chosen.address(LOAD_ADDRESS).getHostAddress();
        if (!several()) {
            addressing = chosen.describe();
            return;
        }
        gatewayAddress = PROXY_HOST;
        addressing = (wanted == StackOptions.Isolation.AUTO ? "network namespaces unavailable (they need root and ip): " : "")
                + "loopback addresses, " + chosen.describe() + ": server i on 127.0.i.0/24 (proxies at 127.0.i.1), "
                + "gateway on 127.0.0.1, outside users from " + loadAddress + ", outsider from " + outsiderAddress;
    }

    private void useNamespaces() {
        if (several()) {
            edgeNetwork = NamespaceNetwork.create(Map.of(GATEWAY, 2));
            toClose.add(edgeNetwork);
            gatewayAddress = edgeNetwork.address(GATEWAY);
            loadAddress = edgeNetwork.callerAddress();
        }
        for (Server s : servers) {
            s.network = NamespaceNetwork.create(HOST_BYTES);
            toClose.add(s.network); // closed after the services in it (toClose runs in reverse)
            s.address = s.network.hostAddress();
            s.subnet = s.address.substring(0, s.address.lastIndexOf('.')) + ".0/24";
        }
        isolation = StackOptions.Isolation.NAMESPACES;
        NamespaceNetwork first = servers.get(0).network;
        if (!several()) {
            loadAddress = first.callerAddress();
            addressing = first.describe();
            return;
        }
        outsiderAddress = first.callerAddress();
        StringBuilder d = new StringBuilder("network namespaces: gateway in its own namespace at " + gatewayAddress
                + " (edge " + edgeNetwork.hostAddress() + "/24), outside users from " + loadAddress);
        for (Server s : servers) {
            d.append("; ").append(s.name).append(" on ").append(s.subnet).append(" (proxies at ").append(s.address)
                    .append(", each service in a namespace of its own)");
        }
        addressing = d.append("; outsider from ").append(outsiderAddress).toString();
    }

    /** Each server's services; with several, a server's second private communicating service also calls the next server's leaf. */
    private void startServices() {
        List<NamespacedService> namespaced = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            URI privateEntry = s.privateEntry();
            Map<String, List<CommunicatingService.Downstream>> downstream = new LinkedHashMap<>();
            downstream.put(PUBLIC_SERVICE, List.of(StackParts.downstream(privateEntry, PRIVATE_SERVICE_1),
                    StackParts.downstream(privateEntry, PRIVATE_SERVICE_2)));
            downstream.put(PRIVATE_SERVICE_1, List.of(StackParts.downstream(privateEntry, LEAF_SERVICE)));
            List<CommunicatingService.Downstream> second = new ArrayList<>(List.of(StackParts.downstream(privateEntry, LEAF_SERVICE)));
            if (several()) {
                Server next = servers.get((i + 1) % servers.size());
                second.add(new CommunicatingService.Downstream(crossCall(next),
                        next.privateEntry().resolve("/" + LEAF_SERVICE + "/data")));
            }
            downstream.put(PRIVATE_SERVICE_2, List.copyOf(second));
            if (isolation == StackOptions.Isolation.NAMESPACES) {
                namespaced.addAll(namespacedServices(s, downstream));
            } else {
                startInProcess(s, downstream);
            }
        }
        // Each is a JVM of its own: start them together.
        namespaced.parallelStream().forEach(NamespacedService::start);
    }

    /** The name under which a server's second private communicating service counts its calls to {@code other}. */
    public static String crossCall(Server other) {
        return crossCall(other.name());
    }

    public static String crossCall(String otherServer) {
        return otherServer + ":" + LEAF_SERVICE;
    }

    private void startInProcess(Server s, Map<String, List<CommunicatingService.Downstream>> downstream) {
        add(s, new InProcessService(new LeafService(LEAF_SERVICE, bind(s, LEAF_SERVICE), options.leafErrorRate(),
                options.seed() + s.net, options.leafMinLatencyMillis(), options.leafMaxLatencyMillis())));
        downstream.forEach((name, calls) -> add(s, new InProcessService(new CommunicatingService(name, bind(s, name),
                sourceAddresses.address(loopback(s, HOST_BYTES.get(name))), calls, options.callTimeoutMillis(),
                CommunicatingService.Failures.propagating(options.propagateFailures())))));
    }

    private List<NamespacedService> namespacedServices(Server s, Map<String, List<CommunicatingService.Downstream>> downstream) {
        Path logs = StackParts.serviceLogDir(s.dir.resolve("services"));
        Map<String, List<String>> args = StackParts.namespacedServiceArgs(options, options.seed() + s.net, downstream);
        List<NamespacedService> started = new ArrayList<>();
        args.forEach((name, a) -> {
            NamespacedService svc = new NamespacedService(name, s.network.namespace(name), s.network.address(name),
                    NAMESPACED_PORT, a, logs.resolve(name + ".log"));
            s.services.put(name, svc);
            toClose.add(svc);
            started.add(svc);
        });
        return started;
    }

    private void startProxies(Path binary) {
        String otlpEndpoint = trafficvizUri.resolve("/v1/logs").toString();
        for (Server s : servers) {
            List<ProxySpec.Route> privateRoutes = new ArrayList<>();
            for (String name : List.of(PRIVATE_SERVICE_1, PRIVATE_SERVICE_2, LEAF_SERVICE)) {
                privateRoutes.add(new ProxySpec.Route(name, "PathPrefix(`/" + name + "`)", s.service(name).baseUri()));
            }
            ProxySpec privateSpec = new ProxySpec(PRIVATE_PROXY, "private", PRIVATE_NETWORK, s.address, s.privatePort,
                    PROXY_HOST, FreePorts.pick(PROXY_HOST), privateRoutes);
            ProxySpec publicSpec = new ProxySpec(PUBLIC_PROXY, "public", PUBLIC_NETWORK, s.address, s.publicPort,
                    PROXY_HOST, FreePorts.pick(PROXY_HOST), List.of(new ProxySpec.Route(PUBLIC_SERVICE,
                    "Host(`" + PUBLIC_HOST + "`)", s.service(PUBLIC_SERVICE).baseUri())));
            s.privateProxy = startTraefik(binary, privateSpec, s, s.privateDelivery, otlpEndpoint);
            s.publicProxy = startTraefik(binary, publicSpec, s, s.publicDelivery, otlpEndpoint);
        }
        if (several()) {
            startGateway(binary);
        }
        traefiks.parallelStream().forEach(t -> t.awaitReady(Duration.ofSeconds(30)));
        if (gateway != null) {
            log.accept("Traefik " + EDGE + "/" + GATEWAY + " (pid " + gateway.pid() + ") on " + gateway.spec().webUri()
                    + ", API " + gateway.spec().apiUri() + " → " + servers.stream().map(Server::publicEntry).toList()
                    + " (send Host: " + PUBLIC_HOST + ")");
        }
        for (Server s : servers) {
            for (TraefikProcess p : List.of(s.publicProxy, s.privateProxy)) {
                LogDelivery d = p == s.publicProxy ? s.publicDelivery : s.privateDelivery;
                log.accept("Traefik " + s.name + "/" + p.name() + " (pid " + p.pid() + ") on " + p.spec().webUri()
                        + ", API " + p.spec().apiUri() + ", access log " + switch (d) {
                    case FILE -> "tailed by trafficviz";
                    case PUSH -> "shipped to POST /ingest by the stack's log shipper";
                    case OTLP -> "exported by Traefik over OTLP to /v1/logs";
                });
            }
        }
    }

    private void startGateway(Path binary) {
        List<URI> publicEntries = servers.stream().map(Server::publicEntry).toList();
        boolean namespaced = edgeNetwork != null;
        ProxySpec gatewaySpec = new ProxySpec(GATEWAY, "gateway", EDGE_NETWORK, gatewayAddress,
                namespaced ? GATEWAY_WEB_PORT : FreePorts.pick(gatewayAddress), gatewayAddress,
                namespaced ? GATEWAY_API_PORT : FreePorts.pick(gatewayAddress),
                List.of(new ProxySpec.Route(GATEWAY_SERVICE, "Host(`" + PUBLIC_HOST + "`)", publicEntries)));
        gateway = TraefikProcess.start(binary, gatewaySpec, workDir.resolve(EDGE).resolve(GATEWAY), null,
                namespaced ? List.of("ip", "netns", "exec", edgeNetwork.namespace(GATEWAY)) : List.of());
        traefiks.add(gateway);
        toClose.add(gateway);
    }

    private TraefikProcess startTraefik(Path binary, ProxySpec spec, Server s, LogDelivery delivery, String otlpEndpoint) {
        TraefikConfigs.OtlpExport otlp = delivery != LogDelivery.OTLP ? null : new TraefikConfigs.OtlpExport(
                otlpEndpoint, orderedMap("trafficviz.server", s.name, "trafficviz.proxy", spec.name()),
                Map.of("Authorization", "Bearer " + token));
        TraefikProcess p = TraefikProcess.start(binary, spec, s.dir.resolve(spec.name()), otlp, List.of());
        traefiks.add(p);
        toClose.add(p);
        return p;
    }

    private void startTrafficviz() {
        TrafficvizConfig config = ConfigLoader.parse(trafficvizYaml, workDir);
        TrafficvizApp app = TrafficvizApp.start(config);
        toClose.add(app);
        trafficvizUri = URI.create("http://" + PROXY_HOST + ":" + app.port());
        for (Server s : servers) {
            if (s.privateDelivery == LogDelivery.PUSH) {
                shippers.add(new LogShipper(s.privateProxy.accessLog(), trafficvizUri, s.name, PRIVATE_PROXY, token).start());
            }
            if (s.publicDelivery == LogDelivery.PUSH) {
                shippers.add(new LogShipper(s.publicProxy.accessLog(), trafficvizUri, s.name, PUBLIC_PROXY, token).start());
            }
        }
        shippers.forEach(sh -> log.accept(sh.describe()));
        StackParts.awaitDiscovery(trafficvizUri, traefiks.size(), Duration.ofSeconds(30));
        log.accept("trafficviz on " + trafficvizUri + "/ (all " + traefiks.size() + " proxies discovered)");
    }

    /** trafficviz's configuration for this stack. */
    String trafficvizYaml(int port) {
        StringBuilder y = new StringBuilder();
        y.append("# Generated by trafficviz's ").append(several() ? "multi-server stack" : "stack").append('\n')
                .append("listen: ").append(PROXY_HOST).append(':').append(port).append('\n')
                .append("startAt: beginning\n")
                .append("limits:   # a demo's network is small: limits sized for it need a ~170 MB heap, not ~2 GB"
                        + "\n  maxEdges: 1000\n")
                .append("discovery:\n  interval: 1s\n")
                // The time bar needs a store; in-process apps keep one only where the config names it.
                .append("history:\n  path: ").append(workDir.resolve("history.duckdb")).append('\n');
        if (servers.stream().anyMatch(s -> s.publicDelivery != LogDelivery.FILE || s.privateDelivery != LogDelivery.FILE)) {
            y.append("ingest:\n  token: ").append(token).append("   # what the other servers' pushes must present\n");
        }
        y.append("servers:\n");
        if (gateway != null) {
            y.append("  - name: ").append(EDGE).append('\n')
                    .append("    proxies:\n")
                    .append("      - name: ").append(GATEWAY).append('\n')
                    .append("        role: gateway\n")
                    .append("        network: ").append(EDGE_NETWORK).append('\n')
                    .append("        api: ").append(gateway.spec().apiUri()).append('\n')
                    .append("        accessLog: ").append(gateway.accessLog()).append('\n')
                    .append("        format: json\n")
                    .append("        addresses: [").append(gatewayAddress)
                    .append("]   # where its calls to the public proxies come from\n");
        }
        for (Server s : servers) {
            y.append("  - name: ").append(s.name).append('\n');
            List<String> others = servers.stream().filter(o -> o != s).map(Server::subnet).toList();
            if (!others.isEmpty()) {
                y.append("    trustedNetworks: [").append(String.join(", ", others))
                        .append("]   # the other servers' internal networks\n");
            }
            y.append("    proxies:\n");
            proxyYaml(y, s.publicProxy, "public", PUBLIC_NETWORK, s.publicDelivery);
            proxyYaml(y, s.privateProxy, "private", PRIVATE_NETWORK, s.privateDelivery);
        }
        return y.toString();
    }

    private static void proxyYaml(StringBuilder y, TraefikProcess p, String role, String network, LogDelivery d) {
        y.append("      - name: ").append(p.name()).append('\n')
                .append("        role: ").append(role).append('\n')
                .append("        network: ").append(network).append('\n')
                .append("        api: ").append(p.spec().apiUri()).append('\n');
        switch (d) {
            case FILE -> y.append("        accessLog: ").append(p.accessLog()).append('\n').append("        format: json\n");
            case PUSH -> y.append("        # no accessLog: the stack's log shipper POSTs its lines to /ingest\n");
            case OTLP -> y.append("        # no accessLog: Traefik exports its access log over OTLP to /v1/logs\n");
        }
    }

    /** A workload's loopback address: {@code 127.0.<net>.<hostByte>}. */
    private static String loopback(Server s, int hostByte) {
        return "127.0." + s.net + "." + hostByte;
    }

    private InetSocketAddress bind(Server s, String service) {
        return new InetSocketAddress(sourceAddresses.address(loopback(s, HOST_BYTES.get(service))), 0);
    }

    private void add(Server s, ServiceHandle service) {
        service.start();
        s.services.put(service.name(), service);
        toClose.add(service);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Map<K, V> orderedMap(Object... kv) {
        Map<K, V> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((K) kv[i], (V) kv[i + 1]);
        }
        return m;
    }

    public Path workDir() {
        return workDir;
    }

    /** {@code LOOPBACK} or {@code NAMESPACES}: how the workloads got addresses of their own. */
    public StackOptions.Isolation isolation() {
        return isolation;
    }

    /** The addressing in use, in words (also logged at start). */
    public String addressing() {
        return addressing;
    }

    /** Loopback addressing's mode, or null in namespaces. */
    public SourceAddresses.Mode loopbackMode() {
        return sourceAddresses == null ? null : sourceAddresses.mode();
    }

    public List<Server> servers() {
        return servers;
    }

    public Server server(String name) {
        return servers.stream().filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server " + name));
    }

    /** The gateway in front of every public proxy; null with one server. */
    public TraefikProcess gateway() {
        return gateway;
    }

    /** Where the gateway's calls to the public proxies come from (its {@code addresses} in trafficviz's config). */
    public String gatewayAddress() {
        return gatewayAddress;
    }

    /** Where the outside users send their requests: the gateway's entry point, or a lone server's public proxy's. */
    public URI entry() {
        return (gateway != null ? gateway : servers.get(0).publicProxy).spec().webUri();
    }

    /** The outside users: idle until told to send. They call {@link #entry()} with {@code Host: public.localhost}. */
    public LoadGenerator loadGenerator() {
        return loadGenerator;
    }

    /** The address the outside users' requests come from. */
    public String loadAddress() {
        return loadAddress;
    }

    /**
     * The outsider: calls server A's private proxy ({@link #OUTSIDER_PATH}) directly; idle until told to send. Null
     * with one server.
     */
    public LoadGenerator outsider() {
        return outsider;
    }

    public String outsiderAddress() {
        return outsiderAddress;
    }

    public List<LogShipper> shippers() {
        return shippers;
    }

    /** The bearer token the pushes present ({@code ingest.token}). */
    public String ingestToken() {
        return token;
    }

    /** The trafficviz YAML written to {@code workDir/trafficviz.yml}. */
    public String trafficvizYaml() {
        return trafficvizYaml;
    }

    /** Where trafficviz answers, or null when it was not started. */
    public URI trafficvizUri() {
        return options.startTrafficviz() ? trafficvizUri : null;
    }

    /** Stops everything in reverse order of starting; Traefik processes are waited for. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (LoadGenerator g : new LoadGenerator[]{loadGenerator, outsider}) {
            if (g != null) {
                g.close(); // no new traffic while the rest goes down
            }
        }
        for (LogShipper s : shippers) {
            s.close(); // sends what it has read while trafficviz still runs
        }
        traefiks.forEach(TraefikProcess::terminate); // all shut down at once; closing them below waits for each
        try {
            StackParts.closeInReverse(toClose);
        } finally {
            if (options.workDir() == null && !options.keepWorkDir()) {
                StackParts.deleteRecursively(workDir);
            }
        }
    }
}
