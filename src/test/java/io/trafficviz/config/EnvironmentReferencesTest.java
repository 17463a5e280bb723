package io.trafficviz.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentReferencesTest {
    private static final Path BASE = Path.of("/etc/trafficviz");
    private static final String CONFIG = """
            listen: ${LISTEN:-127.0.0.1:8082}
            reverseDns: ${REVERSE_DNS:-false}
            stateDir: ${STATE_DIRECTORY}/state
            servers:
              - name: ${SERVER_NAME}
                trustedNetworks: ["${TRUSTED}"]
                proxies:
                  - name: edge
                    accessLog: ${LOG_DIR:-/var/log/traefik}/access.log
                    api: http://${API_HOST}:8080
            ingest:
              maxBodyBytes: ${MAX_BODY:-1048576}
              token: ${TOKEN}
            history:
              enabled: ${HISTORY:-true}
            """;

    private static TrafficvizConfig parse(String yaml, Map<String, String> environment) {
        return ConfigLoader.parse(yaml, BASE, environment::get);
    }

    private static final Map<String, String> SET = Map.of("LISTEN", "0.0.0.0:9000", "REVERSE_DNS", "true",
            "STATE_DIRECTORY", "/var/lib/trafficviz", "SERVER_NAME", "server-b", "TRUSTED", "10.2.0.0/16",
            "LOG_DIR", "/srv/logs", "API_HOST", "10.2.0.7", "MAX_BODY", "4096", "TOKEN", " s3cret ", "HISTORY", "false");

    @Test
    void everyValueOfEverySectionReadsTheEnvironment() {
        TrafficvizConfig c = parse(CONFIG, SET);
        assertThat(c.listenHost()).isEqualTo("0.0.0.0");
        assertThat(c.listenPort()).isEqualTo(9000);
        assertThat(c.reverseDns()).isTrue();
        assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/trafficviz/state"));
        assertThat(c.servers().get(0).name()).isEqualTo("server-b");
        assertThat(c.servers().get(0).trustedNetworks()).hasSize(1);
        assertThat(c.servers().get(0).proxies().get(0).accessLog()).isEqualTo("/srv/logs/access.log");
        assertThat(c.servers().get(0).proxies().get(0).api()).isEqualTo("http://10.2.0.7:8080");
        assertThat(c.ingestMaxBodyBytes()).isEqualTo(4096);
        assertThat(c.ingestToken()).isEqualTo("s3cret");
        assertThat(c.history().enabled()).isFalse();
    }

    @Test
    void defaultsApplyWhenUnsetOrEmpty() {
        Map<String, String> few = Map.of("STATE_DIRECTORY", "/var/lib/trafficviz", "SERVER_NAME", "server-a",
                "TRUSTED", "10.1.0.0/16", "API_HOST", "127.0.0.1", "TOKEN", "t", "LOG_DIR", "");
        TrafficvizConfig c = parse(CONFIG, few);
        assertThat(c.listenPort()).isEqualTo(8082);
        assertThat(c.reverseDns()).isFalse();
        assertThat(c.servers().get(0).proxies().get(0).accessLog()).isEqualTo("/var/log/traefik/access.log");
        assertThat(c.ingestMaxBodyBytes()).isEqualTo(1_048_576);
        assertThat(c.history().enabled()).isTrue();
    }

    @Test
    void anUnsetVariableWithoutDefaultNamesTheKeyAndTheVariable() {
        Map<String, String> noApiHost = new java.util.HashMap<>(SET);
        noApiHost.remove("API_HOST");
        assertThatThrownBy(() -> parse(CONFIG, noApiHost)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("servers[0].proxies[0].api: environment variable API_HOST is not set");
        Map<String, String> emptyTrusted = new java.util.HashMap<>(SET);
        emptyTrusted.put("TRUSTED", "");
        assertThatThrownBy(() -> parse(CONFIG, emptyTrusted)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("servers[0].trustedNetworks[0]: environment variable TRUSTED is empty");
    }

    @Test
    void aWholeReferenceStillMeetsItsKeysRules() {
        Map<String, String> bad = new java.util.HashMap<>(SET);
        bad.put("MAX_BODY", "10MiB");
        assertThatThrownBy(() -> parse(CONFIG, bad)).hasMessageContaining("ingest.maxBodyBytes: must be a whole number");
        bad.put("MAX_BODY", "4096");
        bad.put("REVERSE_DNS", "yes");
        assertThatThrownBy(() -> parse(CONFIG, bad)).hasMessageContaining("reverseDns: must be true or false");
    }

    @Test
    void dollarDollarIsALiteralDollarAndAStrayReferenceIsAnError() {
        String yaml = """
                servers: [{name: a, proxies: [{name: p, accessLog: "/logs/$${HOME}/a$$b.log"}]}]
                """;
        assertThat(parse(yaml, Map.of()).servers().get(0).proxies().get(0).accessLog()).isEqualTo("/logs/${HOME}/a$b.log");
        assertThatThrownBy(() -> parse("servers: [{name: a, proxies: [{name: p, accessLog: \"${1X}\"}]}]", Map.of()))
                .hasMessageContaining("servers[0].proxies[0].accessLog: '${' starts an environment reference");
        // A bcrypt hash is full of '$' but holds no reference: it is left alone.
        String hash = "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
        TrafficvizConfig c = parse("servers: [{name: a, proxies: [{name: p}]}]\nauth: {users: [{name: ada, passwordHash: '"
                + hash + "'}]}", Map.of());
        assertThat(c.auth().users().get(0).passwordHash()).isEqualTo(hash);
    }
}
