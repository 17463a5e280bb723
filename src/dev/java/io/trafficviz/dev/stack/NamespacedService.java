package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.dev.demo.ServiceCommand;
import io.trafficviz.dev.demo.ServiceStats;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A demo service running as its own JVM ({@code ServiceCommand}) inside a network namespace, via
 * {@code ip netns exec}. Its counts come from its {@code /_stats}; a restart starts a new process, so the counts of
 * earlier runs are kept and added.
 */
final class NamespacedService implements ServiceHandle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String namespace;
    private final String address;
    private final int port;
    private final List<String> serviceArgs;
    private final Path logFile;
    private Process process;
    private ServiceStats.Snapshot earlier;

    /** @param serviceArgs {@code communicating ...} or {@code leaf ...}, without {@code --bind}/{@code --port} */
    NamespacedService(String name, String namespace, String address, int port, List<String> serviceArgs, Path logFile) {
        this.name = name;
        this.namespace = namespace;
        this.address = address;
        this.port = port;
        this.serviceArgs = List.copyOf(serviceArgs);
        this.logFile = logFile;
        this.earlier = new ServiceStats.Snapshot(name, 0, Map.of(), Map.of());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public URI baseUri() {
        return URI.create("http://" + address + ":" + port);
    }

    @Override
    public synchronized void start() {
        if (running()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), ServiceCommand.class.getName()));
        cmd.addAll(serviceArgs);
        cmd.addAll(List.of("--bind", address, "--port", String.valueOf(port)));
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + " in namespace " + namespace + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + logTail());
            }
            if (get("/_health") != null) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(name + " did not answer /_health within 30 s: " + logTail());
    }

    @Override
    public synchronized ServiceStats.Snapshot stats() {
        ServiceStats.Snapshot now = current();
        return now == null ? earlier : earlier.plus(now);
    }

    private ServiceStats.Snapshot current() {
        if (!running()) {
            return null;
        }
        String body = get("/_stats");
        if (body == null) {
            throw new IllegalStateException("cannot read " + name + "'s /_stats");
        }
        try {
            return JSON.readValue(body, ServiceStats.Snapshot.class);
        } catch (IOException e) {
            throw new IllegalStateException("bad /_stats from " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            ServiceStats.Snapshot last = null;
            try {
                last = current();
            } catch (RuntimeException ignored) {
                // a process that cannot answer has nothing more to add
            }
            if (last != null) {
                earlier = earlier.plus(last);
            }
            Processes.terminate(process);
        }
        process = null;
    }

    @Override
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    @Override
    public String describe() {
        return "process " + (process == null ? "-" : process.pid()) + " in namespace " + namespace + " on " + baseUri();
    }

    private String get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(baseUri().resolve(path)).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
