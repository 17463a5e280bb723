package io.trafficviz.dev.docker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's Maven repository ({@code ~/.m2/repository}) served read-only over HTTP on 127.0.0.1, so that an image
 * build run with {@code --network host} and {@code --build-arg MAVEN_REPO_URL=...} finds every artifact the host's
 * build already resolved (Maven Central is behind a TLS-intercepting proxy here). A local repository names its
 * metadata after the repository it came from ({@code maven-metadata-central.xml}); a remote one serves
 * {@code maven-metadata.xml}: that name is mapped, the rest is served as it is.
 */
public final class LocalMavenRepository implements AutoCloseable {
    private final Path root;
    private final HttpServer server;

    /**
     * The port it prefers: the URL is a build argument, and a build argument that changes invalidates the engine's
     * cache of every later step, so a fixed one lets a second build reuse the first one's Maven step.
     */
    public static final int PREFERRED_PORT = 18765;

    private LocalMavenRepository(Path root) throws IOException {
        this.root = root.toRealPath();
        HttpServer bound;
        try {
            bound = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), PREFERRED_PORT), 16);
        } catch (java.net.BindException taken) {
            bound = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        }
        this.server = bound;
        server.createContext("/", this::serve);
        server.start();
    }

    public static LocalMavenRepository start(Path root) throws IOException {
        return new LocalMavenRepository(root);
    }

    public static Path defaultRoot() {
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Path file = resolve(exchange.getRequestURI().getPath());
            if (file == null || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : Files.size(file));
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    Files.copy(file, out);
                }
            }
        }
    }

    private Path resolve(String path) {
        Path file = root.resolve(path.replaceFirst("^/+", "")).normalize();
        if (!file.startsWith(root)) {
            return null;
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!Files.exists(file) && name.startsWith("maven-metadata.xml")) {
            return file.resolveSibling(name.replace("maven-metadata.xml", "maven-metadata-central.xml"));
        }
        return file;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Serves until killed: {@code java LocalMavenRepository.java [port-file]}, for building the images by hand. */
    public static void main(String[] args) throws Exception {
        LocalMavenRepository repo = start(defaultRoot());
        System.out.println(repo.uri());
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), repo.uri().toString());
        }
        Thread.currentThread().join();
    }
}
