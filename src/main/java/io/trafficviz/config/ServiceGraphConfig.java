package io.trafficviz.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/**
 * The {@code serviceGraph:} section: whether {@code /metrics} carries a series per logical edge named as Tempo's
 * service-graph metrics ({@code traces_service_graph_request_total{client,server}}, ...), so that Grafana's service
 * graph and node-graph panels draw trafficviz's graph from Prometheus. Off by default: a series per edge is up to the
 * graph's edge cap of them.
 */
public record ServiceGraphConfig(boolean metrics) {
    public static final ServiceGraphConfig OFF = new ServiceGraphConfig(false);

    static ServiceGraphConfig parse(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return OFF;
        }
        ConfigLoader.requireObject(node, "serviceGraph");
        ConfigLoader.rejectUnknown(node, "serviceGraph.", Set.of("metrics"));
        return new ServiceGraphConfig(ConfigLoader.bool(node, "metrics", "serviceGraph.", false));
    }
}
