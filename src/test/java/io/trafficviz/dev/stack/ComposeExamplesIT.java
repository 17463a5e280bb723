package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.dev.demo.BoundHttpClient;
import io.trafficviz.dev.demo.HttpResult;
import io.trafficviz.dev.docker.DockerCli;
import io.trafficviz.dev.docker.LocalMavenRepository;
import io.trafficviz.publish.auth.Passwords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.trafficviz.dev.stack.NetworkInfoAssertions.edge;
import static io.trafficviz.dev.stack.NetworkInfoAssertions.edges;
import static io.trafficviz.dev.stack.NetworkInfoAssertions.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The compose examples brought up under the real Docker engine with Compose v2 (scripts/build-compose.sh), traffic sent
 * through their public proxies, and trafficviz's graph compared with what the demo services counted. There is no image
 * registry here: the base images are made by scripts/make-base-images.sh (debootstrap + docker import, cached) and
 * passed as build arguments, and the image builds take their Maven artifacts from this machine's repository
 * ({@link LocalMavenRepository}, with {@code --network host}); a user's build takes the public images and Maven Central.
 * The images are built once with {@code docker build}, then each example runs with {@code up --no-build}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeExamplesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRAFFICVIZ_IMAGE = "dock-trafficviz:it";
    private static final String SERVICES_IMAGE = "dock-trafficviz-services:it";
    private static final String JRE_IMAGE = "trafficviz-base-jre:17-bookworm";
    private static final int REQUESTS = 20;
    private static final String PUBLIC = "proxy:server-a/public-proxy";
    private static final String PRIVATE = "proxy:server-a/private-proxy";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BoundHttpClient users = new BoundHttpClient(null, 5_000, 30_000);
    private final String password = "compose-" + UUID.randomUUID();
    private final List<String> projectsUp = new ArrayList<>();
    private DockerCli docker;
    private Map<String, String> baseImages;

    @BeforeAll
    void buildTheImages() throws Exception {
        assumeTrue(DockerCli.engineAvailable(), "no Docker engine answers `docker info` (scripts/test installs docker.io and "
                + "starts dockerd)");
        Path plugin = DockerCli.composePlugin();
        assumeTrue(plugin != null, "Compose v2 is not built: run scripts/build-compose.sh");
        DockerCli.Result images = DockerCli.run(List.of("scripts/make-base-images.sh"), Map.of(), 1800);
        assumeTrue(images.ok(), "the local base images could not be made (root and debootstrap are needed the first time): "
                + images.output());
        List<String> names = images.output().lines().toList();
        baseImages = Map.of("BUILD_IMAGE", names.get(names.size() - 3), "RUNTIME_IMAGE", names.get(names.size() - 2),
                "TRAEFIK_IMAGE", names.get(names.size() - 1));
        docker = DockerCli.withCompose(plugin, Map.of());
        String wrapper = Files.readString(Path.of(".mvn/wrapper/maven-wrapper.properties"));
        String mavenVersion = wrapper.replaceAll("(?s).*apache-maven/([0-9.]+)/.*", "$1");
        assertThat(LocalMavenRepository.defaultRoot().resolve("org/apache/maven/apache-maven/" + mavenVersion
                + "/apache-maven-" + mavenVersion + "-bin.tar.gz"))
                .as("the wrapper's Maven in the local repository (scripts/test fetches it: ./mvnw dependency:get "
                        + "-Dartifact=org.apache.maven:apache-maven:%s:tar.gz:bin)", mavenVersion).isRegularFile();
        try (LocalMavenRepository repo = LocalMavenRepository.start(LocalMavenRepository.defaultRoot())) {
            for (Map.Entry<String, String> image : Map.of(TRAFFICVIZ_IMAGE, "examples/docker/Dockerfile",
                    SERVICES_IMAGE, "examples/docker/Dockerfile.services").entrySet()) {
                DockerCli.Result built = docker.docker(1800, "build", "--network", "host", "-f", image.getValue(),
                        "-t", image.getKey(), "--build-arg", "BUILD_IMAGE=" + baseImages.get("BUILD_IMAGE"),
                        "--build-arg", "RUNTIME_IMAGE=" + baseImages.get("RUNTIME_IMAGE"),
                        "--build-arg", "MAVEN_REPO_URL=" + repo.uri(), ".");
                assertThat(built.ok()).as(built.output()).isTrue();
            }
        }
    }

    /**
     * Run as a uid that does not own the state volume, with the image's default state directory: trafficviz cannot
     * keep its state, says so, /health is degraded, and the image's liveness check stays green. (A `stateDir:` named
     * in the config that cannot be written is refused at start instead, with that message.)
     */
    @Test
    @Order(5)
    void runAsAnotherUserTheStateIsReadOnlyAndLivenessStaysGreen() throws Exception {
        Path dir = Files.createTempDirectory("dock-uid");
        Path log = dir.resolve("access.log");
        Files.writeString(log, "");
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, """
                listen: 0.0.0.0:82
                auth: {allowUnauthenticated: true}   # nothing is published: only this test reaches it
                servers:
                  - name: s
                    proxies:
                      - name: p
                        role: public
                        network: n
                        accessLog: /logs/access.log
                """);
        dir.toFile().setReadable(true, false);
        String name = "dock-uid-probe";
        docker.docker(60, "rm", "-f", name);
        DockerCli.Result run = docker.docker(120, "run", "-d", "--name", name, "--user", "4242:4242",
                "--health-interval", "2s", "--health-start-period", "0s",
                "-v", "dock-uid-state:/var/lib/trafficviz", "-v", config + ":/etc/trafficviz/trafficviz.yml:ro",
                "-v", dir + ":/logs:ro", TRAFFICVIZ_IMAGE);
        try {
            assertThat(run.ok()).as(run.output()).isTrue();
            long deadline = System.currentTimeMillis() + 90_000;
            String health = "";
            while (!"healthy".equals(health) && System.currentTimeMillis() < deadline) {
                Thread.sleep(1_000);
                health = docker.docker(30, "inspect", "--format", "{{.State.Health.Status}}", name).output().trim();
            }
            assertThat(health).as(docker.docker(30, "logs", name).output()).isEqualTo("healthy");
            Thread.sleep(10_000);
            // /health says why it is degraded (inside the container, from loopback: monitoringFrom's default)
            DockerCli.Result doc = docker.docker(30, "exec", name, "bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/82 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3");
            assertThat(doc.output()).contains("503").contains("degraded");
            assertThat(docker.docker(30, "inspect", "--format", "{{.State.Status}}", name).output().trim())
                    .isEqualTo("running");
            // said once or twice, not ten times a second
            String logs = docker.docker(30, "logs", name).output();
            assertThat(logs.lines().filter(l -> l.contains("WARN")).count()).as(logs).isLessThan(10);
        } finally {
            docker.docker(60, "rm", "-f", name);
            docker.docker(60, "volume", "rm", "-f", "dock-uid-state");
        }
    }

    @AfterAll
    void down() throws Exception {
        if (docker == null) {
            return;
        }
        for (String project : projectsUp) {
            docker.docker(300, "compose", "-p", project, "down", "--volumes", "--timeout", "5");
        }
    }

    /** What every compose command of one example sees: the local images, free ports on 127.0.0.1, the admin's hash. */
    private Map<String, String> environment(int publicPort, int publicPortB, int trafficvizPort) {
        Map<String, String> env = new HashMap<>(baseImages);
        env.put("TRAFFICVIZ_IMAGE", TRAFFICVIZ_IMAGE);
        env.put("SERVICES_IMAGE", SERVICES_IMAGE);
        env.put("PUBLIC_PORT", String.valueOf(publicPort));
        env.put("PUBLIC_PORT_B", String.valueOf(publicPortB));
        env.put("TRAFFICVIZ_PORT", String.valueOf(trafficvizPort));
        env.put("TRAFFICVIZ_ADMIN_HASH", Passwords.hash(password));
        return env;
    }

    private DockerCli.Result compose(Map<String, String> env, String project, String file, long timeout, String... args)
            throws Exception {
        List<String> all = new ArrayList<>(List.of("compose", "-p", project, "-f", file));
        all.addAll(List.of(args));
        return DockerCli.withCompose(DockerCli.composePlugin(), env).docker(timeout, all.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void everyComposeFileIsValidComposeV2AndPublishesOnLoopbackOnly() throws Exception {
        Map<String, String> env = environment(80, 81, 82);
        try (var dirs = Files.list(Path.of("examples"))) {
            for (Path file : dirs.map(d -> d.resolve("docker-compose.yml")).filter(Files::exists).sorted().toList()) {
                DockerCli.Result config = compose(env, "dock-config", file.toString(), 60, "config", "--format", "json");
                assertThat(config.ok()).as(file + ": " + config.output()).isTrue();
                JsonNode doc = JSON.readTree(config.output().substring(config.output().indexOf('{')));
                doc.path("services").forEach(service -> service.path("ports").forEach(port ->
                        assertThat(port.path("host_ip").asText()).as(file + " " + port).isEqualTo("127.0.0.1")));
            }
        }
    }

    @Test
    @Order(2)
    void singleServerDrawsTheConceptsGraph() throws Exception {
        Example ex = up("dock-single", "examples/single-server/docker-compose.yml", 4);
        sendUsers(ex.publicPort, REQUESTS);
        JsonNode doc = settled(ex.trafficviz, ex.cookie, 5L * REQUESTS);

        Map<String, JsonNode> edges = edges(doc);
        String outside = callerOf(edges, PUBLIC);
        Map<String, Long> want = conceptEdges("server-a", PUBLIC, PRIVATE, outside, REQUESTS);
        assertThat(nodes(doc).keySet()).containsExactlyInAnyOrderElementsOf(nodesOf(want));
        assertThat(requests(edges)).isEqualTo(want);
        assertRedOnlyOnTheLeafsEdges(edges, "server-a", PUBLIC, PRIVATE, outside,
                stats(ex, "private-non-communicating-service"), 2L * REQUESTS);
        // liveness is green in the image's own health check, as the non-root user owning its state volume
        awaitHealthy(ex.project, "trafficviz");
        screenshot(ex, "compose-single-server");
    }

    /**
     * The graph page as a user sees it, signed in, with users' requests in flight, under target/browser-screenshots
     * (docs/screenshots/compose-single-server.png is one of these). Skipped without Chromium.
     */
    private void screenshot(Example ex, String name) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path chromedriver = Path.of("/usr/bin/chromedriver");
        if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
            return;
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toString());
        Path profile = Files.createTempDirectory("dock-chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,900", "--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).build(), options);
        Thread load = new Thread(() -> {
            URI entry = URI.create("http://127.0.0.1:" + ex.publicPort + "/");
            while (!Thread.currentThread().isInterrupted()) {
                users.get(entry, "public.localhost", Map.of());
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "compose-screenshot-load");
        try {
            driver.get(ex.trafficviz.resolve("/login").toString());
            driver.findElement(By.name("user")).sendKeys("admin");
            driver.findElement(By.name("password")).sendKeys(password);
            driver.findElement(By.cssSelector("button[type=submit]")).click();
            Thread.sleep(1_000);
            driver.get(ex.trafficviz.resolve("/").toString());
            load.start();
            Thread.sleep(8_000); // the layout settles and requests are in flight
            Path dir = Files.createDirectories(Path.of("target", "browser-screenshots"));
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } finally {
            load.interrupt();
            driver.quit();
        }
    }

    @Test
    @Order(3)
    void twoServersDrawTheCrossServerCallFromServerBsOwnNodeAndTheOutsider() throws Exception {
        Example ex = up("dock-two", "examples/two-servers/docker-compose.yml", 8);
        String publicA = "proxy:server-a/public-proxy";
        String privateA = "proxy:server-a/private-proxy";
        String publicB = "proxy:server-b/public-proxy";
        String privateB = "proxy:server-b/private-proxy";
        sendUsers(ex.publicPort, REQUESTS);
        sendUsers(ex.publicPortB, REQUESTS);
        // 5 lines per request on each server, and server B's second private service also calls server A's leaf
        JsonNode doc = settled(ex.trafficviz, ex.cookie, 11L * REQUESTS);

        Map<String, JsonNode> edges = edges(doc);
        Map<String, Long> want = new TreeMap<>(conceptEdges("server-a", publicA, privateA, callerOf(edges, publicA),
                REQUESTS));
        want.putAll(conceptEdges("server-b", publicB, privateB, callerOf(edges, publicB), REQUESTS));
        String crossCaller = "service:server-b/private-communicating-service-2";
        String leafA = "service:server-a/private-non-communicating-service";
        want.put(edge(crossCaller, privateA), (long) REQUESTS);
        want.merge(edge(privateA, leafA), (long) REQUESTS, Long::sum);
        assertThat(requests(edges)).isEqualTo(want);
        assertThat(nodes(doc).keySet()).containsExactlyInAnyOrderElementsOf(nodesOf(want));
        assertThat(doc.path("outsiders").path("count").asLong()).isZero();

        // an address on server A's private network that is none of its workloads calls its private proxy
        DockerCli.Result outsider = docker.docker(120, "run", "--rm", "--name", "dock-outsider", "--network",
                "dock-two_a-private-net", baseImages.get("RUNTIME_IMAGE"), "bash", "-c",
                "for i in 1 2 3; do curl -s -o /dev/null -w '%{http_code} ' http://a-private-proxy/private-non-communicating-service/data; done");
        assertThat(outsider.output().trim().split(" ")).as(outsider.output()).hasSize(3)
                .allSatisfy(status -> assertThat(status).isIn("200", "400"));
        doc = settled(ex.trafficviz, ex.cookie, 11L * REQUESTS + 3);
        Map<String, JsonNode> after = edges(doc);
        List<String> flagged = new ArrayList<>();
        doc.path("nodes").forEach(n -> {
            if (n.path("outsider").asBoolean()) {
                flagged.add(n.path("id").asText());
            }
        });
        assertThat(flagged).singleElement().asString().startsWith("unrecognised:server-a/private-net/");
        assertThat(after.get(edge(flagged.get(0), privateA)).path("requests").asLong()).isEqualTo(3);
        assertThat(doc.path("outsiders").path("count").asLong()).isEqualTo(3);
        assertThat(after.get(edge(privateA, leafA)).path("requests").asLong()).isEqualTo(3L * REQUESTS + 3);
    }

    @Test
    @Order(4)
    void dockerLabelsNeedNoNames() throws Exception {
        Example ex = up("dock-labels", "examples/docker-labels/docker-compose.yml", 4);
        String traefik = "proxy:docker-host/traefik";
        sendUsers(ex.publicPort, REQUESTS);
        JsonNode doc = settled(ex.trafficviz, ex.cookie, 5L * REQUESTS);

        Map<String, JsonNode> edges = edges(doc);
        String outside = edges.keySet().stream().filter(e -> e.endsWith("->" + traefik)).map(e -> e.split("->")[0])
                .filter(from -> !from.startsWith("service:")).findFirst().orElseThrow();
        Map<String, Long> want = conceptEdges("docker-host", traefik, traefik, outside, REQUESTS);
        assertThat(requests(edges)).isEqualTo(want);
        assertThat(nodes(doc).keySet()).containsExactlyInAnyOrderElementsOf(nodesOf(want));
        assertRedOnlyOnTheLeafsEdges(edges, "docker-host", traefik, traefik, outside,
                stats(ex, "private-non-communicating-service"), 2L * REQUESTS);
    }

    /** One example brought up: its project, ports and a logged-in session, with discovery done. */
    private record Example(String project, String file, Map<String, String> env, int publicPort, int publicPortB,
                           URI trafficviz, String cookie) {
    }

    private Example up(String project, String file, int services) throws Exception {
        int publicPort = FreePorts.pick("127.0.0.1");
        int publicPortB = FreePorts.pick("127.0.0.1");
        int trafficvizPort = FreePorts.pick("127.0.0.1");
        Map<String, String> env = environment(publicPort, publicPortB, trafficvizPort);
        projectsUp.add(project);
        DockerCli.Result up = compose(env, project, file, 300, "up", "-d", "--no-build");
        assertThat(up.ok()).as(up.output()).isTrue();
        URI trafficviz = URI.create("http://127.0.0.1:" + trafficvizPort);
        String cookie = login(trafficviz);
        int proxies = 0;
        for (JsonNode server : networkInfo(trafficviz, cookie).path("servers")) {
            proxies += server.path("proxies").size();
        }
        awaitDiscovery(trafficviz, cookie, proxies);
        awaitServices(trafficviz, cookie, services);
        return new Example(project, file, env, publicPort, publicPortB, trafficviz, cookie);
    }

    private void sendUsers(int port, int count) {
        URI entry = URI.create("http://127.0.0.1:" + port + "/");
        for (int i = 0; i < count; i++) {
            HttpResult r = users.get(entry, "public.localhost", Map.of());
            // the concept: whatever the leaf answered, the user gets 200
            assertThat(r.status()).as("%s %s", r.error(), r.bodyText()).isEqualTo(200);
        }
    }

    /** The caller of the outside users' requests into {@code publicProxy}: Docker's gateway on its network. */
    private static String callerOf(Map<String, JsonNode> edges, String publicProxy) {
        return edges.keySet().stream().filter(e -> e.endsWith("->" + publicProxy)).map(e -> e.split("->")[0])
                .filter(from -> !from.startsWith("service:")).findFirst()
                .orElseThrow(() -> new AssertionError("no outside caller of " + publicProxy + ": " + edges.keySet()));
    }

    /** The concept's hops on one server, {@code n} outside requests: each causes two calls per level below it. */
    private static Map<String, Long> conceptEdges(String server, String publicProxy, String privateProxy, String outside,
                                                  long n) {
        String pub = "service:" + server + "/public-communicating-service";
        String p1 = "service:" + server + "/private-communicating-service-1";
        String p2 = "service:" + server + "/private-communicating-service-2";
        String leaf = "service:" + server + "/private-non-communicating-service";
        Map<String, Long> want = new TreeMap<>();
        want.put(edge(outside, publicProxy), n);
        want.put(edge(publicProxy, pub), n);
        want.put(edge(pub, privateProxy), 2 * n);
        want.put(edge(privateProxy, p1), n);
        want.put(edge(privateProxy, p2), n);
        want.put(edge(p1, privateProxy), n);
        want.put(edge(p2, privateProxy), n);
        want.put(edge(privateProxy, leaf), 2 * n);
        return want;
    }

    private static List<String> nodesOf(Map<String, Long> edges) {
        return edges.keySet().stream().flatMap(e -> java.util.stream.Stream.of(e.split("->"))).distinct().toList();
    }

    private static Map<String, Long> requests(Map<String, JsonNode> edges) {
        Map<String, Long> out = new TreeMap<>();
        edges.forEach((id, e) -> out.put(id, e.path("requests").asLong()));
        return out;
    }

    /** The leaf's own count of 400s is on its edge and its callers' hops; every hop above them is all 2xx. */
    private static void assertRedOnlyOnTheLeafsEdges(Map<String, JsonNode> edges, String server, String publicProxy,
                                                     String privateProxy, String outside, JsonNode leafStats,
                                                     long leafCalls) {
        String pub = "service:" + server + "/public-communicating-service";
        String p1 = "service:" + server + "/private-communicating-service-1";
        String p2 = "service:" + server + "/private-communicating-service-2";
        String leaf = "service:" + server + "/private-non-communicating-service";
        long leaf400 = leafStats.path("answered").path("400").asLong();
        assertThat(leafStats.path("received").asLong()).isEqualTo(leafCalls);
        assertThat(edges.get(edge(privateProxy, leaf)).path("status").path("4xx").asLong()).isEqualTo(leaf400);
        assertThat(edges.get(edge(privateProxy, leaf)).path("status").path("2xx").asLong()).isEqualTo(leafCalls - leaf400);
        if (!publicProxy.equals(privateProxy)) {
            assertThat(edges.get(edge(p1, privateProxy)).path("status").path("4xx").asLong()
                    + edges.get(edge(p2, privateProxy)).path("status").path("4xx").asLong()).isEqualTo(leaf400);
        }
        for (String green : List.of(edge(outside, publicProxy), edge(publicProxy, pub), edge(pub, privateProxy),
                edge(privateProxy, p1), edge(privateProxy, p2))) {
            assertThat(edges.get(green).path("status").path("2xx").asLong()).as(green)
                    .isEqualTo(edges.get(green).path("requests").asLong());
        }
    }

    private String login(URI trafficviz) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(trafficviz.resolve("/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("user=admin&password="
                                + URLEncoder.encode(password, StandardCharsets.UTF_8))).build(),
                        HttpResponse.BodyHandlers.ofString());
                String setCookie = r.headers().firstValue("Set-Cookie").orElse(null);
                if (setCookie != null) {
                    return setCookie.substring(0, setCookie.indexOf(';'));
                }
                assertThat(r.statusCode()).as("login: %s", r.headers().map()).isNotEqualTo(200);
            } catch (java.io.IOException notYet) {
                // trafficviz is still starting
            }
            assertThat(System.currentTimeMillis()).as("trafficviz did not answer a login in 120 s").isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private JsonNode networkInfo(URI trafficviz, String cookie) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(trafficviz.resolve("/network_info"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private void awaitDiscovery(URI trafficviz, String cookie, int proxies) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        JsonNode doc = networkInfo(trafficviz, cookie);
        while (System.currentTimeMillis() < deadline) {
            List<String> ok = new ArrayList<>();
            doc.path("servers").forEach(s -> s.path("proxies").forEach(p -> {
                if ("ok".equals(p.path("api").path("status").asText())) {
                    ok.add(p.path("id").asText());
                }
            }));
            if (ok.size() == proxies) {
                return;
            }
            Thread.sleep(500);
            doc = networkInfo(trafficviz, cookie);
        }
        throw new AssertionError("discovery did not reach every proxy: " + doc.path("servers"));
    }

    /**
     * Waits until discovery lists {@code count} services: Traefik's Docker provider routes to a container only once
     * its health check passed, and a request sent before would be a 404 in the access log.
     */
    private void awaitServices(URI trafficviz, String cookie, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        List<String> services = new ArrayList<>();
        while (System.currentTimeMillis() < deadline) {
            services.clear();
            networkInfo(trafficviz, cookie).path("nodes").forEach(n -> {
                if ("service".equals(n.path("kind").asText())) {
                    services.add(n.path("id").asText());
                }
            });
            if (services.size() >= count) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("discovery lists only " + services);
    }

    private JsonNode settled(URI trafficviz, String cookie, long lines) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode doc = networkInfo(trafficviz, cookie);
        while (doc.path("ingest").path("lines").asLong() < lines && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            doc = networkInfo(trafficviz, cookie);
        }
        Thread.sleep(1_000);
        doc = networkInfo(trafficviz, cookie);
        assertThat(doc.path("ingest").path("lines").asLong()).as("%s", doc.path("ingest")).isEqualTo(lines);
        assertThat(doc.path("ingest").path("malformed").asLong()).isZero();
        return doc;
    }

    /** A demo service's own counts ({@code /_stats}), read inside its container (bash's /dev/tcp: no curl there). */
    private JsonNode stats(Example ex, String service) throws Exception {
        DockerCli.Result r = compose(ex.env, ex.project, ex.file, 60, "exec", "-T", service, "bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /_stats HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3");
        assertThat(r.ok()).as(r.output()).isTrue();
        return JSON.readTree(r.output().substring(r.output().indexOf("\r\n\r\n") + 4));
    }

    private void awaitHealthy(String project, String service) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        String state = "";
        while (System.currentTimeMillis() < deadline) {
            DockerCli.Result r = docker.docker(30, "inspect", "--format", "{{.State.Health.Status}}",
                    project + "-" + service + "-1");
            state = r.output().trim();
            if ("healthy".equals(state)) {
                return;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError(service + "'s health check: " + state);
    }

}
