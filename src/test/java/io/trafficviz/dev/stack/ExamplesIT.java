package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.ProxyConfig;
import io.trafficviz.config.ServerConfig;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.dev.demo.BoundHttpClient;
import io.trafficviz.dev.demo.HttpResult;
import io.trafficviz.dev.demo.ServiceCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What can be checked of the file-provider Docker examples without a Docker engine (ComposeExamplesIT runs them under
 * one): every file a compose file references exists, every Traefik config they use is accepted by the pinned Traefik
 * and serves its routers, trafficviz's YAML loads and matches the proxies, and the services' commands parse and reach
 * their peers through a proxy on a network they share.
 */
class ExamplesIT {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path EXAMPLES = Path.of("examples");
    private static final String SERVICES_DOCKERFILE = "examples/docker/Dockerfile.services";

    /**
     * The examples whose Traefik reads the file provider, which can be checked here without an engine; docker-labels
     * needs Docker's API and is run only by ComposeExamplesIT.
     */
    static Stream<Path> composeFiles() throws IOException {
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            return dirs.map(d -> d.resolve("docker-compose.yml")).filter(Files::exists)
                    .filter(f -> !f.getParent().getFileName().toString().equals("docker-labels")).sorted().toList().stream();
        }
    }

    @Test
    void bothExamplesAndBothDockerfilesExist() throws IOException {
        assertThat(composeFiles().map(p -> p.getParent().getFileName().toString()))
                .containsExactly("single-server", "two-servers");
        assertThat(Path.of("examples/docker-labels/docker-compose.yml")).isRegularFile();
        for (String dockerfile : List.of("examples/docker/Dockerfile", SERVICES_DOCKERFILE)) {
            String text = Files.readString(Path.of(dockerfile));
            // Multi-stage: the build stage runs the wrapper, the runtime stage copies the jar it built (finalName trafficviz).
            assertThat(text).contains("./mvnw -B -q package -DskipTests").contains("COPY --from=build /trafficviz.jar")
                    .doesNotContain("COPY target/");
            assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>trafficviz</finalName>");
        }
    }

    /**
     * The image's JVM options, run by this machine's Java 17 (the image's is Temurin 17): a misspelt or removed option
     * would stop the container before trafficviz starts. No Docker engine here, so the options are checked, not the image.
     */
    @Test
    void theDockerEntrypointsJavaOptionsAreAcceptedByJava17() throws Exception {
        String text = Files.readString(Path.of("examples/docker/Dockerfile")).replace("\\\n", " ");
        Matcher m = Pattern.compile("(?m)^ENTRYPOINT\\s+(\\[.*])\\s*$").matcher(text);
        assertThat(m.find()).as("an exec-form ENTRYPOINT").isTrue();
        List<String> entrypoint = new ArrayList<>();
        new ObjectMapper().readTree(m.group(1)).forEach(n -> entrypoint.add(n.asText()));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        List<String> options = entrypoint.subList(1, entrypoint.indexOf("-jar"));
        assertThat(options).anyMatch(o -> o.startsWith("-Xmx"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes());
        assertThat(java.waitFor()).as(output).isZero();
        assertThat(output).doesNotContain("Unrecognized", "Ignoring option");
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void everyFileAComposeFileReferencesExists(Path composeFile) throws IOException {
        Compose compose = Compose.load(composeFile);
        assertThat(compose.services()).isNotEmpty();
        for (String name : compose.services()) {
            JsonNode svc = compose.service(name);
            JsonNode build = svc.path("build");
            if (!build.isMissingNode()) {
                Path context = compose.dir.resolve(build.path("context").asText(".")).normalize();
                assertThat(context).as("%s build context", name).isDirectory();
                assertThat(context.resolve(build.path("dockerfile").asText("Dockerfile"))).as("%s Dockerfile", name).isRegularFile();
            }
            for (Mount m : compose.mounts(name)) {
                if (m.bind()) {
                    assertThat(m.source()).as("%s mount %s", name, m.target()).exists();
                } else {
                    assertThat(compose.root.path("volumes").has(m.volume())).as("%s volume %s declared", name, m.volume()).isTrue();
                }
            }
            for (String net : compose.networks(name)) {
                assertThat(compose.root.path("networks").has(net)).as("%s network %s declared", name, net).isTrue();
            }
            svc.path("depends_on").forEach(d -> assertThat(compose.services()).contains(d.asText()));
            if (compose.isTraefik(name)) {
                assertThat(svc.path("image").asText()).isEqualTo("${TRAEFIK_IMAGE:-traefik:" + TraefikBinary.PINNED_VERSION + "}");
                Path staticConfig = compose.traefikStaticConfig(name);
                assertThat(staticConfig).as("%s static config", name).isRegularFile();
                assertThat(compose.traefikDynamicConfig(name)).as("%s dynamic config", name).isRegularFile();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void servicesCommandsParseAndCallOnlyThroughAProxyOnASharedNetwork(Path composeFile) throws IOException {
        Compose compose = Compose.load(composeFile);
        int checked = 0;
        for (String name : compose.services()) {
            if (!SERVICES_DOCKERFILE.equals(compose.service(name).path("build").path("dockerfile").asText())) {
                continue;
            }
            List<String> args = compose.command(name);
            CommandLine.ParseResult parsed = new CommandLine(new ServiceCommand()).parseArgs(args.toArray(String[]::new));
            assertThat(parsed.hasSubcommand()).as("%s runs a service subcommand", name).isTrue();
            for (String downstream : parsed.subcommand().matchedOptionValue("--downstream", List.<String>of())) {
                URI uri = URI.create(downstream.substring(downstream.indexOf('=') + 1));
                String target = compose.resolveHost(name, uri.getHost());
                assertThat(target).as("%s calls %s: a host it shares a network with", name, uri).isNotNull();
                assertThat(compose.isTraefik(target)).as("%s calls %s through a proxy", name, uri).isTrue();
                JsonNode routers = YAML.readTree(compose.traefikDynamicConfig(target).toFile()).path("http").path("routers");
                boolean routed = false;
                for (JsonNode r : routers) {
                    Matcher m = Pattern.compile("PathPrefix\\(`([^`]*)`\\)").matcher(r.path("rule").asText());
                    routed |= m.find() && uri.getPath().startsWith(m.group(1));
                }
                assertThat(routed).as("%s's call %s matches a router of %s", name, uri, target).isTrue();
                checked++;
            }
        }
        assertThat(checked).isPositive();
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void trafficvizConfigLoadsAndMatchesTheProxies(Path composeFile) throws IOException {
        Compose compose = Compose.load(composeFile);
        List<String> command = compose.command("trafficviz");
        Path configFile = compose.hostPath("trafficviz", command.get(command.indexOf("--config") + 1));
        assertThat(configFile).isRegularFile();
        // The compose file hands the admin's bcrypt hash over in the environment, as the example's comment says.
        assertThat(compose.service("trafficviz").path("environment").path("TRAFFICVIZ_ADMIN_HASH").asText())
                .startsWith("${TRAFFICVIZ_ADMIN_HASH:?");
        TrafficvizConfig config = ConfigLoader.parse(Files.readString(configFile).replace("${TRAFFICVIZ_ADMIN_HASH}",
                "\"$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\""), configFile.getParent());
        // published on the host's loopback only (Docker's published ports bypass host firewalls)
        assertThat(compose.service("trafficviz").path("ports").get(0).asText())
                .isEqualTo("127.0.0.1:${TRAFFICVIZ_PORT:-82}:" + config.listenPort());
        assertThat(config.listenPort()).isEqualTo(82);
        // It publishes a port: a login guards it, and the listen rule lets it start.
        assertThat(config.auth().enabled()).isTrue();
        config.auth().requireSafeListen(config.listenHost());

        Set<String> watched = new HashSet<>();
        for (ServerConfig server : config.servers()) {
            for (ProxyConfig proxy : server.proxies()) {
                URI api = URI.create(proxy.api());
                String traefik = compose.resolveHost("trafficviz", api.getHost());
                assertThat(traefik).as("%s api host", proxy.name()).isNotNull();
                assertThat(compose.isTraefik(traefik)).isTrue();
                assertThat(watched.add(traefik)).as("%s watched once", traefik).isTrue();
                JsonNode st = YAML.readTree(compose.traefikStaticConfig(traefik).toFile());
                assertThat(st.path("entryPoints").path("traefik").path("address").asText()).isEqualTo(":" + api.getPort());
                assertThat(st.path("api").path("insecure").asBoolean()).isTrue();
                // trafficviz reads the very file the proxy writes, through the shared volume.
                assertThat(proxy.accessLog()).isEqualTo(st.path("accessLog").path("filePath").asText());
                assertThat(proxy.format()).isEqualTo(st.path("accessLog").path("format").asText());
                Mount logs = compose.mountFor(traefik, proxy.accessLog());
                assertThat(compose.mountFor("trafficviz", proxy.accessLog()).volume()).isEqualTo(logs.volume()).isNotNull();
                assertThat(st.path("accessLog").path("fields").path("headers").path("names").path(ProxySpec.NETWORK_HEADER).asText())
                        .isEqualTo("keep");
                JsonNode dyn = YAML.readTree(compose.traefikDynamicConfig(traefik).toFile());
                assertThat(dyn.path("http").path("middlewares").path(ProxySpec.MIDDLEWARE).path("headers")
                        .path("customRequestHeaders").path(ProxySpec.NETWORK_HEADER).asText()).isEqualTo(proxy.network());
                assertThat(proxy.role().wireName()).isEqualTo(traefik.contains("public") ? "public" : "private");
            }
        }
        assertThat(watched).containsExactlyInAnyOrderElementsOf(compose.services().stream().filter(compose::isTraefik).toList());
    }

    @ParameterizedTest
    @MethodSource("composeFiles")
    void thePinnedTraefikAcceptsEveryConfigAndServesItsRouters(Path composeFile, @TempDir Path tmp) throws Exception {
        Path binary = TraefikBinary.locate().orElse(null);
        assumeTrue(binary != null, TraefikBinary.notFoundMessage());
        Compose compose = Compose.load(composeFile);
        // Start them all, then check each: they use distinct ports, and starting in parallel saves seconds.
        List<Running> running = new ArrayList<>();
        try {
            for (String name : compose.services()) {
                if (compose.isTraefik(name)) {
                    running.add(startTraefik(binary, compose, name, tmp.resolve(name)));
                }
            }
            assertThat(running).hasSizeGreaterThanOrEqualTo(2);
            for (Running r : running) {
                checkTraefik(r);
            }
        } finally {
            running.forEach(r -> r.traefik().terminate());
            running.forEach(r -> r.traefik().close());
        }
    }

    private record Running(String name, TraefikProcess traefik, JsonNode dynamic, Path accessLog) {
    }

    /**
     * Runs one example's Traefik with its static config, rewriting only what would collide or cannot exist here:
     * entry-point addresses (free ports on 127.0.0.1), the provider and access-log paths (host paths), and the backend
     * hosts in a copy of the dynamic config (container names: a closed local port instead, so a routed request fails
     * fast with 502 rather than waiting on DNS).
     */
    private static Running startTraefik(Path binary, Compose compose, String name, Path dir) throws Exception {
        Files.createDirectories(dir);
        ObjectNode st = (ObjectNode) YAML.readTree(compose.traefikStaticConfig(name).toFile());
        Map<String, Integer> ports = new LinkedHashMap<>();
        st.path("entryPoints").fields().forEachRemaining(e -> {
            int port = FreePorts.pick("127.0.0.1");
            ports.put(e.getKey(), port);
            ((ObjectNode) e.getValue()).put("address", "127.0.0.1:" + port);
        });
        assertThat(ports).containsKeys("web", "traefik");

        JsonNode dynamic = YAML.readTree(compose.traefikDynamicConfig(name).toFile());
        int closedPort = FreePorts.pick("127.0.0.1");
        dynamic.path("http").path("services").forEach(svc -> svc.path("loadBalancer").path("servers").forEach(server ->
                ((ObjectNode) server).put("url", "http://127.0.0.1:" + closedPort)));
        Path dynamicCopy = dir.resolve("dynamic.yml");
        YAML.writeValue(dynamicCopy.toFile(), dynamic);
        ((ObjectNode) st.path("providers").path("file")).put("filename", dynamicCopy.toString());
        Path accessLog = dir.resolve("access.log");
        ((ObjectNode) st.path("accessLog")).put("filePath", accessLog.toString());
        Path staticCopy = dir.resolve("traefik.yml");
        YAML.writeValue(staticCopy.toFile(), st);

        ProxySpec spec = new ProxySpec(name, "", "", "127.0.0.1", ports.get("web"), "127.0.0.1", ports.get("traefik"), List.of());
        TraefikProcess traefik = TraefikProcess.start(binary, spec, dir, staticCopy, dynamicCopy, accessLog,
                dir.resolve("traefik.out"));
        return new Running(name, traefik, dynamic, accessLog);
    }

    private static void checkTraefik(Running running) throws Exception {
        TraefikProcess traefik = running.traefik();
        JsonNode dynamic = running.dynamic();
        Path accessLog = running.accessLog();
        Set<String> routers = new TreeSet<>();
        dynamic.path("http").path("routers").fieldNames().forEachRemaining(r -> routers.add(r + "@file"));
        assertThat(routers).as("%s routers", running.name()).isNotEmpty();
        {
            traefik.awaitReady(Duration.ofSeconds(20), routers);
            Set<String> services = new TreeSet<>();
            traefik.apiList("/api/http/services").forEach(s -> services.add(s.path("name").asText()));
            dynamic.path("http").path("services").fieldNames().forEachRemaining(s -> assertThat(services).contains(s + "@file"));
            assertThat(Files.readString(traefik.processLog())).doesNotContain("field not found").doesNotContain("ERR");

            // A routed request crosses the network-name middleware; its kept header lands in the JSON access log.
            String network = dynamic.path("http").path("middlewares").path(ProxySpec.MIDDLEWARE).path("headers")
                    .path("customRequestHeaders").path(ProxySpec.NETWORK_HEADER).asText();
            JsonNode firstRule = dynamic.path("http").path("routers").elements().next().path("rule");
            Matcher host = Pattern.compile("Host\\(`([^`]*)`\\)").matcher(firstRule.asText());
            Matcher prefix = Pattern.compile("PathPrefix\\(`([^`]*)`\\)").matcher(firstRule.asText());
            BoundHttpClient client = new BoundHttpClient(null, 2000, 5000);
            HttpResult routed = client.get(traefik.spec().webUri().resolve(prefix.find() ? prefix.group(1) + "/x" : "/"),
                    host.find() ? host.group(1) : null, Map.of());
            assertThat(routed.status()).isEqualTo(502);
            AccessLogs.awaitLines(accessLog, 1, 5000);
            assertThat(AccessLogs.read(accessLog).get(0).path("request_" + ProxySpec.NETWORK_HEADER).asText()).isEqualTo(network);
        }
    }

    /** A compose file, read as a tree. */
    private record Compose(Path dir, JsonNode root) {
        static Compose load(Path file) throws IOException {
            return new Compose(file.toAbsolutePath().getParent(), YAML.readTree(file.toFile()));
        }

        List<String> services() {
            List<String> out = new ArrayList<>();
            root.path("services").fieldNames().forEachRemaining(out::add);
            return out;
        }

        JsonNode service(String name) {
            JsonNode s = root.path("services").path(name);
            assertThat(s.isObject()).as("service %s", name).isTrue();
            return s;
        }

        boolean isTraefik(String name) {
            // "${TRAEFIK_IMAGE:-traefik:<version>}": CI runs a locally made image
            return service(name).path("image").asText().startsWith("${TRAEFIK_IMAGE:-traefik:");
        }

        List<String> command(String name) {
            List<String> out = new ArrayList<>();
            JsonNode c = service(name).path("command");
            assertThat(c.isArray()).as("%s command is a list", name).isTrue();
            c.forEach(a -> out.add(a.asText()));
            return out;
        }

        List<String> networks(String name) {
            List<String> out = new ArrayList<>();
            JsonNode n = service(name).path("networks");
            if (n.isArray()) {
                n.forEach(x -> out.add(x.asText()));
            } else {
                n.fieldNames().forEachRemaining(out::add);
            }
            return out;
        }

        /** Names a service answers to on a network: its own name and its aliases there. */
        Set<String> namesOn(String name, String network) {
            Set<String> out = new HashSet<>(Set.of(name));
            service(name).path("networks").path(network).path("aliases").forEach(a -> out.add(a.asText()));
            return out;
        }

        /** The service a caller reaches by {@code host} on a network they share, or null. */
        String resolveHost(String caller, String host) {
            for (String net : networks(caller)) {
                for (String other : services()) {
                    if (!other.equals(caller) && networks(other).contains(net) && namesOn(other, net).contains(host)) {
                        return other;
                    }
                }
            }
            return null;
        }

        List<Mount> mounts(String name) {
            List<Mount> out = new ArrayList<>();
            for (JsonNode v : service(name).path("volumes")) {
                String[] parts = v.asText().split(":");
                String src = parts[0];
                boolean bind = src.startsWith(".") || src.startsWith("/");
                out.add(new Mount(bind ? dir.resolve(src).normalize() : null, bind ? null : src, parts[1]));
            }
            return out;
        }

        Mount mountFor(String name, String containerPath) {
            Mount best = null;
            for (Mount m : mounts(name)) {
                if ((containerPath + "/").startsWith(m.target() + "/") && (best == null || m.target().length() > best.target().length())) {
                    best = m;
                }
            }
            assertThat(best).as("%s has a mount for %s", name, containerPath).isNotNull();
            return best;
        }

        /** The host file behind a container path of a bind mount. */
        Path hostPath(String name, String containerPath) {
            Mount m = mountFor(name, containerPath);
            assertThat(m.bind()).as("%s: %s is bind-mounted", name, containerPath).isTrue();
            String rest = containerPath.substring(m.target().length()).replaceFirst("^/", "");
            return rest.isEmpty() ? m.source() : m.source().resolve(rest);
        }

        Path traefikStaticConfig(String name) {
            String arg = command(name).stream().filter(a -> a.startsWith("--configFile=")).findFirst().orElseThrow();
            return hostPath(name, arg.substring("--configFile=".length()));
        }

        Path traefikDynamicConfig(String name) throws IOException {
            JsonNode st = YAML.readTree(traefikStaticConfig(name).toFile());
            return hostPath(name, st.path("providers").path("file").path("filename").asText());
        }
    }

    private record Mount(Path source, String volume, String target) {
        boolean bind() {
            return source != null;
        }
    }
}
