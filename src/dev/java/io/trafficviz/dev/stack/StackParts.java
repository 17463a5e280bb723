package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.dev.demo.CommunicatingService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The parts of {@link MultiServerStack} that do not depend on its topology: start with retries, run services, await
 * discovery, tear down.
 */
final class StackParts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StackParts() {
    }

    /** Builds one attempt of a stack in a work directory; on failure the attempt is closed by the caller. */
    interface Attempt<S extends AutoCloseable> {
        S create(Path workDir);
    }

    /** Starting the stack, given the attempt's object: throws what went wrong. */
    interface Starter<S> {
        void start(S stack, Path traefikBinary);
    }

    /**
     * Finds the Traefik binary, then creates and starts a stack; on failure stops what was started. Tries again (at
     * most three times) when a port was taken meanwhile: free ports are picked by binding and closing, and another
     * process may take one before Traefik binds it.
     */
    static <S extends AutoCloseable> S start(StackOptions options, String tempDirPrefix, Consumer<String> log,
                                             Attempt<S> attempt, Starter<S> starter) {
        Path binary = TraefikBinary.locate(options.traefikBinary())
                .orElseThrow(() -> new IllegalStateException(options.traefikBinary() != null
                        ? "not an executable Traefik binary: " + options.traefikBinary() : TraefikBinary.notFoundMessage()));
        for (int tries = 1; ; tries++) {
            Path dir;
            try {
                dir = options.workDir() != null ? Files.createDirectories(options.workDir())
                        : Files.createTempDirectory(tempDirPrefix);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the work directory", e);
            }
            S stack = attempt.create(dir);
            try {
                starter.start(stack, binary);
                return stack;
            } catch (RuntimeException | Error e) {
                try {
                    stack.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (tries < 3 && String.valueOf(e.getMessage()).contains("address already in use")) {
                    log.accept("a port was taken meanwhile; starting again with other ports");
                    continue;
                }
                throw e;
            }
        }
    }

    static CommunicatingService.Downstream downstream(URI privateEntry, String service) {
        return new CommunicatingService.Downstream(service, privateEntry.resolve("/" + service + "/data"));
    }

    /**
     * The command lines ({@code ServiceCommand} arguments) of one server's services in namespaces: the leaf, then each
     * communicating service with its downstream calls.
     */
    static Map<String, List<String>> namespacedServiceArgs(StackOptions options, long leafSeed,
                                                           Map<String, List<CommunicatingService.Downstream>> downstream) {
        Map<String, List<String>> args = new LinkedHashMap<>();
        args.put(MultiServerStack.LEAF_SERVICE, List.of("leaf", "--name", MultiServerStack.LEAF_SERVICE,
                "--error-rate", String.valueOf(options.leafErrorRate()), "--seed", String.valueOf(leafSeed),
                "--min-latency-ms", String.valueOf(options.leafMinLatencyMillis()),
                "--max-latency-ms", String.valueOf(options.leafMaxLatencyMillis())));
        downstream.forEach((name, calls) -> {
            List<String> a = new ArrayList<>(List.of("communicating", "--name", name,
                    "--timeout-ms", String.valueOf(options.callTimeoutMillis())));
            calls.forEach(d -> a.addAll(List.of("--downstream", d.name() + "=" + d.uri())));
            a.add("--propagate-failures=" + options.propagateFailures());
            args.put(name, a);
        });
        return args;
    }

    /** Creates the log directory of namespaced services. */
    static Path serviceLogDir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until trafficviz's /network_info reports {@code want} proxies' APIs as ok. */
    static void awaitDiscovery(URI trafficviz, int want, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> resp = http.send(HttpRequest.newBuilder(trafficviz.resolve("/network_info"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                last = resp.statusCode() + " " + resp.body();
                if (resp.statusCode() == 200 && apisOk(JSON.readTree(resp.body())) == want) {
                    return;
                }
                Thread.sleep(100);
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("trafficviz did not discover all " + want + " proxies within " + timeout + ": " + last);
    }

    private static int apisOk(JsonNode networkInfo) {
        int ok = 0;
        for (JsonNode server : networkInfo.path("servers")) {
            for (JsonNode proxy : server.path("proxies")) {
                ok += "ok".equals(proxy.path("api").path("status").asText()) ? 1 : 0;
            }
        }
        return ok;
    }

    /**
     * Closes in reverse order of adding (what was started last stops first), going on past failures; the first
     * failure is thrown with the others suppressed.
     */
    static void closeInReverse(List<AutoCloseable> toClose) {
        RuntimeException failure = null;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping the stack failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Best effort: the work directory of a stack that made it itself. */
    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
