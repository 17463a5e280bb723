package io.trafficviz.publish.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end with a real Traefik in front: its {@code forwardAuth} middleware asks a small forward-auth server (the
 * part Authelia, Authentik or oauth2-proxy play), which answers 200 with {@code Remote-User: alice} for a good cookie
 * and 401 otherwise; trafficviz trusts that header only from Traefik's address (127.0.0.1). Through Traefik alice sees
 * the graph (page, /network_info, the live socket); straight to trafficviz from another address (127.0.0.3) the same
 * header is ignored.
 */
class TraefikForwardAuthIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOOD = "sso=alice-session";

    @TempDir
    Path dir;
    private TrafficvizApp app;
    private HttpServer authServer;
    private Process traefik;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @AfterEach
    void stop() throws Exception {
        if (traefik != null) {
            traefik.destroy();
            if (!traefik.waitFor(15, TimeUnit.SECONDS)) {
                traefik.destroyForcibly();
                traefik.waitFor(15, TimeUnit.SECONDS);
            }
        }
        if (authServer != null) {
            authServer.stop(0);
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void throughTraefik_aliceSeesTheGraph_straightToTrafficvizTheHeaderIsIgnored() throws Exception {
        Path binary = io.trafficviz.dev.stack.TraefikBinary.locate().orElse(null);
        assumeTrue(binary != null, "no Traefik binary: set -Dtrafficviz.traefik=... or TRAEFIK_BIN");
        app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers: [{name: server-a, proxies: [{name: edge, role: public}]}]
                auth:
                  trustedProxies: [127.0.0.1]
                  forwardAuth:
                    userHeader: Remote-User
                """, dir));
        startAuthServer();
        int web = freePort();
        Path dynamic = dir.resolve("dynamic.yml");
        Files.writeString(dynamic, """
                http:
                  middlewares:
                    sso:
                      forwardAuth:
                        address: "http://127.0.0.1:%d/verify"
                        authResponseHeaders: [Remote-User]
                  routers:
                    trafficviz:
                      rule: "PathPrefix(`/`)"
                      entryPoints: [web]
                      middlewares: [sso]
                      service: trafficviz
                  services:
                    trafficviz:
                      loadBalancer:
                        servers:
                          - url: "http://127.0.0.1:%d"
                """.formatted(authServer.getAddress().getPort(), app.port()));
        traefik = new ProcessBuilder(binary.toString(), "--global.checknewversion=false",
                "--global.sendanonymoususage=false", "--entrypoints.web.address=127.0.0.1:" + web,
                "--providers.file.filename=" + dynamic).redirectErrorStream(true)
                .redirectOutput(dir.resolve("traefik.out").toFile()).start();
        String viaTraefik = "http://127.0.0.1:" + web;
        await(() -> status(viaTraefik + "/network_info", GOOD) == 200, "Traefik to route to trafficviz");

        // Through Traefik: alice, by the forward-auth server's word.
        assertThat(status(viaTraefik + "/", GOOD)).isEqualTo(200);
        JsonNode me = JSON.readTree(send(viaTraefik + "/auth/me", GOOD, "Remote-User", "admin").body());
        assertThat(me.path("user").asText()).as("Traefik replaces a client's own Remote-User").isEqualTo("alice");
        assertThat(me.path("via").asText()).isEqualTo("forwarded");
        assertThat(me.path("role").asText()).isEqualTo("viewer");
        AuthIT.Socket graph = AuthIT.Socket.open(viaTraefik, "/ws/graph", "Cookie", GOOD);
        graph.await(() -> graph.text().contains("\"type\":\"hello\""), "the graph's hello through Traefik");
        // Without the forward-auth server's blessing Traefik stops the request itself.
        assertThat(status(viaTraefik + "/network_info", "sso=forged")).isEqualTo(401);
        assertThat(send(viaTraefik + "/network_info", "sso=forged", "Remote-User", "alice").statusCode())
                .isEqualTo(401);

        // Straight to trafficviz from an address that is not Traefik's: the header is text anyone can write.
        assertThat(rawGet("127.0.0.3", app.port(), "/network_info", "Remote-User: alice")).startsWith("HTTP/1.1 401");
        assertThat(rawGet("127.0.0.3", app.port(), "/", "Remote-User: alice")).startsWith("HTTP/1.1 303");
        // ...while from Traefik's own address it is believed (the check is the address, nothing else).
        assertThat(rawGet("127.0.0.1", app.port(), "/network_info", "Remote-User: alice")).startsWith("HTTP/1.1 200");
    }

    private void startAuthServer() throws IOException {
        authServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        authServer.createContext("/verify", exchange -> {
            List<String> cookies = exchange.getRequestHeaders().getOrDefault("Cookie", List.of());
            boolean good = cookies.stream().anyMatch(c -> c.contains(GOOD));
            if (good) {
                exchange.getResponseHeaders().add("Remote-User", "alice");
            }
            exchange.sendResponseHeaders(good ? 200 : 401, -1);
            exchange.close();
        });
        authServer.start();
    }

    /** A GET sent from {@code localAddress}, which the JDK's HTTP client cannot choose. */
    private static String rawGet(String localAddress, int port, String path, String header) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + header
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private int status(String url, String cookie) {
        try {
            return send(url, cookie).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private HttpResponse<String> send(String url, String cookie, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || !traefik.isAlive()) {
                throw new AssertionError("timed out waiting for " + what + "; Traefik said:\n"
                        + Files.readString(dir.resolve("traefik.out")));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
