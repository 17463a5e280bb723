package io.trafficviz.publish.auth;

import io.trafficviz.config.AuthConfig;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCrypt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Password guessing as an attacker would do it, against real bcrypt checks: from one address, against one user from
 * many addresses, cycling names and addresses to grow the throttle's memory, and in parallel. The clock is the test's.
 */
class LoginThrottleTest {
    private static final String PASSWORD = "correct horse";
    /** A cheap cost for ada's hash, so a test can afford many right passwords; the decoy stays at the real cost. */
    private static String cheapHash;
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AtomicInteger checks = new AtomicInteger();

    @BeforeAll
    static void hash() {
        cheapHash = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));
    }

    private Authenticator auth(BiPredicate<String, String> check) {
        String yaml = """
                servers: [{name: a, proxies: [{name: p}]}]
                auth:
                  users:
                    - {name: ada, passwordHash: "%s", role: admin}
                  trustedProxies: [172.18.0.2]
                """.formatted(cheapHash);
        AuthConfig config = ConfigLoader.parse(yaml, Path.of("/")).auth();
        return new Authenticator(config, clock::get, check);
    }

    private Authenticator auth() {
        return auth((password, hash) -> {
            checks.incrementAndGet();
            return Passwords.matches(password, hash);
        });
    }

    private static long shutOutFor(Authenticator a, String address, String user, String password) {
        LoginThrottle.ShutOut e = catchThrowableOfType(LoginThrottle.ShutOut.class,
                () -> a.login(address, user, password));
        assertThat(e).as("%s as %s from %s", password, user, address).isNotNull();
        return e.retryAfterSeconds;
    }

    @Test
    void wrongPasswordsFromOneAddress_get429sThatDoubleUpTo15Minutes_andTheRightOneWorksOnceTheWaitIsOver() {
        Authenticator a = auth();
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(a.login("203.0.113.9", "ada", "guess " + i)).isNull();
        }
        assertThat(checks).hasValue(LoginThrottle.FREE_FAILURES);
        // Now shut out, the right password included, and no bcrypt check is spent on it.
        assertThat(shutOutFor(a, "203.0.113.9", "ada", PASSWORD)).isEqualTo(1);
        assertThat(checks).hasValue(LoginThrottle.FREE_FAILURES);
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            long wait = shutOutFor(a, "203.0.113.9", "ada", "guess");
            waits.add(wait);
            clock.addAndGet(wait * 1000);
            assertThat(a.login("203.0.113.9", "ada", "guess again " + i)).isNull();
        }
        assertThat(waits).startsWith(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 900L).endsWith(900L, 900L);
        long wait = shutOutFor(a, "203.0.113.9", "ada", PASSWORD);
        assertThat(wait).isEqualTo(900);
        clock.addAndGet(wait * 1000 - 1);
        shutOutFor(a, "203.0.113.9", "ada", PASSWORD);
        clock.addAndGet(1);
        assertThat(a.login("203.0.113.9", "ada", PASSWORD)).isNotNull();
        // Reset by the success: the next typo is one of five free ones again.
        assertThat(a.login("203.0.113.9", "ada", "typo")).isNull();
        assertThat(a.login("203.0.113.9", "ada", PASSWORD)).isNotNull();
    }

    @Test
    void oneUserGuessedFromManyAddresses_isShutOutForEveryAddress() {
        Authenticator a = auth();
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(a.login("198.51.100." + i, "ada", "guess " + i)).isNull();
        }
        for (int i = 0; i < 200; i++) {
            assertThat(shutOutFor(a, "2001:db8:" + Integer.toHexString(i) + "::1", "ada", PASSWORD)).isEqualTo(1);
        }
        assertThat(checks).hasValue(LoginThrottle.FREE_FAILURES);
        clock.addAndGet(1_000);
        assertThat(a.login("192.0.2.1", "ada", PASSWORD)).isNotNull();
    }

    @Test
    void manyUserNamesFromOneAddress_areShutOutByTheAddress_withoutABcryptCheckEach() {
        Authenticator a = auth();
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(a.login("203.0.113.9", "name" + i, PASSWORD)).isNull();
        }
        for (int i = LoginThrottle.FREE_FAILURES; i < 1_000; i++) {
            shutOutFor(a, "203.0.113.9", "name" + i, PASSWORD);
        }
        // A whole IPv6 /64 is one address: the next host in it is shut out too, whatever name it tries.
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            assertThat(a.login("2001:db8:1:2::" + i, "v6name" + i, PASSWORD)).isNull();
        }
        shutOutFor(a, "2001:db8:1:2:ffff::9", "fresh", PASSWORD);
        assertThat(checks).hasValue(2 * LoginThrottle.FREE_FAILURES);
        // Another address with the real user still gets in: the address failed, not ada.
        assertThat(a.login("192.0.2.1", "ada", PASSWORD)).isNotNull();
    }

    @Test
    void cyclingNamesAndAddresses_keepsTheThrottlesMemoryBounded_andNeverEvictsARealUser() {
        LoginThrottle throttle = new LoginThrottle(java.util.Set.of("ada"), clock::get);
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            throttle.failed("198.51.100.1", "ada");
        }
        for (int i = 0; i < 100_000; i++) {
            throttle.failed("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), "name" + i);
        }
        assertThat(throttle.tracked()).isLessThanOrEqualTo(2 * LoginThrottle.MAX_TRACKED + 1);
        assertThatThrownBy(() -> throttle.check("192.0.2.1", "ada")).isInstanceOf(LoginThrottle.ShutOut.class);
        // Names of a megabyte each are remembered by their hash: 10,000 of them would otherwise hold 20 GB.
        String huge = "n".repeat(1 << 20);
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 2_000; i++) {
            throttle.failed("10.9.0." + (i & 255), i + huge);
        }
        System.gc();
        assertThat(rt.totalMemory() - rt.freeMemory()).as("heap in use").isLessThan(512L << 20);
        for (int i = 0; i < LoginThrottle.FREE_FAILURES; i++) {
            throttle.failed("10.10.0." + i, "x" + huge);
        }
        assertThatThrownBy(() -> throttle.check("192.0.2.2", "x" + huge)).isInstanceOf(LoginThrottle.ShutOut.class);
    }

    @Test
    void parallelLogins_neverRunMoreThanTheCapOfBcryptChecksAtOnce_theRestAreRefusedAtOnce() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Authenticator a = auth((password, hash) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                checks.incrementAndGet();
                return Passwords.matches(password, hash);
            } finally {
                running.decrementAndGet();
            }
        });
        int threads = 8;
        int attempts = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger signedIn = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String address = "198.51.100." + t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attempts; i++) {
                        long began = System.nanoTime();
                        try {
                            // Unknown names cost the decoy's full bcrypt round: the slow checks a flood would make.
                            a.login(address, i % 2 == 0 ? "ada" : "nobody" + i, PASSWORD);
                            if (i % 2 == 0) {
                                signedIn.incrementAndGet();
                            }
                        } catch (Authenticator.Busy e) {
                            busy.incrementAndGet();
                            // Refused at once, not after waiting for a slot.
                            assertThat(System.nanoTime() - began).isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(most.get()).isBetween(1, Authenticator.CONCURRENT_PASSWORD_CHECKS);
        assertThat(busy.get()).isPositive();
        assertThat(checks.get() + busy.get()).isEqualTo(threads * attempts);
        assertThat(signedIn.get()).isPositive();
    }

    @Test
    void behindATrustedProxy_theClientIsTheAddressTheProxyAdded_elseThePeer() {
        Authenticator a = auth();
        assertThat(a.loginAddress(request("172.18.0.2", "10.0.0.1, 203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(a.loginAddress(request("172.18.0.2", null))).isEqualTo("172.18.0.2");
        assertThat(a.loginAddress(request("198.51.100.7", "203.0.113.9"))).isEqualTo("198.51.100.7");
    }

    private static Credentials request(String peer, String forwardedFor) {
        return new Credentials() {
            @Override
            public String remoteAddress() {
                return peer;
            }

            @Override
            public String header(String name) {
                return name.equalsIgnoreCase("X-Forwarded-For") ? forwardedFor : null;
            }

            @Override
            public String cookie(String name) {
                return null;
            }
        };
    }
}
