package io.trafficviz.ingest;

import io.trafficviz.telemetry.OutsiderSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutsiderLogTest {
    private static OutsiderSnapshot.Entry entry(int i, String proxy, String path) {
        return new OutsiderSnapshot.Entry(1000L + i, "a", proxy, "x", "unrecognised:a/n/10.0.0." + i, "10.0.0." + i, "GET",
                path, 200);
    }

    @Test
    void keepsTheLastFiftyNewestFirstAndCountsEverything() {
        OutsiderLog log = new OutsiderLog(List.of("a/priv", "b/priv"));
        for (int i = 0; i < 120; i++) {
            log.record(entry(i, i % 3 == 0 ? "other" : "priv", "/p" + i));
        }
        OutsiderSnapshot s = log.snapshot();
        assertThat(s.count()).isEqualTo(120);
        assertThat(s.byProxy()).containsExactly(Map.entry("a/priv", 80L), Map.entry("b/priv", 0L),
                Map.entry("a/other", 40L));
        assertThat(s.recent()).hasSize(OutsiderLog.RECENT);
        assertThat(s.recent().get(0).path()).isEqualTo("/p119");
        assertThat(s.recent().get(49).path()).isEqualTo("/p70");
    }

    @Test
    void longPathsAreCut() {
        OutsiderLog log = new OutsiderLog(List.of());
        log.record(entry(1, "priv", "/" + "x".repeat(5000)));
        assertThat(log.snapshot().recent().get(0).path()).hasSize(OutsiderLog.MAX_PATH_CHARS + 1).endsWith("…");
        log.record(entry(2, "priv", null));
        assertThat(log.snapshot().recent().get(0).path()).isNull();
    }
}
