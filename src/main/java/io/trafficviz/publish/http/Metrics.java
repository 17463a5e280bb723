package io.trafficviz.publish.http;

import io.trafficviz.graph.ServiceGraphEdge;
import io.trafficviz.history.HistoryWriter;
import io.trafficviz.telemetry.AlertStats;
import io.trafficviz.telemetry.IngestStats;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.KafkaSourceStats;
import io.trafficviz.telemetry.LiveStats;
import io.trafficviz.telemetry.SourceSnapshot;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics} in the Prometheus text format: ingest counters, lag, live clients and discovery state, rendered from
 * the stages' telemetry records. Deliberately no series per edge or node — that is what {@code /network_info} is for,
 * and it would make cardinality unbounded.
 */
public final class Metrics {
    private final Supplier<IngestStats> ingest;
    private final Supplier<LiveStats> live;
    private final Supplier<Map<String, Boolean>> discoveryUp;
    private final Supplier<Map<String, Long>> rotationLosses;

    /**
     * @param discoveryUp for each proxy with discovery configured ({@code server/proxy}), whether its inventory is
     *                    fresh (from the API or the file provider)
     */
    public Metrics(Supplier<IngestStats> ingest, Supplier<LiveStats> live, Supplier<Map<String, Boolean>> discoveryUp) {
        this(ingest, live, discoveryUp, Map::of);
    }

    /** @param rotationLosses for each tailed file, the rotations that destroyed lines before they could be read */
    public Metrics(Supplier<IngestStats> ingest, Supplier<LiveStats> live, Supplier<Map<String, Boolean>> discoveryUp,
                   Supplier<Map<String, Long>> rotationLosses) {
        this.ingest = ingest;
        this.live = live;
        this.discoveryUp = discoveryUp;
        this.rotationLosses = rotationLosses;
    }

    private volatile HistoryWriter history;

    /** Adds the request store's counters; none without one. */
    public void setHistory(HistoryWriter history) {
        this.history = history;
    }

    private volatile Supplier<AlertStats> alerts;

    /** Adds the alert engine's counters ({@code alerts:}); none without rules. */
    public void setAlerts(Supplier<AlertStats> alerts) {
        this.alerts = alerts;
    }

    /** Tempo's service-graph histogram bounds (its defaults), in seconds. */
    static final double[] SERVICE_GRAPH_BUCKETS = {0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8};
    private static final long[] SERVICE_GRAPH_BOUNDS_MICROS = java.util.Arrays.stream(SERVICE_GRAPH_BUCKETS)
            .mapToLong(s -> Math.round(s * 1e6)).toArray();

    private volatile java.util.function.Function<long[], java.util.List<ServiceGraphEdge>> serviceGraph;

    /** Adds a series per logical edge named as Tempo's service-graph metrics ({@code serviceGraph.metrics}). */
    public void setServiceGraph(java.util.function.Function<long[], java.util.List<ServiceGraphEdge>> edges) {
        this.serviceGraph = edges;
    }

    private volatile Supplier<KafkaSourceStats> kafka;

    /** Adds the Kafka source's consumer: lag per partition, records read and malformed. */
    public void setKafka(Supplier<KafkaSourceStats> kafka) {
        this.kafka = kafka;
    }

    public String render() {
        HistoryWriter h = history;
        Supplier<AlertStats> a = alerts;
        var sg = serviceGraph;
        Supplier<KafkaSourceStats> k = kafka;
        return render(ingest.get(), live.get(), discoveryUp.get(), System.currentTimeMillis())
                + renderRotationLosses(rotationLosses.get()) + (h == null ? "" : renderHistory(h))
                + (a == null ? "" : renderAlerts(a.get()))
                + (sg == null ? "" : renderServiceGraph(sg.apply(SERVICE_GRAPH_BOUNDS_MICROS)))
                + (k == null ? "" : renderKafka(k.get()));
    }

    /**
     * Tempo's service-graph series from the graph's logical edges (client: the caller's node id, server: the node
     * that answered), so Grafana's service graph and node-graph panels read trafficviz like Tempo. Bounded by the
     * graph's edge cap: what it folded is counted on an overflow node's edge here too.
     */
    static String renderServiceGraph(java.util.List<ServiceGraphEdge> edges) {
        StringBuilder b = new StringBuilder(256 + edges.size() * 1200);
        help(b, "traces_service_graph_request_total", "counter", "Requests from client to server (a logical edge).");
        for (ServiceGraphEdge e : edges) {
            b.append("traces_service_graph_request_total").append(edgeLabels(e, "")).append(e.requests()).append('\n');
        }
        help(b, "traces_service_graph_request_failed_total", "counter", "Requests from client to server that failed (5xx).");
        for (ServiceGraphEdge e : edges) {
            b.append("traces_service_graph_request_failed_total").append(edgeLabels(e, "")).append(e.failed())
                    .append('\n');
        }
        help(b, "traces_service_graph_request_server_seconds", "histogram",
                "Request durations as the proxy logged them, from client to server.");
        for (ServiceGraphEdge e : edges) {
            for (int i = 0; i < SERVICE_GRAPH_BUCKETS.length; i++) {
                b.append("traces_service_graph_request_server_seconds_bucket")
                        .append(edgeLabels(e, ",le=\"" + SERVICE_GRAPH_BUCKETS[i] + "\""))
                        .append(e.atOrBelow()[i]).append('\n');
            }
            b.append("traces_service_graph_request_server_seconds_bucket").append(edgeLabels(e, ",le=\"+Inf\""))
                    .append(e.requests()).append('\n');
            b.append("traces_service_graph_request_server_seconds_sum").append(edgeLabels(e, ""))
                    .append(String.format(Locale.ROOT, "%.6f", e.sumSeconds())).append('\n');
            b.append("traces_service_graph_request_server_seconds_count").append(edgeLabels(e, ""))
                    .append(e.requests()).append('\n');
        }
        return b.toString();
    }

    private static String edgeLabels(ServiceGraphEdge e, String more) {
        return "{client=\"" + label(e.client()) + "\",server=\"" + label(e.server()) + "\"" + more + "} ";
    }

    /** Alerts firing per rule, and per sink what it delivered, failed to, dropped (its queue full) and holds. */
    static String renderAlerts(AlertStats a) {
        StringBuilder b = new StringBuilder(1024);
        help(b, "trafficviz_alerts_firing", "gauge", "Alerts firing now, per rule.");
        a.firing().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> b.append(
                "trafficviz_alerts_firing{rule=\"").append(label(e.getKey())).append("\"} ").append(e.getValue())
                .append('\n'));
        help(b, "trafficviz_alert_notifications_total", "counter", "Notifications delivered per sink.");
        for (AlertStats.Sink s : a.sinks()) {
            b.append("trafficviz_alert_notifications_total{sink=\"").append(label(s.name())).append("\",type=\"")
                    .append(s.type()).append("\"} ").append(s.delivered()).append('\n');
        }
        help(b, "trafficviz_alert_sink_failures_total", "counter", "Failed attempts per sink (each retried with backoff).");
        for (AlertStats.Sink s : a.sinks()) {
            b.append("trafficviz_alert_sink_failures_total{sink=\"").append(label(s.name())).append("\"} ")
                    .append(s.failures()).append('\n');
        }
        help(b, "trafficviz_alert_sink_dropped_total", "counter",
                "Notifications dropped because the sink's queue was full (the sink slow or down).");
        for (AlertStats.Sink s : a.sinks()) {
            b.append("trafficviz_alert_sink_dropped_total{sink=\"").append(label(s.name())).append("\"} ")
                    .append(s.dropped()).append('\n');
        }
        help(b, "trafficviz_alert_sink_queued", "gauge", "Notifications waiting per sink.");
        for (AlertStats.Sink s : a.sinks()) {
            b.append("trafficviz_alert_sink_queued{sink=\"").append(label(s.name())).append("\"} ")
                    .append(s.queued()).append('\n');
        }
        help(b, "trafficviz_alert_untracked_routes_total", "counter",
                "Routes (or a window rule's subjects) past the alert engine's caps, judged by no rule.");
        b.append("trafficviz_alert_untracked_routes_total ").append(a.untrackedRoutes()).append('\n');
        return b.toString();
    }

    /** The Kafka consumer: per partition how far behind the topic's end it is; lag is the series to alert on. */
    static String renderKafka(KafkaSourceStats s) {
        StringBuilder b = new StringBuilder(512);
        String group = label(s.origin());
        help(b, "trafficviz_kafka_records_total", "counter", "Kafka records read by the kafka source.");
        b.append("trafficviz_kafka_records_total{consumer=\"").append(group).append("\"} ").append(s.records())
                .append('\n');
        help(b, "trafficviz_kafka_records_malformed_total", "counter",
                "Kafka records that gave no line (a payload of another shape, or naming no configured proxy).");
        b.append("trafficviz_kafka_records_malformed_total{consumer=\"").append(group).append("\"} ")
                .append(s.malformedRecords()).append('\n');
        help(b, "trafficviz_kafka_waiting", "gauge", "1 while a configured topic does not exist (or none matches).");
        b.append("trafficviz_kafka_waiting{consumer=\"").append(group).append("\"} ")
                .append(s.waitingFor() == null ? 0 : 1).append('\n');
        help(b, "trafficviz_kafka_lag_records", "gauge", "Records in a partition not read yet (-1: not known yet).");
        for (KafkaSourceStats.Partition p : s.partitions()) {
            b.append("trafficviz_kafka_lag_records{consumer=\"").append(group).append("\",topic=\"")
                    .append(label(p.topic())).append("\",partition=\"").append(p.partition()).append("\"} ")
                    .append(p.lag()).append('\n');
        }
        return b.toString();
    }

    /** The store: what it kept, what it could not (the gaps), whether it is failing now, its size on disk. */
    static String renderHistory(HistoryWriter h) {
        StringBuilder b = new StringBuilder(512);
        help(b, "trafficviz_history_stored_total", "counter", "Requests written to the history store since start.");
        b.append("trafficviz_history_stored_total ").append(h.stored()).append('\n');
        help(b, "trafficviz_history_dropped_total", "counter",
                "Requests counted live but not kept in the history store (queue full or store failing): its gaps.");
        b.append("trafficviz_history_dropped_total ").append(h.gaps().droppedTotal()).append('\n');
        help(b, "trafficviz_history_write_failing", "gauge", "1 while the history store cannot be written.");
        b.append("trafficviz_history_write_failing ").append(h.failure() == null ? 0 : 1).append('\n');
        help(b, "trafficviz_history_file_bytes", "gauge", "The history store's file and write-ahead log on disk.");
        b.append("trafficviz_history_file_bytes ").append(h.store().fileBytes()).append('\n');
        return b.toString();
    }

    /** The files' rotation losses, after the rest: lines a copytruncate (or a too quick delete) destroyed unread. */
    static String renderRotationLosses(Map<String, Long> losses) {
        StringBuilder b = new StringBuilder(256);
        help(b, "trafficviz_source_rotation_losses_total", "counter",
                "Rotations that destroyed lines before they were read (copytruncate without a copy to read them from).");
        losses.forEach((source, n) -> b.append("trafficviz_source_rotation_losses_total{source=\"").append(label(source))
                .append("\"} ").append(n).append('\n'));
        return b.toString();
    }

    public static String render(IngestStats ingest, LiveStats live, Map<String, Boolean> discoveryUp, long nowMillis) {
        StringBuilder b = new StringBuilder(2048);
        IngestTotals totals = ingest.totals();
        help(b, "trafficviz_ingest_lines_total", "counter", "Access-log lines read.");
        b.append("trafficviz_ingest_lines_total ").append(totals.lines()).append('\n');
        help(b, "trafficviz_ingest_malformed_total", "counter", "Lines that were not Traefik access-log lines.");
        b.append("trafficviz_ingest_malformed_total ").append(totals.malformed()).append('\n');
        help(b, "trafficviz_source_lines_total", "counter", "Lines read per source.");
        for (SourceSnapshot s : totals.sources()) {
            b.append("trafficviz_source_lines_total{source=\"").append(label(s.origin())).append("\"} ")
                    .append(s.lines()).append('\n');
        }
        help(b, "trafficviz_source_malformed_total", "counter", "Malformed lines per source.");
        for (SourceSnapshot s : totals.sources()) {
            b.append("trafficviz_source_malformed_total{source=\"").append(label(s.origin())).append("\"} ")
                    .append(s.malformed()).append('\n');
        }
        help(b, "trafficviz_ingest_lag_seconds", "gauge",
                "Now minus the start time of the newest request read (includes idle time).");
        double lag = totals.lastLineMillis() == 0 ? 0 : (nowMillis - totals.lastLineMillis()) / 1000.0;
        b.append("trafficviz_ingest_lag_seconds ").append(String.format(Locale.ROOT, "%.3f", lag)).append('\n');
        help(b, "trafficviz_live_clients", "gauge", "Connected WebSocket clients.");
        b.append("trafficviz_live_clients{channel=\"graph\"} ").append(live.graphClients()).append('\n');
        b.append("trafficviz_live_clients{channel=\"access_log\"} ").append(live.accessLogClients()).append('\n');
        help(b, "trafficviz_live_dropped_events_total", "counter", "Events not sent to slow or overloaded clients.");
        b.append("trafficviz_live_dropped_events_total ").append(live.droppedEvents()).append('\n');
        help(b, "trafficviz_live_sent_bytes_total", "counter",
                "Bytes of live messages written to WebSocket clients (each client's copy counted).");
        b.append("trafficviz_live_sent_bytes_total ").append(live.sentBytes()).append('\n');
        help(b, "trafficviz_live_slow_disconnects_total", "counter", "Clients disconnected for not keeping up.");
        b.append("trafficviz_live_slow_disconnects_total ").append(live.slowDisconnects()).append('\n');
        help(b, "trafficviz_outsider_requests_total", "counter",
                "Requests that reached a private proxy from a caller it should not hear from.");
        ingest.outsiders().byProxy().forEach((key, n) -> b.append("trafficviz_outsider_requests_total{proxy=\"")
                .append(label(key)).append("\"} ").append(n).append('\n'));
        help(b, "trafficviz_graph_nodes", "gauge", "Nodes in the graph.");
        b.append("trafficviz_graph_nodes ").append(ingest.nodes()).append('\n');
        help(b, "trafficviz_graph_edges", "gauge", "Hop edges in the graph.");
        b.append("trafficviz_graph_edges ").append(ingest.hopEdges()).append('\n');
        help(b, "trafficviz_discovery_up", "gauge", "1 when the proxy's inventory is fresh (API or file).");
        discoveryUp.forEach((key, up) -> b.append("trafficviz_discovery_up{proxy=\"").append(label(key))
                .append("\"} ").append(up ? 1 : 0).append('\n'));
        return b.toString();
    }

    private static void help(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
