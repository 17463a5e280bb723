package io.trafficviz.dev.stack;

import io.trafficviz.source.file.FileTailer;
import io.trafficviz.source.file.StartPosition;
import io.trafficviz.source.file.TailerOptions;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny log shipper for the stack, standing in for Vector or Fluent Bit on a server whose logs trafficviz cannot read
 * from its own disk: it tails one proxy's access-log file ({@link FileTailer}, from the beginning) and POSTs the new
 * lines in batches to trafficviz's {@code POST /ingest?server=S&proxy=P} as plain text, one line per line, with the
 * bearer token when one is set. A batch that fails is sent again (after 100 ms, 200 ms, ... up to 2 s) before any
 * later line, so lines arrive once and in order while trafficviz is reachable; at most {@value #MAX_QUEUED} lines wait,
 * older ones are dropped (and counted) beyond that. In production use a real shipper: see docs/stack.md.
 */
public final class LogShipper implements AutoCloseable {
    static final int MAX_QUEUED = 100_000;
    static final int MAX_BATCH = 1_000;
    private static final long LINGER_MILLIS = 50;

    private final String name;
    private final URI ingest;
    private final String token;
    private final FileTailer tailer;
    private final LinkedBlockingDeque<String> queue = new LinkedBlockingDeque<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicLong shipped = new AtomicLong();
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread sender;
    private volatile boolean closing;
    private volatile String lastError;

    /**
     * @param trafficviz trafficviz's base URL, e.g. {@code http://127.0.0.1:8082}
     * @param token      the bearer token ({@code ingest.token}), or null
     */
    public LogShipper(Path accessLog, URI trafficviz, String server, String proxy, String token) {
        this.name = server + "/" + proxy;
        this.ingest = trafficviz.resolve("/ingest?server=" + URLEncoder.encode(server, StandardCharsets.UTF_8)
                + "&proxy=" + URLEncoder.encode(proxy, StandardCharsets.UTF_8));
        this.token = token;
        this.tailer = new FileTailer(TailerOptions.of(accessLog).withStartAt(StartPosition.BEGINNING)
                .withPollInterval(Duration.ofMillis(50)), batch -> {
                    for (int i = 0; i < batch.size(); i++) {
                        enqueue(batch.text(i));
                    }
                    return 0;
                });
        this.sender = new Thread(this::run, "log-shipper:" + name);
        this.sender.setDaemon(true);
    }

    public LogShipper start() {
        tailer.start();
        sender.start();
        return this;
    }

    private void enqueue(String line) {
        if (line.isBlank()) {
            return;
        }
        while (queue.size() >= MAX_QUEUED && queue.pollFirst() != null) {
            dropped.incrementAndGet();
        }
        queue.offerLast(line);
    }

    private void run() {
        List<String> batch = new ArrayList<>();
        long backoff = 100;
        while (true) {
            try {
                if (batch.isEmpty()) {
                    String first = queue.pollFirst(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (closing) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                    Thread.sleep(LINGER_MILLIS); // let a burst gather into one request
                    while (batch.size() < MAX_BATCH) {
                        String next = queue.pollFirst();
                        if (next == null) {
                            break;
                        }
                        batch.add(next);
                    }
                }
                if (post(batch)) {
                    shipped.addAndGet(batch.size());
                    batch.clear();
                    backoff = 100;
                } else {
                    if (closing && Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    Thread.sleep(backoff);
                    backoff = Math.min(2_000, backoff * 2);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean post(List<String> batch) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(ingest).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", batch) + "\n", StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        posts.incrementAndGet();
        try {
            HttpResponse<String> resp = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == 200) {
                lastError = null;
                return true;
            }
            lastError = "HTTP " + resp.statusCode() + ": " + resp.body();
            if (resp.statusCode() >= 400 && resp.statusCode() < 500 && resp.statusCode() != 429) {
                // refused for good (unknown proxy, bad token): retrying will not help, and would block every later line
                failures.incrementAndGet();
                dropped.addAndGet(batch.size());
                batch.clear();
                return false;
            }
        } catch (IOException e) {
            lastError = e.toString();
        }
        failures.incrementAndGet();
        return false;
    }

    /** Lines trafficviz accepted (answered 200 for). */
    public long shippedLines() {
        return shipped.get();
    }

    public long failedPosts() {
        return failures.get();
    }

    public long droppedLines() {
        return dropped.get();
    }

    /** Why the last POST failed, or null when it did not. */
    public String lastError() {
        return lastError;
    }

    public String describe() {
        return "log shipper tailing " + tailer.options().path() + " → POST " + ingest;
    }

    /** Stops tailing, then sends what is queued (for up to 5 s) and stops. */
    @Override
    public void close() {
        tailer.close();
        closing = true;
        try {
            sender.join(5_000);
            if (sender.isAlive()) {
                sender.interrupt();
                sender.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
