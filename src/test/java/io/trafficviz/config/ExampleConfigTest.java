package io.trafficviz.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped example must stay valid: a user's first config is a copy of it. */
class ExampleConfigTest {
    @Test
    void exampleConfigLoads() {
        TrafficvizConfig c = ConfigLoader.load(Path.of("examples/trafficviz.yml"));
        assertThat(c.servers()).hasSize(1);
        assertThat(c.servers().get(0).proxies()).extracting(ProxyConfig::role)
                .containsExactly(ProxyConfig.Role.PUBLIC, ProxyConfig.Role.PRIVATE);
        assertThat(c.stateDir()).isNotNull();
        assertThat(c.names()).hasSize(2);
        assertThat(c.history().enabled()).isTrue();
        assertThat(c.history().retentionMillis()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(c.history().maxBytes()).isEqualTo(2_000_000_000L);
    }

    /** The commented-out ingest block is valid once uncommented (with its environment variable set). */
    @Test
    void commentedIngestBlockLoadsWhenUncommented() throws Exception {
        String text = Files.readString(Path.of("examples/trafficviz.yml"));
        assertThat(text).contains("# ingest:\n");
        String uncommented = uncommented(text);
        TrafficvizConfig c = ConfigLoader.parse(uncommented, Path.of("examples").toAbsolutePath());
        assertThat(c.ingestToken()).isEqualTo("example-token");
        assertThat(c.ingestMaxBodyBytes()).isEqualTo(TrafficvizConfig.DEFAULT_INGEST_MAX_BODY_BYTES);
    }

    /** The commented-out auth block is valid once uncommented (with its environment variables set). */
    @Test
    void commentedAuthBlockLoadsWhenUncommented() throws Exception {
        String text = Files.readString(Path.of("examples/trafficviz.yml"));
        assertThat(text).contains("# auth:\n");
        String uncommented = uncommented(text);
        AuthConfig auth = ConfigLoader.parse(uncommented, Path.of("examples").toAbsolutePath()).auth();
        assertThat(auth.enabled()).isTrue();
        assertThat(auth.users()).hasSize(1);
        assertThat(auth.tokens()).hasSize(1);
        assertThat(auth.forwardAuth().admins()).containsExactly("alice");
        assertThat(auth.viewer()).isEqualTo(AuthConfig.ViewerPolicy.DEFAULT);
        assertThat(auth.sessionTtlMillis()).isEqualTo(AuthConfig.DEFAULT_SESSION_TTL_MILLIS);
        assertThat(auth.monitoringFrom()).extracting(Cidr::text).containsExactly("127.0.0.1/32", "::1/128");
    }

    /** The example with its commented-out blocks (ingest, auth) uncommented, their environment variables set. */
    private static String uncommented(String text) {
        return text.replace("# ingest:\n", "ingest:\n").replace("# auth:\n", "auth:\n")
                .replaceAll("(?m)^#   ", "  ").replace("${TRAFFICVIZ_INGEST_TOKEN}", "example-token")
                .replace("${TRAFFICVIZ_ADMIN_HASH}", "\"$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\"")
                .replace("${TRAFFICVIZ_GRAFANA_TOKEN_HASH}", "sha256:" + "0".repeat(64));
    }

    /** The commented-out smallest alert setup is valid once uncommented. */
    @Test
    void commentedAlertsBlockLoadsWhenUncommented() throws Exception {
        String text = Files.readString(Path.of("examples/trafficviz.yml"));
        assertThat(text).contains("# alerts:\n");
        String uncommented = text.replace("# alerts:\n", "alerts:\n").replaceAll("(?m)^#  (rules|sinks|- )", "  $1");
        AlertsConfig alerts = ConfigLoader.parse(uncommented, Path.of("examples").toAbsolutePath()).alerts();
        assertThat(alerts.rules()).extracting(AlertsConfig.Rule::name).containsExactly("outsider-on-private");
        assertThat(alerts.sinks()).extracting(AlertsConfig.Sink::type).containsExactly(AlertsConfig.SinkType.ALERTMANAGER);
    }

    /** The commented-out http block is valid once uncommented. */
    @Test
    void commentedHttpBlockLoadsWhenUncommented() throws Exception {
        String text = Files.readString(Path.of("examples/trafficviz.yml"));
        assertThat(text).contains("# http:\n");
        String uncommented = text.replace("# http:\n", "http:\n").replaceAll("(?m)^#  (allowed|maxConn)", "  $1");
        TrafficvizConfig c = ConfigLoader.parse(uncommented, Path.of("examples").toAbsolutePath());
        assertThat(c.http().allowedHosts()).containsExactly("trafficviz.example.com");
        assertThat(c.http().allowedOrigins()).containsExactly("https://trafficviz.example.com");
        assertThat(c.http().maxConnectionsPerAddress()).isEqualTo(HttpConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    /** The commented-out kafka block is valid once uncommented (with its environment variable set). */
    @Test
    void commentedKafkaBlockLoadsWhenUncommented() throws Exception {
        String text = Files.readString(Path.of("examples/trafficviz.yml"));
        assertThat(text).contains("# kafka:\n");
        int at = text.indexOf("# kafka:\n");
        String uncommented = text.substring(0, at) + text.substring(at).replace("# kafka:\n", "kafka:\n")
                .replaceAll("(?m)^#  (?=[a-z])", "  ").replace("${TRAFFICVIZ_KAFKA_JAAS}", "example-jaas");
        KafkaConfig k = ConfigLoader.parse(uncommented, Path.of("examples").toAbsolutePath()).kafka();
        assertThat(k.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(k.topics()).containsExactly("traefik-access");
        assertThat(k.payload()).isEqualTo("lines");
        assertThat(k.properties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "example-jaas");
    }
}
