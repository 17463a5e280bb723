package io.trafficviz.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code serve --discover}: the Traefik instances running on this host, found without a config. Each Traefik process
 * (from /proc: its command line, and the static configuration file it names) tells where its API listens and where it
 * writes its access log; the API's usual ports on loopback are asked too, for a Traefik whose process is not visible
 * (another PID namespace, a container with a published port). What cannot be found is said with the Traefik option
 * that would provide it. The result is a trafficviz config, as YAML text, that ConfigLoader then checks as any other.
 */
final class HostDiscovery {
    /** Traefik's API: the {@code traefik} entry point's default port, and the port its examples often use. */
    static final List<Integer> USUAL_API_PORTS = List.of(8080, 9000);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One Traefik found: a name for the config, its API (or null), its access log (or null) and what is missing. */
    record Found(String name, String api, String accessLog, String format, List<String> hints, String from) {
    }

    private final Path proc;
    private final List<Integer> apiPorts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    HostDiscovery(Path proc, List<Integer> apiPorts) {
        this.proc = proc;
        this.apiPorts = apiPorts;
    }

    List<Found> discover() {
        List<Found> found = new ArrayList<>();
        Set<String> apis = new LinkedHashSet<>();
        for (Path process : processes()) {
            Found f = fromProcess(process);
            if (f != null) {
                found.add(f);
                if (f.api() != null) {
                    apis.add(f.api());
                }
            }
        }
        for (int port : apiPorts) {
            String api = "http://127.0.0.1:" + port;
            if (!apis.contains(api) && isTraefikApi(api)) {
                found.add(new Found("traefik-api-" + port, api, null, "auto", List.of("no access log found for the "
                        + "Traefik whose API answers on port " + port + " (its process is not visible here): add "
                        + "--accesslog.filepath=/var/log/traefik/access.log --accesslog.format=json to it and tail that "
                        + "file, or send its log to trafficviz with --accesslog.otlp.http.endpoint=http://<trafficviz>:8082"
                        + "/v1/logs (docs/remote-intake.md)"), "API on 127.0.0.1:" + port));
            }
        }
        return found;
    }

    /** The derived config: one server (this host), one proxy per Traefik found. */
    static String configYaml(String serverName, List<Found> found) {
        StringBuilder b = new StringBuilder();
        b.append("# Derived by 'trafficviz serve --discover'; edit it and run 'trafficviz serve --config FILE'.\n");
        for (Found f : found) {
            b.append("# ").append(f.name()).append(": from ").append(f.from()).append('\n');
            for (String hint : f.hints()) {
                b.append("#   ").append(hint).append('\n');
            }
        }
        b.append("listen: 127.0.0.1:8082\nservers:\n  - name: ").append(serverName).append("\n    proxies:\n");
        for (Found f : found) {
            b.append("      - name: ").append(f.name()).append("\n        role: public\n");
            if (f.api() != null) {
                b.append("        api: ").append(f.api()).append('\n');
            }
            if (f.accessLog() != null) {
                b.append("        accessLog: ").append(quoted(f.accessLog())).append('\n');
                b.append("        format: ").append(f.format()).append('\n');
            }
        }
        return b.toString();
    }

    private static String quoted(String path) {
        try {
            return JSON.writeValueAsString(path);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Path> processes() {
        try (Stream<Path> entries = Files.list(proc)) {
            return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A Traefik process's settings, or null when the process is not Traefik (or is gone, or not ours to read). */
    private Found fromProcess(Path process) {
        List<String> argv;
        try {
            byte[] raw = Files.readAllBytes(process.resolve("cmdline"));
            argv = raw.length == 0 ? List.of() : List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (argv.isEmpty() || !Path.of(argv.get(0)).getFileName().toString().equals("traefik")) {
            return null;
        }
        Path cwd;
        try {
            cwd = process.resolve("cwd").toRealPath();
        } catch (IOException e) {
            cwd = Path.of("/");
        }
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : argv.subList(1, argv.size())) {
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String key = (eq < 0 ? arg.substring(2) : arg.substring(2, eq)).toLowerCase(Locale.ROOT);
                flags.put(key, eq < 0 ? "true" : arg.substring(eq + 1));
            }
        }
        String configFile = flags.containsKey("configfile") ? flags.get("configfile") : null;
        if (configFile != null) {
            flags.putAll(flatten(cwd.resolve(configFile)));
        }
        String pid = process.getFileName().toString();
        List<String> hints = new ArrayList<>();
        String from = "process " + pid + (configFile == null ? " (command line)" : " (" + configFile + ")");

        String api = null;
        if ("true".equalsIgnoreCase(flags.get("api.insecure"))) {
            String address = flags.getOrDefault("entrypoints.traefik.address", ":8080");
            api = "http://" + loopbackFor(address);
        } else if (flags.keySet().stream().anyMatch(k -> k.startsWith("api"))) {
            hints.add("its API is not served on an entry point trafficviz can read: add --api.insecure=true and "
                    + "--entrypoints.traefik.address=127.0.0.1:8080 (discovery then names services and routers)");
        } else {
            hints.add("no API: add --api.insecure=true --entrypoints.traefik.address=127.0.0.1:8080 for service "
                    + "and router names");
        }

        String accessLog = null;
        String format = "auto";
        boolean logging = flags.containsKey("accesslog") && !"false".equalsIgnoreCase(flags.get("accesslog"))
                || flags.keySet().stream().anyMatch(k -> k.startsWith("accesslog."));
        String file = flags.get("accesslog.filepath");
        if (file != null && !file.isBlank()) {
            accessLog = cwd.resolve(file).normalize().toString();
            String f = flags.getOrDefault("accesslog.format", "common").toLowerCase(Locale.ROOT);
            format = f.equals("json") ? "json" : f.equals("genericclf") ? "genericCLF" : "common";
            if (!Files.isReadable(Path.of(accessLog))) {
                hints.add("its access log " + accessLog + " is not readable here yet (it appears with the first "
                        + "request; check this user may read it)");
            }
        } else if (logging) {
            hints.add("its access log goes to stdout: add --accesslog.filepath=/var/log/traefik/access.log "
                    + "(and --accesslog.format=json) so trafficviz can tail it");
        } else {
            hints.add("no access log: add --accesslog=true --accesslog.filepath=/var/log/traefik/access.log "
                    + "--accesslog.format=json (and --accesslog.fields.headers.names.X-Network-Name=keep when several "
                    + "proxies share the file)");
        }
        String name = "traefik-" + (api != null ? api.substring(api.lastIndexOf(':') + 1) : pid);
        return new Found(name, api, accessLog, format, List.copyOf(hints), from);
    }

    /** Traefik's static configuration file, flattened to the command line's lower-case dotted keys. */
    private static Map<String, String> flatten(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            JsonNode root = YAML.readTree(Files.readString(file));
            flatten(root, "", out);
        } catch (IOException | RuntimeException e) {
            // An unreadable static config (TOML, another user's file): the command line is all there is.
        }
        return out;
    }

    private static void flatten(JsonNode node, String prefix, Map<String, String> out) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            if (!prefix.isEmpty() && node.isEmpty()) {
                out.put(prefix, "true");
            }
            node.fields().forEachRemaining(e -> flatten(e.getValue(),
                    (prefix.isEmpty() ? "" : prefix + ".") + e.getKey().toLowerCase(Locale.ROOT), out));
        } else if (node.isValueNode()) {
            out.put(prefix, node.asText());
        }
    }

    /** {@code :8080} or {@code 0.0.0.0:8080} is reached on loopback; a named address as it is. */
    private static String loopbackFor(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, Math.max(colon, 0));
        String port = address.substring(colon + 1);
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        return host + ":" + port;
    }

    private boolean isTraefikApi(String api) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/version"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && JSON.readTree(r.body()).has("Version");
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
