package io.trafficviz.cli;

import io.trafficviz.Main;
import io.trafficviz.publish.auth.Passwords;
import io.trafficviz.publish.auth.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hash-password}, and {@code serve} refusing a non-loopback listen without auth. */
class HashPasswordCommandTest {
    private final InputStream stdin = System.in;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void restore() {
        System.setIn(stdin);
    }

    private int run(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void printsABcryptHashOfTheFirstLineOfStdin() {
        assertThat(run("correct horse\n", "hash-password")).isZero();
        String hash = out.toString().trim();
        assertThat(hash).startsWith("$2a$12$").hasSize(60);
        assertThat(Passwords.matches("correct horse", hash)).isTrue();
    }

    @Test
    void refusesAShortPassword() {
        assertThat(run("short\n", "hash-password")).isEqualTo(2);
        assertThat(err.toString()).contains("at least 8");
    }

    @Test
    void token_printsANewTokenAndTheHashTheConfigWants() {
        assertThat(run("", "hash-password", "--token")).isZero();
        String[] lines = out.toString().split("\n");
        String token = lines[0].substring("token: ".length()).trim();
        String hash = lines[1].substring("hash:  ".length()).trim();
        assertThat(token).startsWith("tvz_").hasSizeGreaterThan(40);
        assertThat(hash).isEqualTo(Tokens.configHash(token)).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void serve_refusesANonLoopbackListenWithoutAuth_exit2_inOneLine(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, "listen: 0.0.0.0:0\nservers: [{name: a, proxies: [{name: p}]}]\n");
        assertThat(run("", "serve", "-c", config.toString())).isEqualTo(2);
        assertThat(err.toString().trim()).startsWith("trafficviz: bad configuration: listen: '0.0.0.0' is reachable")
                .doesNotContain("\n");
        assertThat(run("", "serve", "-c", config.toString(), "--listen", "192.0.2.1:0")).isEqualTo(2);
    }
}
