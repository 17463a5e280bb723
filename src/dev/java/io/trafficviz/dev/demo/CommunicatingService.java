package io.trafficviz.dev.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The communicating service: for every request it calls all of its downstream URLs (through a proxy) at once, waits for
 * every answer, and returns them together. As in the concept's prototype it answers 200 with what its callees returned,
 * failures included, so a failing leaf shows red on its own edge and the rest of the graph stays green; with
 * {@link Failures#PROPAGATE} it answers 502 if any call failed (no response, or a status of 400 or more).
 * Calls go out from {@code sourceAddress}, so the proxy's log tells this service apart from other callers.
 */
public final class CommunicatingService extends DemoService {
    /** A named downstream URL; {@code name} keys the call counts in {@link ServiceStats}. */
    public record Downstream(String name, URI uri) {
        /** Parses {@code name=URL} or a bare URL (then the URL is the name). */
        public static Downstream parse(String text) {
            int eq = text.indexOf('=');
            if (eq > 0 && !text.substring(0, eq).contains("/")) {
                return new Downstream(text.substring(0, eq), URI.create(text.substring(eq + 1)));
            }
            return new Downstream(text, URI.create(text));
        }
    }

    /** What the service answers when a callee failed. */
    public enum Failures {
        /** 200 with the callees' answers in the body (the concept's prototype). */
        REPORT,
        /** 502, so a leaf's failure travels up to the outside user. */
        PROPAGATE;

        public static Failures propagating(boolean propagate) {
            return propagate ? PROPAGATE : REPORT;
        }
    }

    private final List<Downstream> downstream;
    private final Failures failures;
    private final BoundHttpClient client;
    private final ExecutorService callers;

    /**
     * @param sourceAddress local address for outgoing calls, or null for the system's choice
     */
    public CommunicatingService(String name, InetSocketAddress bind, InetAddress sourceAddress, List<Downstream> downstream,
                                int callTimeoutMillis, Failures failures) {
        super(name, bind);
        this.downstream = List.copyOf(downstream);
        this.failures = failures;
        this.client = new BoundHttpClient(sourceAddress, Math.min(callTimeoutMillis, 5_000), callTimeoutMillis);
        AtomicInteger n = new AtomicInteger();
        // Daemon threads that expire when idle, so close()/start() can cycle without leaking.
        this.callers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public List<Downstream> downstream() {
        return downstream;
    }

    @Override
    protected Reply handle(String method, URI requestUri, Map<String, String> headers) {
        List<CompletableFuture<HttpResult>> futures = new ArrayList<>();
        for (Downstream d : downstream) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                HttpResult r = client.get(d.uri());
                stats().called(d.name(), r.status());
                return r;
            }, callers));
        }
        boolean allOk = true;
        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < downstream.size(); i++) {
            HttpResult r = futures.get(i).join();
            allOk &= r.ok();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", downstream.get(i).name());
            one.put("status", r.status());
            if (r.error() != null) {
                one.put("error", r.error());
            } else {
                one.put("body", parse(r.bodyText()));
            }
            results.add(one);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", name());
        body.put("ok", allOk);
        body.put("calls", results);
        return new Reply(allOk || failures == Failures.REPORT ? 200 : 502, body);
    }

    private static Object parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null ? text : node;
        } catch (java.io.IOException e) {
            return text;
        }
    }
}
