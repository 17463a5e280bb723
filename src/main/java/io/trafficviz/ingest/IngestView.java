package io.trafficviz.ingest;

import io.trafficviz.graph.GraphDelta;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.NodeView;
import io.trafficviz.graph.ServiceGraphEdge;
import io.trafficviz.telemetry.CallerTraffic;
import io.trafficviz.telemetry.IngestStats;
import io.trafficviz.telemetry.RouterTraffic;

import java.util.Collection;
import java.util.List;

/**
 * The ingest side as its readers ({@code publish}) see it: values only. Each method takes whatever it needs under
 * the ingest lock and returns a value that is safe to read, encode and keep after the lock is released; no caller
 * ever holds the lock or sees the graph itself.
 */
public interface IngestView {
    /** The time rate windows are evaluated at: now, or in replay the time of the last line read. */
    long rateClock();

    /**
     * What changed since the last call: new and changed nodes, new edges at once, and with {@code refreshRates} the
     * statistics of known edges that changed since the last refresh or were busy within the rate window, rates
     * evaluated at {@code rateNow}. Edges come without top paths.
     */
    GraphDelta drainDelta(long rateNow, boolean refreshRates);

    /** Forgets what changed since the last drain without rendering it (nobody is watching). */
    void discardChanges();

    /** The current descriptions of the nodes with these ids, in the order given; ids the graph does not know are left out. */
    List<NodeView> nodes(Collection<String> ids);

    /**
     * The whole graph (hop edges, or logical ones), the ingest totals and the outsiders, taken under one lock
     * acquisition, rates evaluated at {@code nowMillis}: what {@code /network_info} and a graph client's hello say.
     */
    NetworkSnapshot snapshot(boolean logical, long nowMillis);

    /** The counters {@code /metrics} reports, taken under one lock acquisition. */
    IngestStats stats();

    /**
     * Every logical edge with its requests, errors and durations counted against {@code boundsMicros}, under one lock
     * acquisition: Tempo's service-graph series on {@code /metrics}.
     */
    default List<ServiceGraphEdge> serviceGraph(long[] boundsMicros) {
        return List.of();
    }

    /** Per caller and proxy, requests and how many matched no router; external callers by client prefix. */
    CallerTraffic callerTraffic();

    /** Each proxy's routers and services with the requests they carried since start; the Hosts no router matched. */
    RouterTraffic routerTraffic();
}
