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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The concept's single server, for real, on this machine: two Traefik proxies, the four demo services, a load generator
 * standing in for outside users, and (optionally) trafficviz watching the proxies.
 *
 * <pre>
 * outside users (127.0.0.200) ──▶ public-proxy ──Host(public.localhost)──▶ public-communicating-service (127.0.0.11)
 * public-communicating-service ──▶ private-proxy ──/private-communicating-service-1──▶ (127.0.0.21)
 *                                                 ──/private-communicating-service-2──▶ (127.0.0.22)
 * private-communicating-service-1,2 ──▶ private-proxy ──/private-non-communicating-service──▶ (127.0.0.31)
 * </pre>
 *
 * Each workload listens on, and calls from, an address of its own ({@link SourceAddresses} in this JVM, or
 * {@link NamespaceNetwork} with each service a process in a network namespace; see {@link StackOptions.Isolation}),
 * so trafficviz can tell callers apart by {@code ClientAddr} and name them from the backends Traefik's API lists. {@link #close()}
 * stops everything: load, trafficviz, Traefik processes (waited for), services, and removes the work directory.
 */
public final class Stack implements AutoCloseable {
    public static final String SERVER = "server-a";
    public static final String PUBLIC_PROXY = "public-proxy";
    public static final String PRIVATE_PROXY = "private-proxy";
    public static final String PUBLIC_NETWORK = "public-net";
    public static final String PRIVATE_NETWORK = "private-net";
    public static final String PUBLIC_HOST = "public.localhost";
    public static final String PUBLIC_SERVICE = "public-communicating-service";
    public static final String PRIVATE_SERVICE_1 = "private-communicating-service-1";
    public static final String PRIVATE_SERVICE_2 = "private-communicating-service-2";
    public static final String LEAF_SERVICE = "private-non-communicating-service";

    /** Where the APIs (and, with loopback addressing, the proxies) listen. */
    public static final String PROXY_HOST = "127.0.0.1";
    /** The last address byte of each workload: 127.0.0.N with loopback addressing, 10.231.K.N in namespaces. */
    static final Map<String, Integer> HOST_BYTES = orderedMap(
            PUBLIC_SERVICE, 11, PRIVATE_SERVICE_1, 21, PRIVATE_SERVICE_2, 22, LEAF_SERVICE, 31);
    static final int LOAD_HOST_BYTE = 200;
    /** The outside users' address with loopback addressing. */
    public static final String LOAD_ADDRESS = "127.0.0." + LOAD_HOST_BYTE;
    /** Services' port inside their own namespace (each namespace has its own ports, as containers do). */
    static final int NAMESPACED_PORT = 8080;

    private final StackOptions options;
    private final Path workDir;
    private final Consumer<String> log;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private StackOptions.Isolation isolation;
    private String addressing;
    private SourceAddresses sourceAddresses;
    private NamespaceNetwork namespaces;
    private String proxyHost;
    private String loadAddress;
    private final Map<String, ServiceHandle> services = new LinkedHashMap<>();
    private TraefikProcess publicProxy;
    private TraefikProcess privateProxy;
    private LoadGenerator loadGenerator;
    private String trafficvizYaml;
    private URI trafficvizUri;
    private boolean closed;

    private Stack(StackOptions options, Path workDir, Consumer<String> log) {
        this.options = options;
        this.workDir = workDir;
        this.log = log;
    }

    /** Starts everything and returns once every part answers; on failure stops what was started and throws. */
    public static Stack start(StackOptions options, Consumer<String> log) {
        return StackParts.start(options, "trafficviz-stack-", log, dir -> new Stack(options, dir, log), Stack::startAll);
    }

    public static Stack start(StackOptions options) {
        return start(options, msg -> { });
    }

    private void startAll(Path binary) {
        chooseAddressing();
        log.accept("addressing: " + addressing);

        // Proxy ports come first: the communicating services need the private proxy's URL.
        int privateWeb = FreePorts.pick(proxyHost);
        int privateApi = FreePorts.pick(PROXY_HOST);
        int publicWeb = FreePorts.pick(proxyHost);
        int publicApi = FreePorts.pick(PROXY_HOST);
        URI privateEntry = URI.create("http://" + proxyHost + ":" + privateWeb);
        Map<String, List<CommunicatingService.Downstream>> downstream = orderedMap(
                PUBLIC_SERVICE, List.of(StackParts.downstream(privateEntry, PRIVATE_SERVICE_1),
                        StackParts.downstream(privateEntry, PRIVATE_SERVICE_2)),
                PRIVATE_SERVICE_1, List.of(StackParts.downstream(privateEntry, LEAF_SERVICE)),
                PRIVATE_SERVICE_2, List.of(StackParts.downstream(privateEntry, LEAF_SERVICE)));
        if (isolation == StackOptions.Isolation.NAMESPACES) {
            startNamespacedServices(downstream);
        } else {
            startInProcessServices(downstream);
        }
        services.values().forEach(s -> log.accept("service " + s.name() + ": " + s.describe()));

        List<ProxySpec.Route> privateRoutes = new ArrayList<>();
        for (String name : List.of(PRIVATE_SERVICE_1, PRIVATE_SERVICE_2, LEAF_SERVICE)) {
            privateRoutes.add(new ProxySpec.Route(name, "PathPrefix(`/" + name + "`)", services.get(name).baseUri()));
        }
        ProxySpec privateSpec = new ProxySpec(PRIVATE_PROXY, "private", PRIVATE_NETWORK, proxyHost, privateWeb,
                PROXY_HOST, privateApi, privateRoutes);
        ProxySpec publicSpec = new ProxySpec(PUBLIC_PROXY, "public", PUBLIC_NETWORK, proxyHost, publicWeb, PROXY_HOST,
                publicApi, List.of(new ProxySpec.Route(PUBLIC_SERVICE, "Host(`" + PUBLIC_HOST + "`)",
                services.get(PUBLIC_SERVICE).baseUri())));
        privateProxy = TraefikProcess.start(binary, privateSpec, workDir.resolve(PRIVATE_PROXY));
        toClose.add(privateProxy);
        publicProxy = TraefikProcess.start(binary, publicSpec, workDir.resolve(PUBLIC_PROXY));
        toClose.add(publicProxy);
        privateProxy.awaitReady(Duration.ofSeconds(30));
        publicProxy.awaitReady(Duration.ofSeconds(30));
        log.accept("Traefik " + PRIVATE_PROXY + " (pid " + privateProxy.pid() + ") on " + privateSpec.webUri()
                + ", API " + privateSpec.apiUri());
        log.accept("Traefik " + PUBLIC_PROXY + " (pid " + publicProxy.pid() + ") on " + publicSpec.webUri()
                + ", API " + publicSpec.apiUri() + " (send Host: " + PUBLIC_HOST + ")");

        loadGenerator = new LoadGenerator(publicSpec.webUri().resolve("/"), PUBLIC_HOST,
                SourceAddresses.literal(loadAddress), options.maxInFlight(), options.callTimeoutMillis());
        toClose.add(loadGenerator);

        trafficvizYaml = trafficvizYaml(options.trafficvizPort());
        try {
            Files.writeString(workDir.resolve("trafficviz.yml"), trafficvizYaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (options.startTrafficviz()) {
            startTrafficviz();
        }
    }

    private void chooseAddressing() {
        StackOptions.Isolation wanted = options.isolation();
        if (wanted != StackOptions.Isolation.NAMESPACES) {
            List<String> loopback = new ArrayList<>();
            HOST_BYTES.values().forEach(n -> loopback.add("127.0.0." + n));
            loopback.add(LOAD_ADDRESS);
            SourceAddresses chosen = SourceAddresses.choose(loopback);
            boolean distinct = chosen.mode() != SourceAddresses.Mode.SHARED_LOOPBACK;
            if (distinct || wanted == StackOptions.Isolation.LOOPBACK || !NamespaceNetwork.available()) {
                sourceAddresses = chosen;
                toClose.add(chosen);
                isolation = StackOptions.Isolation.LOOPBACK;
                addressing = chosen.describe();
                proxyHost = PROXY_HOST;
                loadAddress = chosen.address(LOAD_ADDRESS).getHostAddress();
                return;
            }
            chosen.close();
        } else if (!NamespaceNetwork.available()) {
            throw new IllegalStateException("network namespaces need root, Linux and the ip command (ip netns add failed)");
        }
        namespaces = NamespaceNetwork.create(HOST_BYTES);
        toClose.add(namespaces); // closed after the services in it (toClose runs in reverse)
        isolation = StackOptions.Isolation.NAMESPACES;
        addressing = namespaces.describe();
        proxyHost = namespaces.hostAddress();
        loadAddress = namespaces.callerAddress();
    }

    private void startInProcessServices(Map<String, List<CommunicatingService.Downstream>> downstream) {
        add(new InProcessService(new LeafService(LEAF_SERVICE, bind(LEAF_SERVICE), options.leafErrorRate(),
                options.seed(), options.leafMinLatencyMillis(), options.leafMaxLatencyMillis())));
        downstream.forEach((name, calls) -> add(new InProcessService(new CommunicatingService(name, bind(name),
                sourceAddresses.address("127.0.0." + HOST_BYTES.get(name)), calls, options.callTimeoutMillis()))));
    }

    private void startNamespacedServices(Map<String, List<CommunicatingService.Downstream>> downstream) {
        Path logs = StackParts.serviceLogDir(workDir.resolve("services"));
        List<NamespacedService> started = new ArrayList<>();
        StackParts.namespacedServiceArgs(options, options.seed(), downstream).forEach((name, a) -> {
            NamespacedService svc = new NamespacedService(name, namespaces.namespace(name), namespaces.address(name),
                    NAMESPACED_PORT, a, logs.resolve(name + ".log"));
            services.put(name, svc);
            toClose.add(svc);
            started.add(svc);
        });
        // Each is a JVM of its own: start them together.
        started.parallelStream().forEach(NamespacedService::start);
    }

    private void startTrafficviz() {
        TrafficvizConfig config = ConfigLoader.parse(trafficvizYaml, workDir);
        TrafficvizApp app = TrafficvizApp.start(config);
        toClose.add(app);
        trafficvizUri = URI.create("http://" + PROXY_HOST + ":" + app.port());
        StackParts.awaitDiscovery(trafficvizUri, 2, Duration.ofSeconds(30));
        log.accept("trafficviz on " + trafficvizUri + "/ (both proxies discovered)");
    }

    /** trafficviz's configuration for this stack. */
    String trafficvizYaml(int port) {
        return """
                # Generated by trafficviz's stack
                listen: %s:%d
                startAt: beginning
                limits:   # a demo's network is small: limits sized for it need a ~170 MB heap, not ~2 GB
                  maxEdges: 1000
                discovery:
                  interval: 1s
                servers:
                  - name: %s
                    proxies:
                      - name: %s
                        role: public
                        network: %s
                        api: %s
                        accessLog: %s
                        format: json
                      - name: %s
                        role: private
                        network: %s
                        api: %s
                        accessLog: %s
                        format: json
                """.formatted(PROXY_HOST, port, SERVER,
                PUBLIC_PROXY, PUBLIC_NETWORK, publicProxy.spec().apiUri(), publicProxy.accessLog(),
                PRIVATE_PROXY, PRIVATE_NETWORK, privateProxy.spec().apiUri(), privateProxy.accessLog());
    }

    private InetSocketAddress bind(String service) {
        return new InetSocketAddress(sourceAddresses.address("127.0.0." + HOST_BYTES.get(service)), 0);
    }

    private void add(ServiceHandle service) {
        service.start();
        services.put(service.name(), service);
        toClose.add(service);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Map<K, V> orderedMap(Object... kv) {
        Map<K, V> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((K) kv[i], (V) kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
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

    /** The address the outside users' requests come from. */
    public String loadAddress() {
        return loadAddress;
    }

    /** A workload's own address (where it listens and calls from). */
    public String address(String service) {
        return URI.create(service(service).baseUri().toString()).getHost();
    }

    public TraefikProcess publicProxy() {
        return publicProxy;
    }

    public TraefikProcess privateProxy() {
        return privateProxy;
    }

    /** The demo services by name ({@link #PUBLIC_SERVICE}, {@link #PRIVATE_SERVICE_1}, ...). */
    public Map<String, ServiceHandle> services() {
        return services;
    }

    public ServiceHandle service(String name) {
        ServiceHandle s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no service " + name + "; have " + services.keySet());
        }
        return s;
    }

    /** The outside users: idle until told to send. */
    public LoadGenerator loadGenerator() {
        return loadGenerator;
    }

    /** The trafficviz YAML written to {@code workDir/trafficviz.yml}. */
    public String trafficvizYaml() {
        return trafficvizYaml;
    }

    /** Where trafficviz answers, or null when it was not started. */
    public URI trafficvizUri() {
        return trafficvizUri;
    }

    /** Stops everything in reverse order of starting; Traefik processes are waited for. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loadGenerator != null) {
            loadGenerator.close(); // no new traffic while the rest goes down
        }
        for (TraefikProcess p : new TraefikProcess[]{publicProxy, privateProxy}) {
            if (p != null) {
                p.terminate(); // both shut down at once; closing them below waits for each
            }
        }
        try {
            StackParts.closeInReverse(toClose);
        } finally {
            if (options.workDir() == null && !options.keepWorkDir()) {
                StackParts.deleteRecursively(workDir);
            }
        }
    }
}
