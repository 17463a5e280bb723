package io.trafficviz.dev.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base of the demo services: a JDK HTTP server that answers {@code GET /_health} and {@code GET /_stats} (its
 * {@link ServiceStats} as JSON) itself and hands every other request to {@link #handle}, counting it.
 */
public abstract class DemoService implements AutoCloseable {
    protected static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private volatile InetSocketAddress bind;
    private final ServiceStats stats;
    private volatile HttpServer server;
    private ExecutorService executor;

    protected DemoService(String name, InetSocketAddress bind) {
        this.name = name;
        this.bind = bind;
        this.stats = new ServiceStats(name);
    }

    /** A response a service produces. */
    protected record Reply(int status, Object body) {
    }

    /** Answers one counted request; runs on the server's worker threads. */
    protected abstract Reply handle(String method, URI requestUri, Map<String, String> headers);

    /** Starts listening; may be called again after {@link #close()} and then listens on the same port. */
    public final synchronized DemoService start() {
        if (server != null) {
            throw new IllegalStateException(name + " already started");
        }
        try {
            HttpServer s = HttpServer.create(bind, 256);
            AtomicInteger n = new AtomicInteger();
            executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, name + "-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            s.setExecutor(executor);
            s.createContext("/", this::exchange);
            s.start();
            server = s;
            bind = s.getAddress(); // a restart after close() reuses the port it got
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " on " + bind + ": " + e.getMessage(), e);
        }
        return this;
    }

    public String name() {
        return name;
    }

    public ServiceStats stats() {
        return stats;
    }

    /** The address it listens on (the actual port once started). */
    public InetSocketAddress address() {
        HttpServer s = server;
        return s == null ? bind : s.getAddress();
    }

    /** {@code http://host:port}, where it can be reached directly. */
    public URI baseUri() {
        InetSocketAddress a = address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + a.getPort());
    }

    public boolean running() {
        return server != null;
    }

    /** Stops listening at once; in-flight requests are abandoned, and the port is free when this returns. */
    @Override
    public synchronized void close() {
        HttpServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        s.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            try (InputStream in = ex.getRequestBody()) {
                in.readNBytes(64 * 1024);
            }
            String path = ex.getRequestURI().getPath();
            if ("/_health".equals(path)) {
                send(ex, 200, Map.of("service", name, "status", "ok"));
                return;
            }
            if ("/_stats".equals(path)) {
                send(ex, 200, stats.snapshot());
                return;
            }
            stats.received();
            Map<String, String> headers = new java.util.HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(", ", v)));
            Reply reply;
            try {
                reply = handle(ex.getRequestMethod(), ex.getRequestURI(), headers);
            } catch (RuntimeException e) {
                reply = new Reply(500, Map.of("service", name, "error", String.valueOf(e)));
            }
            stats.answered(reply.status());
            send(ex, reply.status(), reply.body());
        }
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
