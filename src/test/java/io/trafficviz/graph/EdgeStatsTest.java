package io.trafficviz.graph;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EdgeStatsTest {
    @Test
    void countsStatusClassesErrorsBytesAndPercentiles() {
        EdgeStats s = new EdgeStats();
        long t = 1_000_000L;
        for (int i = 1; i <= 100; i++) {
            int status = i <= 60 ? 200 : i <= 70 ? 302 : i <= 90 ? 404 : 502;
            s.record(status, i * 1_000_000L, 10, "/p" + (i % 3), t, 100);
        }
        s.record(0, 5, 0, null, t, 100); // status 0: nothing answered, counts as an error
        assertThat(s.requests()).isEqualTo(101);
        assertThat(s.errors()).isEqualTo(31);
        assertThat(s.statusClass(2)).isEqualTo(60);
        assertThat(s.statusClass(3)).isEqualTo(10);
        assertThat(s.statusClass(4)).isEqualTo(20);
        assertThat(s.statusClass(5)).isEqualTo(10);
        assertThat(s.bytes()).isEqualTo(1000);
        assertThat(s.percentileMillis(50)).isCloseTo(50, within(1.0));
        assertThat(s.percentileMillis(99)).isCloseTo(99, within(1.5));
        assertThat(s.paths()).containsOnlyKeys("/p0", "/p1", "/p2");
    }

    @Test
    void pathCardinalityIsCapped() {
        EdgeStats s = new EdgeStats();
        for (int i = 0; i < 1000; i++) {
            s.record(200, 1000, 1, "/item/" + i, 0, 10);
        }
        assertThat(s.paths()).hasSize(11).containsKey(EdgeStats.OTHER_PATHS);
        assertThat(s.paths().get(EdgeStats.OTHER_PATHS)[0]).isEqualTo(990);
    }

    @Test
    void ratesCoverTheirWindowsAndDecay() {
        EdgeStats r = new EdgeStats();
        long t0 = 10_000_000L;
        for (int sec = 0; sec < 60; sec++) {
            for (int i = 0; i < 5; i++) {
                r.record(200, 1_000_000, 1, null, t0 + sec * 1000L, 10);
            }
        }
        long now = t0 + 59_000;
        assertThat(r.ratePerSecond(now, 10)).isEqualTo(5.0);
        assertThat(r.ratePerSecond(now, 60)).isEqualTo(5.0);
        assertThat(r.ratePerSecond(now, 300)).isEqualTo(1.0);
        assertThat(r.ratePerSecond(now + 30_000, 10)).isZero();
        assertThat(r.ratePerSecond(now + 30_000, 60)).isEqualTo(2.5);
        r.record(200, 1_000_000, 1, null, now + 400_000, 10);
        assertThat(r.ratePerSecond(now + 400_000, 300)).isCloseTo(1 / 300.0, within(1e-9));
    }
}
