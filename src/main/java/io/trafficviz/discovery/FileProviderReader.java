package io.trafficviz.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static io.trafficviz.discovery.ServiceShapes.field;
import static io.trafficviz.discovery.ServiceShapes.strings;
import static io.trafficviz.discovery.ServiceShapes.text;

/**
 * Reads a Traefik file-provider dynamic configuration (the {@code --providers.file.directory} or
 * {@code --providers.file.filename} a proxy is started with) into an inventory, for when the proxy's API is not
 * reachable. Only HTTP routers and services are read; names are qualified {@code @file} as Traefik does.
 *
 * <p>Like Traefik, a directory is read recursively in name order, and a router or service defined twice keeps its
 * first definition. Not supported, skipped with a warning: TOML files (there is no TOML parser on the classpath) and
 * Go-template files (containing {@code {{}}, which Traefik renders before parsing). {@code .json} files are read
 * too (Traefik itself ignores them). Each skip or parse failure is logged once per file, not on every re-read.
 */
public final class FileProviderReader {
    public static final String PROVIDER = "file";

    private static final Logger LOG = LoggerFactory.getLogger(FileProviderReader.class);
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    /** "file: reason" lines already logged, so a poller re-reading every few seconds does not repeat them. */
    private final Set<String> alreadyWarned = ConcurrentHashMap.newKeySet();

    /** @param path a dynamic-configuration file, or a directory of them */
    public FileProviderReader(Path path) {
        this.path = path;
    }

    /** The configured file or directory. */
    public Path path() {
        return path;
    }

    /**
     * Reads the configuration now.
     *
     * @throws DiscoveryException when the path is missing or unreadable, when a single configured file cannot be
     *                            parsed, or when a directory holds configuration files but none could be used
     */
    public ProxyInventory read() throws DiscoveryException {
        if (!Files.exists(path)) {
            throw new DiscoveryException("file provider " + path + ": does not exist");
        }
        Map<String, Router> routers = new LinkedHashMap<>();
        Map<String, Service> services = new LinkedHashMap<>();
        if (Files.isDirectory(path)) {
            readDirectory(routers, services);
        } else {
            String problem = readFile(path, routers, services);
            if (problem != null) {
                throw new DiscoveryException("file provider " + path + ": " + problem);
            }
        }
        return new ProxyInventory(null, List.copyOf(routers.values()), List.copyOf(services.values()), List.of(),
                System.currentTimeMillis());
    }

    private void readDirectory(Map<String, Router> routers, Map<String, Service> services)
            throws DiscoveryException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            // Hidden entries are skipped: editor swap files, and the "..data" directories of Kubernetes ConfigMap
            // mounts, which would otherwise be read a second time through their symlinks.
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> !isHidden(path.relativize(f)))
                    .filter(f -> isConfigurationFile(f))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DiscoveryException("file provider " + path + ": cannot list the directory: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        int used = 0;
        for (Path file : files) {
            String problem = readFile(file, routers, services);
            if (problem == null) {
                used++;
            } else {
                problems.add(path.relativize(file) + ": " + problem);
                warnOnce(file, "skipped, " + problem);
            }
        }
        if (used == 0 && !problems.isEmpty()) {
            throw new DiscoveryException("file provider " + path + ": no usable configuration file ("
                    + String.join("; ", problems) + ")");
        }
    }

    /** Reads one file into the maps; returns why it could not be used, or null when it was. */
    private String readFile(Path file, Map<String, Router> routers, Map<String, Service> services) {
        String extension = extensionOf(file);
        if (extension.equals("toml")) {
            return "TOML is not supported, convert it to YAML";
        }
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "cannot read: " + e.getMessage();
        }
        if (content.contains("{{")) {
            return "Go templates are not supported (the file contains '{{')";
        }
        JsonNode root;
        try {
            root = (extension.equals("json") ? JSON : YAML).readTree(content);
        } catch (IOException e) {
            return "not valid " + (extension.equals("json") ? "JSON" : "YAML") + ": " + parseProblem(e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return null; // An empty file is valid configuration that defines nothing.
        }
        if (!root.isObject()) {
            return "expected a mapping at the top level";
        }
        JsonNode http = field(root, "http");
        forEachEntry(field(http, "routers"), (name, definition) -> addFirst(routers, file, "router",
                qualified(name), router(qualified(name), definition)));
        forEachEntry(field(http, "services"), (name, definition) -> addFirst(services, file, "service",
                qualified(name), service(qualified(name), definition)));
        return null;
    }

    private static Router router(String name, JsonNode definition) {
        return new Router(name, text(field(definition, "rule")),
                ProxyInventory.qualify(text(field(definition, "service")), PROVIDER),
                strings(field(definition, "entryPoints")), null, PROVIDER);
    }

    private static Service service(String name, JsonNode definition) {
        return new Service(name, ServiceShapes.typeOf(definition), PROVIDER, ServiceShapes.serverUrls(definition),
                null, ServiceShapes.children(definition, PROVIDER));
    }

    private <T> void addFirst(Map<String, T> into, Path file, String kind, String name, T value) {
        if (into.putIfAbsent(name, value) != null) {
            warnOnce(file, kind + " " + name + " is already defined in an earlier file; the first one is kept");
        }
    }

    private void warnOnce(Path file, String problem) {
        if (alreadyWarned.add(file + ": " + problem)) {
            LOG.warn("file provider {}: {}: {}", path, file.equals(path) ? file.getFileName() : path.relativize(file),
                    problem);
        }
    }

    private static String qualified(String name) {
        // Names in a file-provider file are never qualified; Traefik appends "@file".
        return ProxyInventory.qualify(name, PROVIDER);
    }

    private static void forEachEntry(JsonNode object, java.util.function.BiConsumer<String, JsonNode> action) {
        if (object == null || !object.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            action.accept(entry.getKey(), entry.getValue());
        }
    }

    private static boolean isConfigurationFile(Path file) {
        return Set.of("yml", "yaml", "json", "toml").contains(extensionOf(file));
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String extensionOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * A parser message on one line: SnakeYAML's spans several, with indented source excerpts in between that are
     * only noise in a log; the location is appended once instead.
     */
    private static String parseProblem(IOException e) {
        if (!(e instanceof com.fasterxml.jackson.core.JsonProcessingException parse)) {
            return firstLine(e.getMessage());
        }
        String message = parse.getOriginalMessage() == null ? "unknown error" : parse.getOriginalMessage();
        String summary = message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(java.util.stream.Collectors.joining("; "));
        var location = parse.getLocation();
        return location == null ? summary
                : summary + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
