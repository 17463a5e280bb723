package io.trafficviz.config;

import org.junit.jupiter.api.Test;

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
    }
}
