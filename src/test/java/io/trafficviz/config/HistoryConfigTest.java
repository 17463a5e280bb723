package io.trafficviz.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code history:} section's values as a user writes them (its errors: BadConfigTest). */
class HistoryConfigTest {
    private static HistoryConfig parse(String section) {
        return ConfigLoader.parse("servers: [{name: s, proxies: [{name: p}]}]\n" + section, Path.of("/etc/tv")).history();
    }

    @Test
    void withoutASection_historyIsOn_sevenDays_2GB_inTheStateDir() {
        HistoryConfig h = parse("");
        assertThat(h).isEqualTo(HistoryConfig.DEFAULTS);
        assertThat(h.enabled()).isTrue();
        assertThat(h.fileIn(Path.of("/var/lib/trafficviz"))).isEqualTo(Path.of("/var/lib/trafficviz/history.duckdb"));
    }

    @Test
    void sizesAndDurations_inTheirUnits() {
        HistoryConfig h = parse("history: {enabled: false, path: data/h.duckdb, retention: 36h, maxBytes: 500MiB}\n");
        assertThat(h.enabled()).isFalse();
        assertThat(h.path()).isEqualTo(Path.of("/etc/tv/data/h.duckdb"));
        assertThat(h.retentionMillis()).isEqualTo(36L * 3_600_000);
        assertThat(h.maxBytes()).isEqualTo(500L * 1024 * 1024);
        assertThat(parse("history: {retention: 90m, maxBytes: 2GB}\n").maxBytes()).isEqualTo(2_000_000_000L);
        assertThat(parse("history: {retention: 90m}\n").retentionMillis()).isEqualTo(90L * 60_000);
        assertThat(parse("history: {maxBytes: 17000000}\n").maxBytes()).isEqualTo(17_000_000L);
    }
}
