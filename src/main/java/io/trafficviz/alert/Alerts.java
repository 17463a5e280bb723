package io.trafficviz.alert;

import io.trafficviz.config.AlertsConfig;
import io.trafficviz.config.AlertsConfig.SinkType;
import io.trafficviz.telemetry.AlertStats;
import io.trafficviz.telemetry.FiringAlert;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The {@code alerts:} section at work: the engine and its sinks, started and stopped together. */
public final class Alerts implements AlertEngine.Notifications, AutoCloseable {
    private final AlertEngine engine;
    private final List<SinkWorker> sinks;

    /**
     * @param apiUp   per polled proxy ({@code server/proxy}), whether its API answers
     * @param origins the tailed files, silent from the start until their first line
     */
    public Alerts(AlertsConfig config, LongSupplier clock, Supplier<Map<String, Boolean>> apiUp, List<String> origins) {
        this.sinks = config.sinks().stream().map(s -> new SinkWorker(s, config.pageUrl(), clock)).toList();
        this.engine = new AlertEngine(config.rules(), this, clock, apiUp, origins);
    }

    /** The listener ingest calls with every request and fact. */
    public AlertEngine engine() {
        return engine;
    }

    public void start() {
        sinks.forEach(SinkWorker::start);
        engine.start();
    }

    @Override
    public void notify(Alert alert, boolean refresh) {
        for (SinkWorker sink : sinks) {
            // Alertmanager forgets a firing alert that is not told again; the others would repeat themselves.
            if (!refresh || sink.sink().type() == SinkType.ALERTMANAGER) {
                sink.offer(alert);
            }
        }
    }

    /** The alerts firing now, oldest first, for the page. */
    public List<FiringAlert> firing() {
        return engine.firing().stream()
                .sorted(Comparator.comparingLong(Alert::startsAt).thenComparing(Alert::key))
                .map(a -> new FiringAlert(a.rule(), a.kind().key(), a.severity().name().toLowerCase(Locale.ROOT),
                        a.summary(), a.startsAt(), a.fromId(), a.toId(), a.nodeId()))
                .toList();
    }

    public AlertStats stats() {
        Map<String, Long> firing = new TreeMap<>();
        engine.rules().forEach(r -> firing.put(r.name(), 0L));
        engine.firing().forEach(a -> firing.merge(a.rule(), 1L, Long::sum));
        return new AlertStats(firing, sinks.stream().map(SinkWorker::stats).toList(), engine.untrackedRoutes());
    }

    @Override
    public void close() {
        engine.close();
        sinks.forEach(SinkWorker::close);
    }
}
