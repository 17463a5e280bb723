package io.trafficviz.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpConfigTest {
    private static final String SERVERS = """
            servers:
              - name: s
                proxies:
                  - name: p
            """;

    private static HttpConfig parse(String http) {
        return ConfigLoader.parse(SERVERS + http, Path.of("/etc/trafficviz")).http();
    }

    @Test
    void defaultsWhenAbsent() {
        assertThat(parse("")).isEqualTo(HttpConfig.DEFAULTS);
        assertThat(HttpConfig.DEFAULTS.maxConnectionsPerAddress()).isEqualTo(100);
    }

    @Test
    void originsAndHostsAreNormalised() {
        HttpConfig c = parse("""
                http:
                  allowedOrigins: [HTTPS://TrafficViz.Example.com:443, "http://10.0.0.5:8082"]
                  allowedHosts: [TrafficViz.Example.COM.]
                  maxConnectionsPerAddress: 20
                """);
        assertThat(c.allowedOrigins()).isEqualTo(List.of("https://trafficviz.example.com", "http://10.0.0.5:8082"));
        assertThat(c.allowedHosts()).isEqualTo(List.of("trafficviz.example.com"));
        assertThat(c.maxConnectionsPerAddress()).isEqualTo(20);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> parse("http:\n  allowedOrigins: [\"https://x.example/path\"]\n"))
                .hasMessageStartingWith("http.allowedOrigins[0]: must be an origin");
        assertThatThrownBy(() -> parse("http:\n  allowedOrigins: [\"*\"]\n"))
                .hasMessageStartingWith("http.allowedOrigins[0]");
        assertThatThrownBy(() -> parse("http:\n  allowedOrigins: [\"null\"]\n"))
                .hasMessageStartingWith("http.allowedOrigins[0]");
        assertThatThrownBy(() -> parse("http:\n  allowedOrigins: https://x.example\n"))
                .hasMessageStartingWith("http.allowedOrigins: must be a list");
        assertThatThrownBy(() -> parse("http:\n  allowedHosts: [\"x.example:8082\"]\n"))
                .hasMessageStartingWith("http.allowedHosts[0]: must be a host name");
        assertThatThrownBy(() -> parse("http:\n  maxConnectionsPerAddress: 0\n"))
                .hasMessageStartingWith("http.maxConnectionsPerAddress");
        assertThatThrownBy(() -> parse("http:\n  allowedOrigin: []\n"))
                .hasMessageStartingWith("http.allowedOrigin: unknown key");
        assertThatThrownBy(() -> parse("http: yes\n")).hasMessageStartingWith("http: must be a map");
    }
}
