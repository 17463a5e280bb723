package io.trafficviz.discovery;

import io.trafficviz.discovery.DiscoveryState.Source;
import io.trafficviz.discovery.DiscoveryState.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiscoveryPollerIT {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<ProxyInventory> delivered = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(0, closeable);
        return closeable;
    }

    private DiscoveryPoller poller(String apiUrl, Path file, Duration refresh, Duration firstRetry) {
        return closeLater(new DiscoveryPoller("private-proxy", apiUrl, file, refresh, firstRetry, delivered::add));
    }

    @Test
    void withNothingConfiguredTheStateIsNone() {
        DiscoveryPoller poller = poller(null, null, null, null);
        poller.start();

        assertThat(poller.state()).isEqualTo(new DiscoveryState(Status.NONE, null, 0, null, 0, null, null));
        assertThat(poller.refreshNow().status()).isEqualTo(Status.NONE);
        assertThat(delivered).isEmpty();
    }

    @Test
    void garbageFromTheApiMeansDownWithAClearErrorAndThePreviousInventoryKept() {
        FakeTraefikApi traefik = closeLater(FakeTraefikApi.start());
        DiscoveryPoller poller = poller(traefik.url(), null, null, null);
        assertThat(poller.state().status()).isEqualTo(Status.PENDING);

        DiscoveryState ok = poller.refreshNow();
        assertThat(ok.status()).isEqualTo(Status.OK);
        assertThat(ok.source()).isEqualTo(Source.API);
        assertThat(ok.error()).isNull();
        assertThat(ok.inventory().routers()).hasSize(5);
        assertThat(ok.lastRefreshMillis()).isEqualTo(ok.inventory().fetchedAtMillis());
        assertThat(ok.addresses().serviceAt("127.0.0.1:33333")).contains("private-communicating-service@file");
        assertThat(delivered).containsExactly(ok.inventory());

        traefik.override("/api/http/services", FakeTraefikApi.Canned.of(200, "}{ not json"));
        DiscoveryState down = poller.refreshNow();
        DiscoveryState stillDown = poller.refreshNow();

        assertThat(down.status()).isEqualTo(Status.DOWN);
        assertThat(down.error()).isEqualTo("API GET " + traefik.url()
                + "/api/http/services?page=1&per_page=100: response is not JSON: \"}{ not json\"");
        assertThat(down.inventory()).isSameAs(ok.inventory());
        assertThat(down.addresses()).isSameAs(ok.addresses());
        assertThat(down.source()).isEqualTo(Source.API);
        assertThat(down.lastRefreshMillis()).isEqualTo(ok.lastRefreshMillis());
        assertThat(down.consecutiveFailures()).isEqualTo(1);
        assertThat(stillDown.consecutiveFailures()).isEqualTo(2);
        assertThat(delivered).hasSize(1);

        traefik.clearOverrides();
        DiscoveryState recovered = poller.refreshNow();
        assertThat(recovered.status()).isEqualTo(Status.OK);
        assertThat(recovered.consecutiveFailures()).isZero();
        assertThat(recovered.error()).isNull();
    }

    @Test
    void anApiThatComesUpLaterIsPickedUpByTheRetries() throws Exception {
        int port = freePort();
        DiscoveryPoller poller = poller("http://127.0.0.1:" + port, null, Duration.ofSeconds(2),
                Duration.ofMillis(100));
        assertThat(poller.state().status()).isEqualTo(Status.PENDING);

        poller.start();
        await(() -> poller.state().consecutiveFailures() >= 2, "two failed attempts");
        DiscoveryState down = poller.state();
        assertThat(down.status()).isEqualTo(Status.DOWN);
        assertThat(down.inventory()).isNull();
        assertThat(down.error()).isEqualTo("API GET http://127.0.0.1:" + port + "/api/version: connection refused");

        closeLater(FakeTraefikApi.startOn(port));
        await(() -> poller.state().status() == Status.OK, "discovery to recover");

        DiscoveryState ok = poller.state();
        assertThat(ok.consecutiveFailures()).isZero();
        assertThat(ok.error()).isNull();
        assertThat(ok.inventory().services()).hasSize(7);
        assertThat(delivered).isNotEmpty();
        assertThat(delivered.get(0)).isSameAs(ok.inventory());
    }

    @Test
    void retriesBackOffExponentiallyUpToTheRefreshIntervalThenRefreshAtTheInterval() {
        FakeTraefikApi traefik = closeLater(FakeTraefikApi.start());
        traefik.override("/api/version", FakeTraefikApi.Canned.of(503, "starting"));
        DiscoveryPoller poller = poller(traefik.url(), null, Duration.ofMillis(800), Duration.ofMillis(100));

        poller.start();
        await(() -> versionRequests(traefik).size() >= 6, "six attempts");
        assertThat(poller.state().error()).endsWith("/api/version: HTTP 503: \"starting\"");
        assertThat(poller.state().consecutiveFailures()).isGreaterThanOrEqualTo(5);
        traefik.clearOverrides();
        await(() -> poller.state().status() == Status.OK, "recovery");
        int afterRecovery = versionRequests(traefik).size();
        await(() -> versionRequests(traefik).size() >= afterRecovery + 1, "a regular refresh");

        List<Long> times = versionRequests(traefik);
        // Lower bounds only (a loaded machine may be late, never early): 100, 200, 400, then capped at 800.
        long[] expectedGapsMillis = {100, 200, 400, 800, 800};
        for (int i = 0; i < expectedGapsMillis.length; i++) {
            assertThat(millisBetween(times.get(i), times.get(i + 1))).as("gap after failure %d", i + 1)
                    .isGreaterThanOrEqualTo(expectedGapsMillis[i] - 20);
        }
        assertThat(millisBetween(times.get(afterRecovery - 1), times.get(afterRecovery)))
                .as("gap after recovery").isGreaterThanOrEqualTo(780);
    }

    @Test
    void whenTheApiIsDownTheFileProviderConfigurationIsUsed() throws Exception {
        Files.writeString(dir.resolve("private.yml"), FileProviderReaderTest.PRIVATE_PROXY_YAML);
        int port = freePort();
        DiscoveryPoller poller = poller("http://127.0.0.1:" + port, dir, null, null);

        DiscoveryState state = poller.refreshNow();

        assertThat(state.status()).isEqualTo(Status.OK);
        assertThat(state.source()).isEqualTo(Source.FILE);
        assertThat(state.error()).isEqualTo("API GET http://127.0.0.1:" + port
                + "/api/version: connection refused (using the file provider instead)");
        assertThat(state.consecutiveFailures()).isEqualTo(1);
        assertThat(state.inventory().router("private-communicating-service@file")).isPresent();
        assertThat(state.addresses().serviceAt("172.25.0.5")).contains("private-non-communicating-service@file");
        assertThat(state.addresses().unresolvableHosts()).containsExactly("private-communicating-service");
        assertThat(delivered).containsExactly(state.inventory());
        assertThat(poller.refreshNow().consecutiveFailures()).isEqualTo(2);
    }

    @Test
    void aFileProviderAloneIsOk() throws Exception {
        Files.writeString(dir.resolve("private.yml"), FileProviderReaderTest.PRIVATE_PROXY_YAML);
        DiscoveryPoller poller = poller(null, dir, null, null);

        DiscoveryState state = poller.refreshNow();

        assertThat(state.status()).isEqualTo(Status.OK);
        assertThat(state.source()).isEqualTo(Source.FILE);
        assertThat(state.error()).isNull();
        assertThat(state.consecutiveFailures()).isZero();
    }

    @Test
    void whenBothSourcesFailTheErrorNamesBoth() throws Exception {
        int port = freePort();
        DiscoveryPoller poller = poller("http://127.0.0.1:" + port, dir.resolve("absent"), null, null);

        DiscoveryState state = poller.refreshNow();

        assertThat(state.status()).isEqualTo(Status.DOWN);
        assertThat(state.inventory()).isNull();
        assertThat(state.error()).isEqualTo("API GET http://127.0.0.1:" + port
                + "/api/version: connection refused; file provider: " + dir.resolve("absent") + ": does not exist");
    }

    @Test
    void aFailingListenerDoesNotStopPollingAndCloseDoes() {
        FakeTraefikApi traefik = closeLater(FakeTraefikApi.start());
        List<ProxyInventory> seen = new CopyOnWriteArrayList<>();
        DiscoveryPoller poller = new DiscoveryPoller("p", traefik.url(), null, Duration.ofMillis(100),
                inventory -> {
                    seen.add(inventory);
                    throw new IllegalStateException("listener bug");
                });

        poller.start();
        await(() -> seen.size() >= 3, "three refreshes despite the listener failing");
        assertThatThrownBy(poller::start).isInstanceOf(IllegalStateException.class);

        poller.close();
        int requestsAtClose = traefik.requests().size();
        sleep(300);
        assertThat(traefik.requests()).hasSize(requestsAtClose);
        assertThat(poller.state().status()).isEqualTo(Status.OK);
        assertThatThrownBy(poller::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aBadApiUrlIsRejectedUpFront() {
        assertThatThrownBy(() -> new DiscoveryPoller("p", "http://bad_host:8080", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Long> versionRequests(FakeTraefikApi traefik) {
        List<String> paths = traefik.requests();
        List<Long> nanos = traefik.requestNanos();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < Math.min(paths.size(), nanos.size()); i++) {
            if (paths.get(i).equals("/api/version")) {
                out.add(nanos.get(i));
            }
        }
        return out;
    }

    private static long millisBetween(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
