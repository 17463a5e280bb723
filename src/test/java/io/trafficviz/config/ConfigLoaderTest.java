package io.trafficviz.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private static final Path BASE = Path.of("/etc/trafficviz");

    private static final String VALID = """
            listen: 127.0.0.1:8082
            servers:
              - name: server-a
                trustedNetworks: [10.1.0.0/16]
                proxies:
                  - name: private-proxy
                    role: private
                    network: private-net
                    api: http://127.0.0.1:8081/
                    accessLog: logs/private.log
                    format: auto
                  - name: public-proxy
                    role: public
                    accessLog: /var/log/traefik/public.log
                    format: json
                    addresses: [172.25.0.10]
            names:
              172.25.0.5: public-communicating-service
              10.9.0.0/16: batch-jobs
            """;

    @Test
    void readsTheIssueExampleWithDefaults() {
        TrafficvizConfig c = ConfigLoader.parse(VALID, BASE);
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(8082);
        ProxyConfig priv = c.servers().get(0).proxies().get(0);
        assertThat(priv.role()).isEqualTo(ProxyConfig.Role.PRIVATE);
        assertThat(priv.api()).isEqualTo("http://127.0.0.1:8081");
        assertThat(priv.accessLog()).isEqualTo("/etc/trafficviz/logs/private.log");
        ProxyConfig pub = c.servers().get(0).proxies().get(1);
        assertThat(pub.network()).isEqualTo("public-proxy-network");
        assertThat(pub.addresses()).containsExactly("172.25.0.10");
        assertThat(c.names()).hasSize(2);
        assertThat(c.names().keySet().iterator().next().contains("172.25.0.5")).isTrue();
        assertThat(c.servers().get(0).trustedNetworks().get(0).contains("10.1.200.3")).isTrue();
        assertThat(c.startAtBeginning()).isFalse();
        assertThat(c.networkHeader()).isEqualTo("X-Network-Name");
    }

    @Test
    void listenDefaultsToLoopback() {
        TrafficvizConfig c = ConfigLoader.parse("servers: [{name: a, proxies: [{name: p}]}]", BASE);
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void errorsNameTheKeyAndTheProblem() {
        assertError(VALID.replace("role: private", "role: privat"),
                "servers[0].proxies[0].role: must be one of public, private, gateway (was 'privat')");
        assertError(VALID.replace("format: json", "format: xml"), "servers[0].proxies[1].format: must be one of");
        assertError(VALID.replace("listen: 127.0.0.1:8082", "listen: 127.0.0.1:99999"), "listen: port must be");
        assertError(VALID.replace("api: http://127.0.0.1:8081/", "api: 127.0.0.1:8081"), "servers[0].proxies[0].api: must be an http(s) URL");
        assertError(VALID.replace("10.9.0.0/16", "10.9.0.0/33"), "names.10.9.0.0/33: prefix length out of range");
        assertError(VALID.replace("trustedNetworks: [10.1.0.0/16]", "trustedNetworks: [nope]"), "servers[0].trustedNetworks[0]: not an IP address");
        assertError(VALID.replace("    format: auto", "    fromat: auto"), "servers[0].proxies[0].fromat: unknown key");
        assertError(VALID.replace("name: public-proxy", "name: private-proxy"), "servers[0].proxies[1].name: duplicate proxy name");
        assertError("listen: [1, 2]\nservers: []", "listen: must be a single value");
        assertError("servers: []", "servers: a list of at least one server is required");
        assertError("", "(root): the file is empty");
        assertError("servers: [{name: a, proxies: [{role: public}]}]", "servers[0].proxies[0].name: is required");
        assertError("servers: [\n  {name: a", "config is not valid YAML");
        assertError("limits: {maxNodes: -1}\nservers: [{name: a, proxies: [{name: p}]}]", "limits.maxNodes: must be a positive whole number");
        assertError("discovery: {interval: soon}\nservers: [{name: a, proxies: [{name: p}]}]", "discovery.interval: must be a duration");
    }

    @Test
    void ingestKeys() {
        String servers = "\nservers: [{name: a, proxies: [{name: p}]}]";
        TrafficvizConfig defaults = ConfigLoader.parse(servers, BASE);
        assertThat(defaults.ingestToken()).isNull();
        assertThat(defaults.ingestMaxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        TrafficvizConfig set = ConfigLoader.parse("ingest: {token: abc, maxBodyBytes: 2097152}" + servers, BASE);
        assertThat(set.ingestToken()).isEqualTo("abc");
        assertThat(set.ingestMaxBodyBytes()).isEqualTo(2_097_152L);
        assertThat(set.withListen("0.0.0.0", 1).ingestMaxBodyBytes()).isEqualTo(2_097_152L);
        assertError("ingest: {maxBodyBytes: 10MiB}" + servers, "ingest.maxBodyBytes: must be a whole number of bytes");
        assertError("ingest: {maxBodyBytes: 12}" + servers, "ingest.maxBodyBytes: must be a whole number of bytes from 1024");
        assertError("ingest: {maxBodyBytes: 999999999999}" + servers, "ingest.maxBodyBytes");
        assertError("ingest: {tokn: abc}" + servers, "ingest.tokn: unknown key; known keys here: maxBodyBytes, token");
        assertError("ingest: {token: '${TRAFFICVIZ_SURELY_UNSET_VAR}'}" + servers,
                "ingest.token: environment variable TRAFFICVIZ_SURELY_UNSET_VAR is not set");
    }

    @Test
    void missingFileIsReported() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/trafficviz.yml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("config file not found: /nonexistent/trafficviz.yml");
    }

    private static void assertError(String yaml, String expected) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, BASE)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }
}
