package io.trafficviz.telemetry;

/**
 * One alert firing now, as the page's {@code GET /alerts} shows it (docs/protocol.md). Its texts may hold what a log
 * line said (a service name, an address): the page shows them as text, never markup.
 *
 * @param since  when it began firing (epoch ms)
 * @param fromId the caller's node id of an edge alert, else null
 * @param toId   the answering node's id of an edge alert, else null
 * @param nodeId the node of a node or proxy alert, else null
 */
public record FiringAlert(String rule, String kind, String severity, String summary, long since, String fromId,
                          String toId, String nodeId) {
}
