package io.trafficviz.alert;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on a free loopback port: keeps what it was sent; answers 503 to the first {@link #failFirst}
 * requests (a receiver that is down, then recovers).
 */
final class HookReceiver implements AutoCloseable {
    record Received(String path, Map<String, List<String>> headers, String body) {
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    HookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = 200;
            if (failFirst.getAndDecrement() > 0) {
                status = 503;
                refused.incrementAndGet();
            } else {
                synchronized (received) {
                    received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestHeaders(),
                            new String(body, StandardCharsets.UTF_8)));
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
