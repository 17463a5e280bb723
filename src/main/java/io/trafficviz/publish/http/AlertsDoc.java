package io.trafficviz.publish.http;

import io.trafficviz.publish.wire.Masking;
import io.trafficviz.telemetry.FiringAlert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code /alerts} document (docs/protocol.md): the alerts firing now, for the page's badges and list. A viewer
 * whose addresses are masked gets masked node ids and no summary: a summary may name an address (an owner change,
 * an outsider) in words that no id masking reaches.
 */
public final class AlertsDoc {
    private volatile Supplier<List<FiringAlert>> firing;

    /** Where the firing alerts come from; until set (no rules), the document says alerts are off. */
    public void setSource(Supplier<List<FiringAlert>> firing) {
        this.firing = firing;
    }

    public Map<String, Object> document(Masking masking) {
        Supplier<List<FiringAlert>> source = firing;
        List<FiringAlert> alerts = source == null ? List.of() : source.get();
        List<Map<String, Object>> rows = new ArrayList<>(alerts.size());
        for (FiringAlert a : alerts) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rule", a.rule());
            row.put("kind", a.kind());
            row.put("severity", a.severity());
            row.put("summary", masking.masksAddresses() ? null : a.summary());
            row.put("since", a.since());
            String from = masking.nodeId(a.fromId());
            String to = masking.nodeId(a.toId());
            row.put("from", from);
            row.put("to", to);
            row.put("edge", from != null && to != null ? from + "->" + to : null);
            row.put("node", masking.nodeId(a.nodeId()));
            rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("enabled", source != null);
        doc.put("alerts", rows);
        return doc;
    }
}
