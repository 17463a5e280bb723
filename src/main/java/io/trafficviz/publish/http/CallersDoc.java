package io.trafficviz.publish.http;

import io.trafficviz.publish.wire.Masking;
import io.trafficviz.telemetry.CallerTraffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /callers} document (docs/protocol.md): per caller and proxy, requests and how many matched no router, and
 * the external callers by client prefix. A viewer whose addresses are masked gets the callers with masked ids and no
 * prefixes at all: a prefix is the part of an address the masking keeps, and its counts would tell who called.
 */
public final class CallersDoc {
    private CallersDoc() {
    }

    public static Map<String, Object> document(CallerTraffic traffic, Masking masking) {
        List<Map<String, Object>> callers = new ArrayList<>(traffic.callers().size());
        for (CallerTraffic.Caller c : traffic.callers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("caller", masking.nodeId(c.callerId()));
            row.put("proxy", c.proxyId());
            row.put("requests", c.requests());
            row.put("unrouted", c.unrouted());
            callers.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("callers", callers);
        if (masking.masksAddresses()) {
            doc.put("prefixes", null);
            doc.put("prefixesHidden", true);
        } else {
            List<Map<String, Object>> prefixes = new ArrayList<>(traffic.prefixes().size());
            for (CallerTraffic.Prefix p : traffic.prefixes()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("external", p.externalId());
                row.put("proxy", p.proxyId());
                row.put("prefix", p.prefix());
                row.put("requests", p.requests());
                row.put("unrouted", p.unrouted());
                row.put("errors", p.errors());
                prefixes.add(row);
            }
            doc.put("prefixes", prefixes);
            doc.put("prefixesHidden", false);
        }
        doc.put("untracked", traffic.untracked());
        return doc;
    }
}
