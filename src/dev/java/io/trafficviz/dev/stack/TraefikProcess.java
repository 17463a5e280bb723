package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One running Traefik: its config files written into a directory of its own, the process, and what its API says.
 * {@link #close()} sends SIGTERM, waits for the process to exit (killing it after a grace period), so its ports are
 * free when it returns.
 */
public final class TraefikProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ProxySpec spec;
    private final Path dir;
    private final Path staticFile;
    private final Path dynamicFile;
    private final Path accessLog;
    private final Path processLog;
    private final Process process;

    private TraefikProcess(ProxySpec spec, Path dir, Path staticFile, Path dynamicFile, Path accessLog, Path processLog,
                           Process process) {
        this.spec = spec;
        this.dir = dir;
        this.staticFile = staticFile;
        this.dynamicFile = dynamicFile;
        this.accessLog = accessLog;
        this.processLog = processLog;
        this.process = process;
    }

    /** Writes the configs for {@code spec} into {@code dir} (created) and starts Traefik; see {@link #awaitReady}. */
    public static TraefikProcess start(Path binary, ProxySpec spec, Path dir) {
        return start(binary, spec, dir, null, List.of());
    }

    /**
     * As {@link #start(Path, ProxySpec, Path)}, optionally exporting the access log over OTLP and running Traefik
     * under a command prefix (e.g. {@code ip netns exec <ns>}, which replaces itself with Traefik).
     */
    public static TraefikProcess start(Path binary, ProxySpec spec, Path dir, TraefikConfigs.OtlpExport otlp,
                                       List<String> commandPrefix) {
        try {
            Files.createDirectories(dir);
            Path dynamicFile = dir.resolve("dynamic.yml");
            Path staticFile = dir.resolve("traefik.yml");
            Path accessLog = dir.resolve("access.log");
            Path processLog = dir.resolve("traefik.out");
            Files.writeString(dynamicFile, TraefikConfigs.dynamicConfig(spec));
            Files.writeString(staticFile, TraefikConfigs.staticConfig(spec, dynamicFile, accessLog, otlp));
            List<String> command = new ArrayList<>(commandPrefix);
            command.addAll(List.of(binary.toString(), "--configFile=" + staticFile));
            return start(command, spec, dir, staticFile, dynamicFile, accessLog, processLog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Traefik config for " + spec.name() + " into " + dir, e);
        }
    }

    /**
     * Starts Traefik with a static config written elsewhere (used to check the Docker examples' configs).
     * {@code spec} only supplies the name and the API address to poll.
     */
    public static TraefikProcess start(Path binary, ProxySpec spec, Path dir, Path staticFile, Path dynamicFile,
                                       Path accessLog, Path processLog) {
        return start(List.of(binary.toString(), "--configFile=" + staticFile), spec, dir, staticFile, dynamicFile,
                accessLog, processLog);
    }

    private static TraefikProcess start(List<String> command, ProxySpec spec, Path dir, Path staticFile,
                                        Path dynamicFile, Path accessLog, Path processLog) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(processLog.toFile()));
        try {
            return new TraefikProcess(spec, dir, staticFile, dynamicFile, accessLog, processLog, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Traefik (" + String.join(" ", command) + ") for " + spec.name()
                    + ": " + e.getMessage(), e);
        }
    }

    public ProxySpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public Path dir() {
        return dir;
    }

    public Path staticConfig() {
        return staticFile;
    }

    public Path dynamicConfig() {
        return dynamicFile;
    }

    public Path accessLog() {
        return accessLog;
    }

    /** Traefik's own stdout and stderr. */
    public Path processLog() {
        return processLog;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The routers this proxy was configured with, as Traefik names them ({@code <name>@file}). */
    public Set<String> expectedRouters() {
        Set<String> out = new TreeSet<>();
        spec.routes().forEach(r -> out.add(r.service() + "@file"));
        return out;
    }

    /**
     * Waits until the API answers, lists every expected router as enabled, and the traffic entry point accepts
     * connections. Fails early, with the end of Traefik's output, if the process exits.
     */
    public void awaitReady(Duration timeout) {
        awaitReady(timeout, expectedRouters());
    }

    /** Like {@link #awaitReady(Duration)}, for a given set of router names ({@code <name>@<provider>}). */
    public void awaitReady(Duration timeout, Set<String> routers) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Traefik " + name() + " exited with " + process.exitValue() + ":\n" + outputTail());
            }
            try {
                Map<String, String> status = routerStatus();
                Set<String> missing = new TreeSet<>(routers);
                status.forEach((router, st) -> {
                    if ("enabled".equals(st)) {
                        missing.remove(router);
                    }
                });
                if (missing.isEmpty() && accepts(spec.host(), spec.webPort())) {
                    return;
                }
                last = missing.isEmpty() ? "entry point not accepting yet" : "routers not enabled yet: " + missing + " (have " + status + ")";
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(100);
        }
        throw new IllegalStateException("Traefik " + name() + " not ready after " + timeout + ": " + last + "\n" + outputTail());
    }

    /** Router name → status, from {@code /api/http/routers}, following {@code X-Next-Page}. */
    public Map<String, String> routerStatus() throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode r : apiList("/api/http/routers")) {
            out.put(r.path("name").asText(), r.path("status").asText());
        }
        return out;
    }

    /** Every item of a paginated API list. */
    public List<JsonNode> apiList(String path) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String page = "1";
        for (int guard = 0; guard < 1000 && page != null && !page.isEmpty(); guard++) {
            URI uri = spec.apiUri().resolve(path + "?per_page=100&page=" + page);
            HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new IOException(uri + " answered " + resp.statusCode());
            }
            JsonNode arr = JSON.readTree(resp.body());
            if (arr == null || !arr.isArray()) {
                throw new IOException(uri + " did not return a list");
            }
            arr.forEach(items::add);
            page = resp.headers().firstValue("X-Next-Page").orElse(null);
            if ("1".equals(page)) {
                break;
            }
        }
        return items;
    }

    /** The last lines of Traefik's output. */
    public String outputTail() {
        try {
            List<String> lines = Files.readAllLines(processLog, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /**
     * Sends SIGTERM and returns at once, so several proxies can shut down together (each takes up to a second or so
     * to close idle keep-alive connections); {@link #close()} then waits.
     */
    public void terminate() {
        if (process.isAlive()) {
            process.destroy();
        }
    }

    /** SIGTERM, wait up to 10 s, then SIGKILL; returns when the process is gone. */
    @Override
    public void close() {
        Processes.terminate(process);
    }

    static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
