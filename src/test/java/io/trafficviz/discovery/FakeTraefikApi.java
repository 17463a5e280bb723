package io.trafficviz.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 that answers like Traefik's API, from the responses recorded from a real Traefik
 * (fixtures/traefik-3.6-api), with Traefik's own paging: {@code page}/{@code per_page}, {@code X-Next-Page} = next
 * page or 1 on the last, 400 past the end. Any path can be overridden to misbehave.
 */
final class FakeTraefikApi implements AutoCloseable {
    static final String FIXTURES = "/fixtures/traefik-3.6-api/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A canned answer that replaces the normal one for a path. */
    record Canned(int status, String contentType, String body, Map<String, String> headers) {
        static Canned of(int status, String body) {
            return new Canned(status, "text/plain; charset=utf-8", body, Map.of());
        }
    }

    private final HttpServer server;
    private final Map<String, JsonNode> documents = new ConcurrentHashMap<>();
    private final Map<String, Canned> overrides = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Long> requestNanos = new CopyOnWriteArrayList<>();
    private volatile String requiredAuthorization;
    private volatile long delayMillis;

    private FakeTraefikApi(HttpServer server) {
        this.server = server;
        for (String name : List.of("version", "overview", "entrypoints", "http-routers", "http-services")) {
            documents.put("/api/" + name.replace('-', '/'), fixture(name + ".json"));
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-traefik-api");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** Starts on an ephemeral port of 127.0.0.1. */
    static FakeTraefikApi start() {
        return startOn(0);
    }

    /** Starts on a given port of 127.0.0.1 (0 for any). */
    static FakeTraefikApi startOn(int port) {
        try {
            return new FakeTraefikApi(HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode fixture(String name) {
        try (InputStream in = FakeTraefikApi.class.getResourceAsStream(FIXTURES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Answers {@code path} (without query) with this instead of the Traefik document. */
    void override(String path, Canned answer) {
        overrides.put(path, answer);
    }

    void clearOverrides() {
        overrides.clear();
    }

    /** Replaces the document served for a path. */
    void document(String path, JsonNode document) {
        documents.put(path, document);
    }

    /** Requires this exact Authorization header (401 otherwise), as Traefik behind basic auth would. */
    void requireAuthorization(String header) {
        requiredAuthorization = header;
    }

    void delayEveryAnswer(long millis) {
        delayMillis = millis;
    }

    /** Path and query of every request, in arrival order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** System.nanoTime() of every request, in arrival order. */
    List<Long> requestNanos() {
        return List.copyOf(requestNanos);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            requests.add(uri.getRawQuery() == null ? uri.getPath() : uri.getPath() + "?" + uri.getRawQuery());
            requestNanos.add(System.nanoTime());
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            String auth = requiredAuthorization;
            if (auth != null && !auth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, Canned.of(401, "401 Unauthorized\n"));
                return;
            }
            Canned canned = overrides.get(uri.getPath());
            if (canned != null) {
                send(exchange, canned);
                return;
            }
            JsonNode document = documents.get(uri.getPath());
            if (document == null) {
                send(exchange, Canned.of(404, "404 page not found\n"));
                return;
            }
            if (!document.isArray()) {
                send(exchange, new Canned(200, "application/json", JSON.writeValueAsString(document), Map.of()));
                return;
            }
            sendPage(exchange, (ArrayNode) document, query(uri));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Traefik's pkg/api pagination, as observed on a real v3.6.12. */
    private static void sendPage(HttpExchange exchange, ArrayNode all, Map<String, String> query) throws IOException {
        int perPage = Integer.parseInt(query.getOrDefault("per_page", "100"));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        int start = (page - 1) * perPage;
        if (start != 0 && start >= all.size()) {
            send(exchange, Canned.of(400, "{\"message\":\"invalid request: page: " + page + ", per_page: " + perPage
                    + "\"}\n"));
            return;
        }
        ArrayNode slice = JSON.createArrayNode();
        for (int i = start; i < Math.min(start + perPage, all.size()); i++) {
            slice.add(all.get(i));
        }
        int next = page * perPage < all.size() ? page + 1 : 1;
        send(exchange, new Canned(200, "application/json", JSON.writeValueAsString(slice),
                Map.of("X-Next-Page", Integer.toString(next))));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new ConcurrentHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return out;
    }

    private static void send(HttpExchange exchange, Canned answer) throws IOException {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}
