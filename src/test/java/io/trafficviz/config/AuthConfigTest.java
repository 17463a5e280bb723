package io.trafficviz.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code auth:} section: every shape it accepts, every mistake named by its key, and the listen rule. */
class AuthConfigTest {
    private static final Path BASE = Path.of("/etc/trafficviz");
    /** A bcrypt hash of "correct horse" at cost 12 (what hash-password prints). */
    static final String HASH = "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
    private static final String SHA = "sha256:" + "ab".repeat(32);

    private static TrafficvizConfig parse(String auth) {
        return ConfigLoader.parse("listen: 127.0.0.1:8082\nservers: [{name: a, proxies: [{name: p}]}]\n" + auth, BASE);
    }

    @Test
    void withoutTheSection_noLoginIsNeeded_andTheDefaultsAreSafe() {
        AuthConfig a = parse("").auth();
        assertThat(a.enabled()).isFalse();
        assertThat(a.allowUnauthenticated()).isFalse();
        assertThat(a.viewer()).isEqualTo(AuthConfig.ViewerPolicy.DEFAULT);
        assertThat(a.viewer().maskClientAddresses()).isTrue();
        assertThat(a.viewer().maskQueryStrings()).isTrue();
        assertThat(a.monitoringFrom()).isEqualTo(AuthConfig.LOOPBACK);
    }

    @Test
    void readsUsersTokensForwardAuthAndTheViewerPolicy() {
        AuthConfig a = parse("""
                auth:
                  sessionTtl: 8h
                  users:
                    - {name: ada, passwordHash: "%s", role: admin}
                    - {name: vic, passwordHash: "%s"}
                  tokens:
                    - {name: ci, hash: "%s"}
                  trustedProxies: [172.18.0.2, 10.0.0.0/8]
                  forwardAuth:
                    userHeader: X-Forwarded-User
                    admins: [alice]
                  monitoringFrom: [10.1.0.0/16]
                  viewer: {accessLog: false, maskQueryStrings: false}
                """.formatted(HASH, HASH, SHA)).auth();
        assertThat(a.enabled()).isTrue();
        assertThat(a.sessionTtlMillis()).isEqualTo(8 * 3_600_000L);
        assertThat(a.users()).extracting(AuthConfig.User::role)
                .containsExactly(AuthConfig.Role.ADMIN, AuthConfig.Role.VIEWER);
        assertThat(a.tokens().get(0).sha256()).isEqualTo("ab".repeat(32));
        assertThat(a.tokens().get(0).role()).isEqualTo(AuthConfig.Role.VIEWER);
        assertThat(a.forwardAuth().userHeader()).isEqualTo("X-Forwarded-User");
        assertThat(a.forwardAuth().role()).isEqualTo(AuthConfig.Role.VIEWER);
        assertThat(a.forwardAuth().admins()).containsExactly("alice");
        assertThat(a.trustedProxies().get(1).contains("10.2.3.4")).isTrue();
        assertThat(a.monitoringFrom().get(0).contains("10.1.2.3")).isTrue();
        assertThat(a.viewer()).isEqualTo(new AuthConfig.ViewerPolicy(false, true, false));
        assertThat(a.users().get(0).toString()).doesNotContain(HASH);
    }

    @Test
    void everyMistake_namesItsKey() {
        assertError("auth: [1]", "auth: must be a map");
        assertError("auth: {mode: users}", "auth.mode: unknown key");
        assertError("auth: {users: [{name: ada, passwordHash: hunter22}]}", "auth.users[0].passwordHash: must be a bcrypt");
        assertError("auth: {users: [{name: ada}]}", "auth.users[0].passwordHash: is required");
        assertError("auth: {users: [{passwordHash: \"" + HASH + "\"}]}", "auth.users[0].name: is required");
        assertError("auth: {users: [{name: ada, passwordHash: \"" + HASH + "\", role: root}]}",
                "auth.users[0].role: must be admin or viewer");
        assertError("auth: {users: [{name: ada, passwordHash: \"" + HASH + "\"}, {name: ada, passwordHash: \"" + HASH
                + "\"}]}", "auth.users[1].name: duplicate user");
        assertError("auth: {users: [{name: \"a b\", passwordHash: \"" + HASH + "\"}]}", "auth.users[0].name: use letters");
        assertError("auth: {tokens: [{name: ci, hash: tvz_plaintext}]}", "auth.tokens[0].hash: must be 'sha256:'");
        assertError("auth: {forwardAuth: {}}", "auth.trustedProxies: forwardAuth needs");
        assertError("auth: {trustedProxies: [proxy.local], forwardAuth: {}}", "auth.trustedProxies[0]: not an IP");
        assertError("auth: {trustedProxies: [10.0.0.1], forwardAuth: {userHeader: \"Remote User\"}}",
                "auth.forwardAuth.userHeader: must be a header name");
        assertError("auth: {sessionTtl: forever}", "auth.sessionTtl: must be a duration");
        assertError("auth: {sessionTtl: 10s}", "auth.sessionTtl: must be from 1m to 30d");
        assertError("auth: {viewer: {accessLog: no-thanks}}", "auth.viewer.accessLog: must be true or false");
        assertError("auth: {users: [{name: ada, passwordHash: \"${TRAFFICVIZ_TEST_SURELY_UNSET}\"}]}",
                "auth.users[0].passwordHash: environment variable TRAFFICVIZ_TEST_SURELY_UNSET is not set");
        assertError("auth: {tokens: [{name: ci, hash: \"${PATH}\"}]}", "auth.tokens[0].hash: must be 'sha256:'");
        assertError("auth: {allowUnauthenticated: yes-please}", "auth.allowUnauthenticated: must be true or false");
    }

    private static void assertError(String auth, String message) {
        assertThatThrownBy(() -> parse(auth)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
    }

    @Test
    void aListenOtherThanLoopback_withoutLogin_isRefusedInOneLine_unlessAcknowledged() {
        AuthConfig none = parse("").auth();
        for (String host : new String[] {"0.0.0.0", "", "::", "192.168.1.10", "trafficviz.example"}) {
            assertThatThrownBy(() -> none.requireSafeListen(host)).as(host).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("listen: '" + host + "' is reachable from other machines")
                    .hasMessageContaining("auth.allowUnauthenticated").hasMessageNotContaining("\n");
        }
        for (String host : new String[] {"127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost"}) {
            assertThatCode(() -> none.requireSafeListen(host)).as(host).doesNotThrowAnyException();
        }
        assertThatCode(() -> parse("auth: {allowUnauthenticated: true}").auth().requireSafeListen("0.0.0.0"))
                .doesNotThrowAnyException();
        assertThatCode(() -> parse("auth: {tokens: [{name: ci, hash: \"" + SHA + "\"}]}").auth()
                .requireSafeListen("0.0.0.0")).doesNotThrowAnyException();
    }
}
