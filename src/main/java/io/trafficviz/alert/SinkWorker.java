package io.trafficviz.alert;

import io.trafficviz.config.AlertsConfig;
import io.trafficviz.telemetry.AlertStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One sink: a bounded queue and a thread of its own that posts one notification at a time, retrying a failure with
 * backoff (0.5 s doubling to 30 s) until it is delivered. A sink that is down fills only its own queue; past it new
 * notifications are dropped and counted ({@code /metrics}), and nothing else waits.
 */
final class SinkWorker implements AutoCloseable {
    static final long FIRST_BACKOFF_MILLIS = 500;
    static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);

    private final AlertsConfig.Sink sink;
    private final String pageUrl;
    private final LongSupplier clock;
    private final BlockingQueue<Alert> queue;
    private final HttpClient client;
    private final Thread thread;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    SinkWorker(AlertsConfig.Sink sink, String pageUrl, LongSupplier clock) {
        this.sink = sink;
        this.pageUrl = pageUrl;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(sink.queue());
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.thread = new Thread(this::run, "alert-sink-" + sink.name());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    AlertsConfig.Sink sink() {
        return sink;
    }

    /** Queues a notification; never waits. */
    void offer(Alert alert) {
        if (!queue.offer(alert)) {
            dropped.incrementAndGet();
        }
    }

    AlertStats.Sink stats() {
        return new AlertStats.Sink(sink.name(), sink.type().name().toLowerCase(java.util.Locale.ROOT), delivered.get(),
                failures.get(), dropped.get(), queue.size());
    }

    private void run() {
        try {
            while (!closed) {
                Alert alert = queue.take();
                long backoff = FIRST_BACKOFF_MILLIS;
                while (!closed) {
                    String problem = send(alert);
                    if (problem == null) {
                        delivered.incrementAndGet();
                        break;
                    }
                    long n = failures.incrementAndGet();
                    if (n == 1 || Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th...: said, not flooded
                        log.warn("Alerts: sink {} failed ({}), retrying in {} ms ({} failures so far)", sink.name(),
                                problem, backoff, n);
                    }
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Posts once; null when delivered, else what went wrong. */
    private String send(Alert alert) throws InterruptedException {
        URI uri = sink.url();
        byte[] body;
        Map<String, String> extra = Map.of();
        String type = "application/json";
        switch (sink.type()) {
            case WEBHOOK -> body = Payloads.webhook(alert, pageUrl);
            case SLACK -> body = Payloads.slack(alert, pageUrl);
            case DISCORD -> body = Payloads.discord(alert, pageUrl);
            case NTFY -> {
                body = Payloads.ntfyBody(alert);
                extra = Payloads.ntfyHeaders(alert, pageUrl);
                type = "text/plain; charset=utf-8";
            }
            case ALERTMANAGER -> {
                uri = URI.create(stripSlash(uri.toString()) + "/api/v2/alerts");
                body = Payloads.alertmanager(alert, pageUrl, clock.getAsLong(), 4 * AlertEngine.RESEND_MILLIS);
            }
            default -> throw new IllegalStateException(sink.type().name());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", type).header("User-Agent", "trafficviz")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        extra.forEach(request::header);
        sink.headers().forEach(request::header);
        try {
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
