package io.trafficviz.publish;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.telemetry.IngestTotals;
import io.trafficviz.telemetry.SourceSnapshot;

import java.util.Locale;

/**
 * {@code /metrics} in the Prometheus text format: ingest counters, lag, live clients and discovery state. Deliberately
 * no series per edge or node — that is what {@code /network_info} is for, and it would make cardinality unbounded.
 */
public final class Metrics {
    private Metrics() {
    }

    public static String render(TrafficvizApp app) {
        StringBuilder b = new StringBuilder(2048);
        IngestTotals totals = app.pipeline().totals();
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
        double lag = totals.lastLineMillis() == 0 ? 0 : (System.currentTimeMillis() - totals.lastLineMillis()) / 1000.0;
        b.append("trafficviz_ingest_lag_seconds ").append(String.format(Locale.ROOT, "%.3f", lag)).append('\n');
        help(b, "trafficviz_live_clients", "gauge", "Connected WebSocket clients.");
        for (LiveHub.Channel c : LiveHub.Channel.values()) {
            b.append("trafficviz_live_clients{channel=\"").append(c.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(app.hub().clientCount(c)).append('\n');
        }
        help(b, "trafficviz_live_dropped_events_total", "counter", "Events not sent to slow or overloaded clients.");
        b.append("trafficviz_live_dropped_events_total ").append(app.hub().droppedEvents()).append('\n');
        help(b, "trafficviz_live_sent_bytes_total", "counter",
                "Bytes of live messages written to WebSocket clients (each client's copy counted).");
        b.append("trafficviz_live_sent_bytes_total ").append(app.hub().sentBytes()).append('\n');
        help(b, "trafficviz_live_slow_disconnects_total", "counter", "Clients disconnected for not keeping up.");
        b.append("trafficviz_live_slow_disconnects_total ").append(app.hub().disconnectedSlow()).append('\n');
        help(b, "trafficviz_outsider_requests_total", "counter",
                "Requests that reached a private proxy from a caller it should not hear from.");
        app.pipeline().outsiders().byProxy().forEach((key, n) -> b.append("trafficviz_outsider_requests_total{proxy=\"")
                .append(label(key)).append("\"} ").append(n).append('\n'));
        int[] sizes = app.pipeline().readGraph(g -> new int[]{g.nodes().size(), g.hopEdges().size()});
        help(b, "trafficviz_graph_nodes", "gauge", "Nodes in the graph.");
        b.append("trafficviz_graph_nodes ").append(sizes[0]).append('\n');
        help(b, "trafficviz_graph_edges", "gauge", "Hop edges in the graph.");
        b.append("trafficviz_graph_edges ").append(sizes[1]).append('\n');
        help(b, "trafficviz_discovery_up", "gauge", "1 when the proxy's inventory is fresh (API or file).");
        app.pollers().forEach((key, poller) -> b.append("trafficviz_discovery_up{proxy=\"").append(label(key))
                .append("\"} ").append(poller.state().status().name().equals("OK") ? 1 : 0).append('\n'));
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
