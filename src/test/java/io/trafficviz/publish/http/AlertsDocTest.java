package io.trafficviz.publish.http;

import io.trafficviz.publish.wire.Masking;
import io.trafficviz.telemetry.FiringAlert;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertsDocTest {
    private static final String CALLER = "unrecognised:server-a/private-net/192.168.99.7";
    private static final String PROXY = "proxy:server-a/private-proxy";
    private final FiringAlert outsider = new FiringAlert("outsider-on-private", "outsider", "critical",
            "192.168.99.7 reached private-proxy", 1_000, CALLER, PROXY, null);

    @Test
    void withoutRulesTheDocumentSaysAlertsAreOff() {
        Map<String, Object> doc = new AlertsDoc().document(Masking.NONE);

        assertThat(doc).containsEntry("enabled", false).containsEntry("alerts", List.of());
    }

    @Test
    void anEdgeAlertNamesItsEdgeAsThePageDoes() {
        AlertsDoc alerts = new AlertsDoc();
        alerts.setSource(() -> List.of(outsider));

        Map<String, Object> row = rows(alerts.document(Masking.NONE)).get(0);

        assertThat(row).containsEntry("rule", "outsider-on-private").containsEntry("severity", "critical")
                .containsEntry("since", 1_000L).containsEntry("from", CALLER).containsEntry("to", PROXY)
                .containsEntry("edge", CALLER + "->" + PROXY).containsEntry("node", null)
                .containsEntry("summary", "192.168.99.7 reached private-proxy");
    }

    @Test
    void aViewerSeesNoAddressInIdsOrSummary() {
        AlertsDoc alerts = new AlertsDoc();
        alerts.setSource(() -> List.of(outsider));
        Masking viewer = Masking.of(true, true);

        Map<String, Object> row = rows(alerts.document(viewer)).get(0);

        assertThat(row.toString()).doesNotContain("192.168.99.7");
        assertThat(row).containsEntry("from", viewer.nodeId(CALLER))
                .containsEntry("edge", viewer.nodeId(CALLER) + "->" + PROXY).containsEntry("summary", null);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Map<String, Object> doc) {
        return (List<Map<String, Object>>) doc.get("alerts");
    }
}
