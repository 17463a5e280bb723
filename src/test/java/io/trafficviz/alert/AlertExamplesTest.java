package io.trafficviz.alert;

import io.trafficviz.config.AlertsConfig;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rule of examples/alerts.yml fires on traffic made for it, through the real parse, resolve and graph. */
class AlertExamplesTest {
    @TempDir
    Path dir;

    static String exampleAlerts() throws Exception {
        // The example reads its secrets from the environment; here they are written in.
        return Files.readString(Path.of("examples/alerts.yml")).replaceAll("\\$\\{([A-Z_]+)}", "http://127.0.0.1:9/$1");
    }

    @Test
    void theExampleLoadsWithEveryKindAndEverySinkType() throws Exception {
        AlertsConfig alerts = ConfigLoader.parse(AlertRig.SERVERS + exampleAlerts(), dir).alerts();
        assertThat(alerts.rules()).extracting(AlertsConfig.Rule::kind).containsExactlyInAnyOrder(
                AlertsConfig.Kind.values());
        assertThat(alerts.sinks()).extracting(AlertsConfig.Sink::type).containsExactlyInAnyOrder(
                AlertsConfig.SinkType.values());
        assertThat(alerts.pageUrl()).isEqualTo("http://127.0.0.1:8082/");
    }

    @Test
    void everyExampleRuleFires() throws Exception {
        try (AlertRig rig = new AlertRig(dir, exampleAlerts())) {
            rig.apiUp.put("server-a/private-proxy", false);
            rig.apiUp.put("server-a/public-proxy", true);
            rig.tick(0);
            // api is discovered at 172.25.0.9 and calls from there, through the private proxy, for the first time
            rig.discovered("server-a/private-proxy", "api", "172.25.0.9");
            rig.routed("priv.log", "172.25.0.9", "billing", 200, 5, 12);
            // a public address on the private proxy
            rig.routed("priv.log", "203.0.113.7", "billing", 200, 5, 1);
            // an edge with 10 % errors and a slow p95
            rig.routed("pub.log", "203.0.113.8", "shop", 200, 900, 27);
            rig.routed("pub.log", "203.0.113.8", "shop", 502, 900, 3);
            // a scan
            rig.unrouted("pub.log", "198.51.100.4", 120);
            rig.tick(1_000);
            // the container's address is taken over by another workload
            rig.discovered("server-a/private-proxy", "worker", "172.25.0.9");
            rig.routed("priv.log", "172.25.0.9", "billing", 200, 5, 1);
            rig.tick(1_000);
            // then silence: the edges stop, the API stays down, one log never had a line
            rig.tick(11 * 60_000);

            assertThat(rig.firedRules()).containsExactlyInAnyOrder("outsider-on-private", "new-caller", "new-edge",
                    "new-service", "address-changed-owner", "backend-errors", "backend-slow", "stopped-calling", "scan",
                    "proxy-api-down", "log-silent");
            Alert owner = rig.told.stream().filter(a -> a.rule().equals("address-changed-owner")).findFirst()
                    .orElseThrow();
            assertThat(owner.labels()).containsEntry("address", "172.25.0.9")
                    .containsEntry("node", "service:server-a/worker").containsEntry("previous", "service:server-a/api");
        }
    }
}
