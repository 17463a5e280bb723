package io.trafficviz.discovery;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void doublesFromTheFirstDelayUpToTheRefreshInterval() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

        assertThat(backoff.delayAfter(0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delayAfter(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.delayAfter(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
    }
}
