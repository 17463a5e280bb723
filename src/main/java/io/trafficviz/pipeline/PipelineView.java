package io.trafficviz.pipeline;

import io.trafficviz.graph.DeltaTracker;
import io.trafficviz.graph.GraphDelta;
import io.trafficviz.graph.NetworkSnapshot;
import io.trafficviz.graph.Node;
import io.trafficviz.graph.NodeView;
import io.trafficviz.telemetry.IngestStats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@link IngestView} over a {@link Pipeline}: each method is one acquisition of the pipeline's lock, in which the
 * values are taken. The only reader of the pipeline's lock outside ingest and discovery; keeps the live stream's
 * {@link DeltaTracker}, so there is one of these per stream that drains the graph.
 */
public final class PipelineView implements IngestView {
    private final Pipeline pipeline;
    private final DeltaTracker deltas = new DeltaTracker();

    public PipelineView(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public long rateClock() {
        return pipeline.rateClock();
    }

    @Override
    public GraphDelta drainDelta(long rateNow, boolean refreshRates) {
        return pipeline.readGraph(graph -> deltas.drain(graph, rateNow, refreshRates));
    }

    @Override
    public void discardChanges() {
        pipeline.withLock(() -> deltas.discard(pipeline.graph()));
    }

    @Override
    public List<NodeView> nodes(Collection<String> ids) {
        return pipeline.readGraph(graph -> {
            List<NodeView> out = new ArrayList<>(ids.size());
            for (String id : ids) {
                Node n = graph.node(id);
                if (n != null) {
                    out.add(NodeView.of(n));
                }
            }
            return out;
        });
    }

    @Override
    public NetworkSnapshot snapshot(boolean logical, long nowMillis) {
        // The totals under the same lock as the graph: the lines they count are the ones it holds.
        return pipeline.readGraph(graph -> NetworkSnapshot.of(graph, logical, nowMillis, pipeline.totals(),
                pipeline.outsiders()));
    }

    @Override
    public IngestStats stats() {
        return pipeline.readGraph(graph -> new IngestStats(pipeline.totals(), pipeline.outsiders(),
                graph.nodes().size(), graph.hopEdges().size()));
    }
}
