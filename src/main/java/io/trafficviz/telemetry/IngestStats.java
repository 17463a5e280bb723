package io.trafficviz.telemetry;

/**
 * What {@code /metrics} reports of the ingest side, taken at one moment (under the ingest lock, once).
 *
 * @param nodes    nodes in the graph
 * @param hopEdges hop edges in the graph
 */
public record IngestStats(IngestTotals totals, OutsiderSnapshot outsiders, int nodes, int hopEdges) {
}
