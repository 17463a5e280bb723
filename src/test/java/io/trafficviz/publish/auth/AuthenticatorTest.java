package io.trafficviz.publish.auth;

import io.trafficviz.config.AuthConfig;
import io.trafficviz.config.AuthConfig.Role;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.publish.wire.Masking;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who a request is: passwords, tokens, the forward-auth header (trusted proxies only), sessions and their end. */
class AuthenticatorTest {
    private static final String TOKEN = Tokens.generate();
    private static final String LOOPBACK = "127.0.0.1";
    private static String hash;
    private final AtomicLong clock = new AtomicLong(1_000_000);

    @BeforeAll
    static void hash() {
        hash = Passwords.hash("correct horse");
    }

    private Authenticator auth(String extra) {
        String yaml = """
                servers: [{name: a, proxies: [{name: p}]}]
                auth:
                  sessionTtl: 1h
                  users:
                    - {name: ada, passwordHash: "%s", role: admin}
                    - {name: vic, passwordHash: "%s"}
                  tokens:
                    - {name: ci, hash: "%s", role: admin}
                  trustedProxies: [172.18.0.2]
                  forwardAuth: {admins: [alice]}
                %s""".formatted(hash, hash, Tokens.configHash(TOKEN), extra);
        AuthConfig config = ConfigLoader.parse(yaml, Path.of("/")).auth();
        return new Authenticator(config, clock::get);
    }

    /** A request from {@code address} with these headers (name, value, ...) and cookies ("cookie:name", value). */
    private static Credentials request(String address, String... pairs) {
        Map<String, String> headers = new HashMap<>();
        Map<String, String> cookies = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].startsWith("cookie:")) {
                cookies.put(pairs[i].substring(7), pairs[i + 1]);
            } else {
                headers.put(pairs[i].toLowerCase(), pairs[i + 1]);
            }
        }
        return new Credentials() {
            @Override
            public String remoteAddress() {
                return address;
            }

            @Override
            public String header(String name) {
                return headers.get(name.toLowerCase());
            }

            @Override
            public String cookie(String name) {
                return cookies.get(name);
            }
        };
    }

    @Test
    void passwords_areCheckedAgainstTheirBcryptHash() {
        Authenticator a = auth("");
        assertThat(a.login(LOOPBACK, "ada", "correct horse")).extracting(Principal::name, Principal::role, Principal::via)
                .containsExactly("ada", Role.ADMIN, "session");
        assertThat(a.login(LOOPBACK, "vic", "correct horse").role()).isEqualTo(Role.VIEWER);
        assertThat(a.login(LOOPBACK, "ada", "correct horsf")).isNull();
        assertThat(a.login(LOOPBACK, "ada", "")).isNull();
        assertThat(a.login(LOOPBACK, "nobody", "correct horse")).isNull();
        assertThat(a.login(LOOPBACK, "ada", "x".repeat(100))).isNull(); // past bcrypt's 72 bytes: refused, not cut
        assertThat(hash).startsWith("$2a$12$");
    }

    @Test
    void hashingRefusesPasswordsBcryptWouldCutOrThatAreTooShort() {
        assertThatThrownBy(() -> Passwords.hash("short")).hasMessageContaining("at least 8");
        assertThatThrownBy(() -> Passwords.hash("é".repeat(37))).hasMessageContaining("72 bytes");
    }

    @Test
    void aSession_identifiesItsUser_untilLogoutOrExpiry() {
        Authenticator a = auth("");
        Principal ada = a.login(LOOPBACK, "ada", "correct horse");
        String cookie = ada.sessionId();
        assertThat(cookie).hasSizeGreaterThanOrEqualTo(43); // 256 bits
        assertThat(a.identify(request("10.0.0.9", "cookie:trafficviz_session", cookie)).name()).isEqualTo("ada");
        assertThat(a.identify(request("10.0.0.9", "cookie:trafficviz_session", cookie + "x"))).isNull();
        assertThat(a.stillValid(ada)).isTrue();

        clock.addAndGet(3_600_000 - 1);
        assertThat(a.identify(request("10.0.0.9", "cookie:trafficviz_session", cookie))).isNotNull();
        clock.addAndGet(1);
        assertThat(a.identify(request("10.0.0.9", "cookie:trafficviz_session", cookie))).isNull();
        assertThat(a.stillValid(ada)).isFalse();

        Principal again = a.login(LOOPBACK, "ada", "correct horse");
        a.logout(again);
        assertThat(a.identify(request("10.0.0.9", "cookie:trafficviz_session", again.sessionId()))).isNull();
        assertThat(a.stillValid(again)).isFalse();
    }

    @Test
    void aBearerToken_isCheckedByItsHash_onlyInTheAuthorizationHeader() {
        Authenticator a = auth("");
        assertThat(a.identify(request("10.0.0.9", "Authorization", "Bearer " + TOKEN)))
                .extracting(Principal::name, Principal::role, Principal::via).containsExactly("ci", Role.ADMIN, "token");
        assertThat(a.identify(request("10.0.0.9", "Authorization", "bearer " + TOKEN))).isNotNull();
        assertThat(a.identify(request("10.0.0.9", "Authorization", "Bearer " + TOKEN.substring(1)))).isNull();
        assertThat(a.identify(request("10.0.0.9", "Authorization", "Basic " + TOKEN))).isNull();
        assertThat(a.identify(request("10.0.0.9", "Authorization", Tokens.configHash(TOKEN)))).isNull();
        assertThat(a.identify(request("10.0.0.9", "X-Token", TOKEN))).isNull();
    }

    @Test
    void theForwardAuthHeader_countsOnlyFromATrustedProxy() {
        Authenticator a = auth("");
        assertThat(a.identify(request("172.18.0.2", "Remote-User", "bob")))
                .extracting(Principal::name, Principal::role, Principal::via).containsExactly("bob", Role.VIEWER,
                        "forwarded");
        assertThat(a.identify(request("172.18.0.2", "Remote-User", "alice")).role()).isEqualTo(Role.ADMIN);
        assertThat(a.identify(request("172.18.0.3", "Remote-User", "alice"))).isNull();
        assertThat(a.identify(request("127.0.0.1", "Remote-User", "alice"))).isNull();
        assertThat(a.identify(request("172.18.0.2", "X-Forwarded-User", "alice"))).isNull(); // not the configured one
        assertThat(a.identify(request("172.18.0.2", "Remote-User", "ali\nce"))).isNull();
        assertThat(a.identify(request("172.18.0.2", "Remote-User", " "))).isNull();
        assertThat(a.identify(request("172.18.0.2"))).isNull();
    }

    @Test
    void monitoringIsOpenToLoopbackByDefault() {
        Authenticator a = auth("");
        assertThat(a.monitoringAllowed(request("127.0.0.1"))).isTrue();
        assertThat(a.monitoringAllowed(request("::1"))).isTrue();
        assertThat(a.monitoringAllowed(request("172.18.0.2"))).isFalse();
        assertThat(auth("  monitoringFrom: [10.0.0.0/8]").monitoringAllowed(request("127.0.0.1"))).isFalse();
    }

    @Test
    void rolesDecideMaskingAndTheAccessLog() {
        Authenticator a = auth("  viewer: {accessLog: false}");
        Principal admin = new Principal("ada", Role.ADMIN, "token", null);
        Principal viewer = new Principal("vic", Role.VIEWER, "token", null);
        assertThat(a.masking(admin)).isSameAs(Masking.NONE);
        assertThat(a.masking(viewer).masksNothing()).isFalse();
        assertThat(a.masking(viewer)).isSameAs(a.masking(new Principal("other", Role.VIEWER, "session", "s")));
        assertThat(a.mayReadAccessLog(admin)).isTrue();
        assertThat(a.mayReadAccessLog(viewer)).isFalse();
        assertThat(auth("").mayReadAccessLog(viewer)).isTrue();
        assertThat(auth("  viewer: {maskClientAddresses: false, maskQueryStrings: false}").masking(viewer))
                .isSameAs(Masking.NONE);
    }

    @Test
    void withoutAuth_everyoneIsLetIn_asBefore() {
        Authenticator a = new Authenticator(AuthConfig.NONE);
        assertThat(a.enabled()).isFalse();
        assertThat(a.identify(request("203.0.113.9")).role()).isEqualTo(Role.ADMIN);
    }
}
