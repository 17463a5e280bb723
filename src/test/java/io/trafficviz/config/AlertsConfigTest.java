package io.trafficviz.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code alerts:} section: defaults, scopes as patterns, and every mistake named by its key. */
class AlertsConfigTest {
    private static final String SERVERS = """
            servers:
              - name: a
                proxies: [{name: p, accessLog: a.log}]
            """;

    private static AlertsConfig parse(String alerts) {
        return ConfigLoader.parse(SERVERS + alerts, Path.of(".").toAbsolutePath()).alerts();
    }

    private static void rejected(String alerts, String key, String says) {
        assertThatThrownBy(() -> parse(alerts)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(says);
    }

    @Test
    void noSectionMeansNoRules() {
        assertThat(parse("")).isEqualTo(AlertsConfig.NONE);
    }

    @Test
    void defaultsAndScopePatterns() {
        AlertsConfig c = parse("""
                alerts:
                  rules:
                    - name: errors
                      kind: errorShare
                      scope: {edge: "external:* -> service:a/api*"}
                  sinks:
                    - {name: am, type: alertmanager, url: "http://127.0.0.1:9093"}
                """);
        AlertsConfig.Rule r = c.rules().get(0);
        assertThat(r.severity()).isEqualTo(AlertsConfig.Severity.WARNING);
        assertThat(r.window()).isEqualTo(300_000);
        assertThat(r.threshold()).isEqualTo(0.05);
        assertThat(r.minRequests()).isEqualTo(20);
        assertThat(r.minInterval()).isEqualTo(60_000);
        assertThat(r.scope().matches("a", "p", "external:a/pub", "service:a/api-v2")).isTrue();
        assertThat(r.scope().matches("a", "p", "external:a/pub", "service:a/web")).isFalse();
        assertThat(r.scope().matches("a", "p", "service:a/x", "service:a/api")).isFalse();
        assertThat(c.sinks().get(0).queue()).isEqualTo(1000);
    }

    @Test
    void everyMistakeNamesItsKey() {
        rejected("alerts: {rules: [{kind: outsider}]}", "alerts.rules[0].name", "is required");
        rejected("alerts: {rules: [{name: x, kind: lots}]}", "alerts.rules[0].kind", "unknown kind 'lots'");
        rejected("alerts: {rules: [{name: x, kind: outsider, severity: loud}]}", "alerts.rules[0].severity",
                "critical, warning or info");
        rejected("alerts: {rules: [{name: x, kind: errorShare, threshold: 5}]}", "alerts.rules[0].threshold",
                "share of requests");
        rejected("alerts: {rules: [{name: x, kind: latencyP95, threshold: fast}]}", "alerts.rules[0].threshold",
                "like 250ms");
        rejected("alerts: {rules: [{name: x, kind: outsider, threshold: 3}]}", "alerts.rules[0].threshold",
                "means nothing for kind outsider");
        rejected("alerts: {rules: [{name: x, kind: sourceSilent, window: 5m}]}", "alerts.rules[0].window",
                "means nothing for kind sourceSilent");
        rejected("alerts: {rules: [{name: x, kind: rateZero, window: 2d}]}", "alerts.rules[0].window", "to 24h");
        rejected("alerts: {rules: [{name: x, kind: newEdge, scope: {edge: a}}]}", "alerts.rules[0].scope.edge",
                "callerPattern -> targetPattern");
        rejected("alerts: {rules: [{name: x, kind: newEdge, scope: {pod: a}}]}", "alerts.rules[0].scope.pod",
                "unknown key");
        rejected("alerts: {rules: [{name: x, kind: newEdge}, {name: x, kind: newCaller}]}", "alerts.rules[1].name",
                "duplicate rule name");
        rejected("alerts: {sinks: [{name: s, type: pager, url: 'http://x'}]}", "alerts.sinks[0].type",
                "webhook, slack, discord, ntfy or alertmanager");
        rejected("alerts: {sinks: [{name: s, type: webhook, url: 'ftp://x'}]}", "alerts.sinks[0].url", "http://");
        rejected("alerts: {sinks: [{name: s, type: webhook, url: '${TRAFFICVIZ_SURELY_UNSET_VAR}'}]}",
                "alerts.sinks[0].url", "TRAFFICVIZ_SURELY_UNSET_VAR is not set");
        rejected("alerts: {sinks: [{name: s, type: webhook, url: 'http://x', queue: 0}]}", "alerts.sinks[0].queue",
                "at least 1");
        rejected("alerts: {ruels: []}", "alerts.ruels", "unknown key");
    }
}
