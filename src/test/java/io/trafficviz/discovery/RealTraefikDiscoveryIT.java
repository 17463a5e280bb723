package io.trafficviz.discovery;

import io.trafficviz.discovery.DiscoveryState.Source;
import io.trafficviz.discovery.DiscoveryState.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Discovery against a real Traefik process, when one is available: the binary named by the system property
 * {@code trafficviz.traefik} or the environment variable {@code TRAEFIK_BIN} (see scripts/build-traefik.sh).
 * Skipped otherwise.
 */
class RealTraefikDiscoveryIT {
    @TempDir
    Path dir;

    @Test
    void discoversAFileProviderProxyThroughItsApiAndFallsBackToTheFileWhenItStops() throws Exception {
        Path binary = traefikBinary();
        assumeTrue(binary != null, "no Traefik binary: set -Dtrafficviz.traefik=... or TRAEFIK_BIN");

        Path config = Files.createDirectories(dir.resolve("dynamic"));
        Files.writeString(config.resolve("private.yml"), FileProviderReaderTest.PRIVATE_PROXY_YAML);
        // recorded.yml redefines two of private.yml's routers and services: Traefik, like FileProviderReader,
        // keeps the definition from the file that comes first by name (compared below).
        Files.writeString(config.resolve("recorded.yml"), Files.readString(
                Path.of(getClass().getResource(FakeTraefikApi.FIXTURES + "dynamic-config.yml").toURI())));
        Files.writeString(config.resolve("z-local.yml"), """
                http:
                  services:
                    local-service:
                      loadBalancer:
                        servers:
                          - url: "http://localhost:9010"
                """);
        int apiPort = freePort();
        int webPort = freePort();
        Process traefik = new ProcessBuilder(binary.toString(), "--api.insecure=true",
                "--entrypoints.traefik.address=127.0.0.1:" + apiPort,
                "--entrypoints.web.address=127.0.0.1:" + webPort,
                "--providers.file.directory=" + config)
                .redirectErrorStream(true).redirectOutput(dir.resolve("traefik.log").toFile()).start();
        try (DiscoveryPoller poller = new DiscoveryPoller("private-proxy", "http://127.0.0.1:" + apiPort, config,
                Duration.ofMillis(500), Duration.ofMillis(100), null)) {
            poller.start();
            // Traefik answers its API before the file provider's configuration is applied: wait for both.
            DiscoveryPollerIT.await(() -> poller.state().source() == Source.API
                    && poller.state().inventory().router("weighted-router@file").isPresent(), "Traefik's API");

            ProxyInventory fromApi = poller.state().inventory();
            assertThat(fromApi.version()).startsWith("v3.");
            assertThat(fromApi.entryPoints()).contains(new EntryPoint("web", "127.0.0.1:" + webPort),
                    new EntryPoint("traefik", "127.0.0.1:" + apiPort));
            assertThat(fromApi.router("api@internal")).get().extracting(Router::service)
                    .isEqualTo("api@internal");
            // What the file says is what Traefik's API says, qualified the same way.
            ProxyInventory fromFile = new FileProviderReader(config).read();
            for (Router router : fromFile.routers()) {
                Router live = fromApi.router(router.name()).orElseThrow();
                assertThat(live.rule()).isEqualTo(router.rule());
                assertThat(live.service()).isEqualTo(router.service());
                assertThat(live.provider()).isEqualTo("file");
            }
            for (Service service : fromFile.services()) {
                Service live = fromApi.service(service.name()).orElseThrow();
                assertThat(List.of(live.type(), live.serverUrls(), live.children()))
                        .isEqualTo(List.of(service.type(), service.serverUrls(), service.children()));
            }
            assertThat(fromApi.service("private-communicating-service@file")).get().extracting(Service::serverUrls)
                    .isEqualTo(List.of("http://private-communicating-service:80"));
            AddressIndex addresses = poller.state().addresses();
            assertThat(addresses.serviceAt("127.0.0.1:51000")).contains("local-service@file"); // localhost, resolved
            assertThat(addresses.serviceAt("172.25.0.5")).contains("private-non-communicating-service@file");
            assertThat(addresses.unresolvableHosts()).containsExactly("private-communicating-service");

            traefik.destroy();
            assertThat(traefik.waitFor(10, TimeUnit.SECONDS)).isTrue();
            DiscoveryPollerIT.await(() -> poller.state().source() == Source.FILE, "the file-provider fallback");

            DiscoveryState fallback = poller.state();
            assertThat(fallback.status()).isEqualTo(Status.OK);
            assertThat(fallback.error()).contains("connection refused").contains("using the file provider");
            assertThat(fallback.inventory().routers()).hasSameSizeAs(fromFile.routers());
        } finally {
            traefik.destroyForcibly();
        }
    }

    /** The same lookup the stack uses: TRAEFIK_BIN, -Dtrafficviz.traefik, then scripts/build-traefik.sh's cache. */
    static Path traefikBinary() {
        return io.trafficviz.dev.stack.TraefikBinary.locate().orElse(null);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
