package io.trafficviz.alert;

import io.trafficviz.config.AlertsConfig;

import java.util.Map;

/**
 * One notification about one alert: a rule's verdict on one subject (an edge, a node, a proxy, a source), firing or
 * resolved. What the sinks format and the page shows; every text in it may hold what a log line said (a service
 * name, an address) and is shown as text, never markup.
 *
 * @param key      rule and subject: the same alert keeps it from firing to resolved (deduplication)
 * @param labels   alertname, severity, kind and the subject's ids, in a stable order
 * @param startsAt when it began firing (epoch ms)
 * @param endsAt   when it resolved, 0 while firing
 * @param fromId   the caller's node id of an edge alert, else null
 * @param toId     the answering node's id of an edge alert, else null
 * @param nodeId   the node of a node or proxy alert, else null
 */
public record Alert(String key, String rule, AlertsConfig.Kind kind, AlertsConfig.Severity severity, boolean firing,
                    Map<String, String> labels, String summary, long startsAt, long endsAt, String fromId,
                    String toId, String nodeId) {
    public String status() {
        return firing ? "firing" : "resolved";
    }
}
