package io.trafficviz.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Helm chart (deploy/helm/trafficviz) through the real Helm (scripts/build-helm.sh): {@code helm lint}, and
 * {@code helm template} read back as YAML: what a cluster would run. No cluster runs it here.
 */
class HelmChartIT {
    private static final Path CHART = Path.of("deploy/helm/trafficviz");
    private static final String HASH = "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static Path helm;

    @BeforeAll
    static void findHelm() {
        helm = CachedTool.find("trafficviz.helm", "HELM_BIN", "helm/v3.22.1/helm");
        assumeTrue(helm != null, "no Helm binary: run scripts/build-helm.sh (or set -Dtrafficviz.helm / HELM_BIN)");
    }

    private record Result(int exit, String output) {
    }

    private static Result helm(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(helm.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Helm's own state (repositories, cache) goes to target/, never to the user's home.
        Path home = Path.of("target/helm-home").toAbsolutePath();
        builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
        builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
        builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static Map<String, JsonNode> render(String... sets) throws Exception {
        List<String> args = new ArrayList<>(List.of("template", "trafficviz", CHART.toString(), "--namespace", "obs",
                "--set", "ingestToken=s3cret-token", "--set-string", "adminPasswordHash=" + HASH));
        for (String set : sets) {
            args.addAll(List.of("--set", set));
        }
        Result r = helm(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.output()).isZero();
        Map<String, JsonNode> byKind = new HashMap<>();
        for (JsonNode doc : YAML.readerFor(JsonNode.class).<JsonNode>readValues(r.output()).readAll()) {
            if (doc != null && doc.has("kind")) {
                byKind.put(doc.path("kind").asText(), doc);
            }
        }
        return byKind;
    }

    @Test
    void lintsCleanAndRefusesToRenderWithoutItsSecrets() throws Exception {
        Result lint = helm("lint", "--strict", CHART.toString(), "--set", "ingestToken=t", "--set-string",
                "adminPasswordHash=" + HASH);
        assertThat(lint.exit()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("1 chart(s) linted, 0 chart(s) failed");
        Result bare = helm("template", "trafficviz", CHART.toString());
        assertThat(bare.exit()).isNotZero();
        assertThat(bare.output()).contains("ingestToken is required (or existingSecret)");
    }

    @Test
    void runsNonRootOnAReadOnlyRootWithWritableTmpAndState() throws Exception {
        JsonNode pod = render().get("Deployment").path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isPositive();
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        JsonNode container = pod.path("containers").get(0);
        JsonNode security = container.path("securityContext");
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");

        Map<String, String> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        assertThat(mounts).containsEntry("/tmp", "tmp").containsEntry("/var/lib/trafficviz", "state")
                .containsEntry("/etc/trafficviz", "config");
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        assertThat(volumes.get("tmp").has("emptyDir")).isTrue();
        assertThat(volumes.get("state").has("emptyDir")).isTrue();
        assertThat(env(container, "XDG_STATE_HOME").path("value").asText()).isEqualTo("/var/lib");

        JsonNode persistent = render("persistence.enabled=true").get("Deployment").path("spec").path("template")
                .path("spec").path("volumes");
        assertThat(persistent.toString()).contains("\"persistentVolumeClaim\":{\"claimName\":\"trafficviz\"}");
        assertThat(render("persistence.enabled=true")).containsKey("PersistentVolumeClaim");
    }

    @Test
    void probesAskTheRightPathsOnTheListenedPort() throws Exception {
        Map<String, JsonNode> docs = render();
        JsonNode container = docs.get("Deployment").path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
        assertThat(container.path("ports").get(0).path("name").asText()).isEqualTo("http");
        TrafficvizConfig config = config(docs);
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(config.listenPort());
        assertThat(docs.get("Service").path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
        assertThat(container.path("args").toString()).isEqualTo("[\"serve\",\"--config\",\"/etc/trafficviz/trafficviz.yml\"]");
        assertThat(container.path("resources").path("limits").path("memory").asText()).isEqualTo("1536Mi");
        assertThat(container.path("command").toString()).contains("-XX:MaxRAMPercentage=50", "/app/trafficviz.jar");
    }

    @Test
    void theSecretFeedsTheConfigsReferencesAndTheConfigLoads() throws Exception {
        Map<String, JsonNode> docs = render();
        JsonNode secret = docs.get("Secret");
        JsonNode container = docs.get("Deployment").path("spec").path("template").path("spec").path("containers").get(0);
        for (String variable : List.of("TRAFFICVIZ_INGEST_TOKEN", "TRAFFICVIZ_ADMIN_HASH")) {
            JsonNode ref = env(container, variable).path("valueFrom").path("secretKeyRef");
            assertThat(ref.path("name").asText()).isEqualTo(secret.path("metadata").path("name").asText());
            assertThat(secret.path("stringData").has(ref.path("key").asText())).as(variable).isTrue();
        }
        TrafficvizConfig config = config(docs);
        assertThat(config.ingestToken()).isEqualTo("s3cret-token");
        assertThat(config.auth().users().get(0).passwordHash()).isEqualTo(HASH);
        assertThat(config.listenHost()).isEqualTo("0.0.0.0");
        assertThat(config.http().allowedHosts()).contains("trafficviz.obs.svc", "trafficviz.obs.svc.cluster.local");
        assertThat(config.servers().get(0).name()).isEqualTo("cluster");
        assertThat(config.servers().get(0).proxies().get(0).name()).isEqualTo("traefik");

        Map<String, JsonNode> existing = render("existingSecret=ops-made");
        assertThat(existing).doesNotContainKey("Secret");
        JsonNode ref = env(existing.get("Deployment").path("spec").path("template").path("spec").path("containers").get(0),
                "TRAFFICVIZ_INGEST_TOKEN").path("valueFrom").path("secretKeyRef");
        assertThat(ref.path("name").asText()).isEqualTo("ops-made");
    }

    @Test
    void traefiksValuesPointAtTheChartsServiceWithTheConfigsNames() throws Exception {
        JsonNode values = YAML.readTree(Files.readString(Path.of("deploy/helm/traefik-values.yaml")));
        assertThat(values.path("experimental").path("otlpLogs").asBoolean()).isTrue();
        assertThat(values.path("logs").path("access").path("format").asText()).isEqualTo("json");
        assertThat(values.path("logs").path("access").path("fields").path("headers").path("names")
                .path("X-Network-Name").asText()).isEqualTo("keep");
        String args = values.path("additionalArguments").toString();
        // The release "trafficviz" in namespace "trafficviz": the chart names its Service "trafficviz".
        Map<String, JsonNode> docs = render();
        String service = docs.get("Service").path("metadata").path("name").asText();
        assertThat(args).contains("--accesslog.otlp.http.endpoint=http://" + service + ".trafficviz.svc:8082/v1/logs",
                "--accesslog.otlp.http.headers.Authorization=Bearer $(TRAFFICVIZ_INGEST_TOKEN)");
        TrafficvizConfig config = config(docs);
        assertThat(args).contains("trafficviz.server=" + config.servers().get(0).name(),
                "trafficviz.proxy=" + config.servers().get(0).proxies().get(0).name());
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no env " + name + " in " + container.path("env"));
    }

    /** The rendered ConfigMap's trafficviz.yml, loaded by trafficviz's own loader with the Secret as environment. */
    private static TrafficvizConfig config(Map<String, JsonNode> docs) {
        String yaml = docs.get("ConfigMap").path("data").path("trafficviz.yml").asText();
        JsonNode secret = docs.get("Secret").path("stringData");
        Map<String, String> environment = Map.of("TRAFFICVIZ_INGEST_TOKEN", secret.path("ingest-token").asText(),
                "TRAFFICVIZ_ADMIN_HASH", secret.path("admin-password-hash").asText());
        return ConfigLoader.parse(yaml, Path.of("/etc/trafficviz"), environment::get);
    }
}
