package io.trafficviz.dev;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {
    @Test
    void theSimulationNoticeSaysWhyTheTrafficIsSimulated() {
        assertThat(DemoCommand.simulationNotice(true)).startsWith("Simulated traffic: --simulate was given");
        assertThat(DemoCommand.simulationNotice(false)).startsWith("Simulated traffic: no Traefik binary was found");
    }
}
