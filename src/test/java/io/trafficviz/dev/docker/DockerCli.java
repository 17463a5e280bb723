package io.trafficviz.dev.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Docker engine through its CLI, with Compose v2 as a CLI plugin from scripts/build-compose.sh's cache (in a
 * {@code DOCKER_CONFIG} of its own, so the system's plugins and credentials play no part).
 */
public final class DockerCli {
    /** What a command printed (stdout and stderr together) and how it ended. */
    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private final Path dockerConfig;
    private final Map<String, String> env;

    private DockerCli(Path dockerConfig, Map<String, String> env) {
        this.dockerConfig = dockerConfig;
        this.env = Map.copyOf(env);
    }

    /** The Compose plugin scripts/build-compose.sh built for the pinned version, or null when it has not. */
    public static Path composePlugin() throws IOException, InterruptedException {
        Result version = run(List.of("scripts/build-compose.sh", "--print-version"), Map.of(), 30);
        Path root = Path.of(System.getenv().getOrDefault("COMPOSE_CACHE",
                System.getProperty("user.home") + "/.cache/trafficviz/compose"));
        Path plugin = root.resolve(version.output().trim()).resolve("cli-plugins/docker-compose");
        return Files.isExecutable(plugin) ? plugin : null;
    }

    /** A CLI whose {@code docker compose} is {@code plugin}, and whose commands see {@code env} besides this JVM's. */
    public static DockerCli withCompose(Path plugin, Map<String, String> env) {
        return new DockerCli(plugin.getParent().getParent(), env);
    }

    /** Whether an engine answers (`docker info`). */
    public static boolean engineAvailable() {
        try {
            return run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), Map.of(), 30).ok();
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public Result docker(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("DOCKER_CONFIG", dockerConfig.toString());
        return run(cmd, all, timeoutSeconds);
    }

    public static Result run(List<String> cmd, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("docker-cli", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd) + "\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
