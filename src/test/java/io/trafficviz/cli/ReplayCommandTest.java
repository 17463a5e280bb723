package io.trafficviz.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void replayPrintsOneSummaryLineAndDumpsTheGraph(@TempDir Path dir) throws Exception {
        Path log = Path.of(getClass().getResource("/fixtures/traefik-3.4/public-proxy-access.json.log").toURI());
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, """
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: public-net, accessLog: %s}
                """.formatted(log));
        Path dump = dir.resolve("network_info.json");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int code;
        try {
            System.setOut(new java.io.PrintStream(out, true));
            code = Main.commandLine().execute("replay", "--config", config.toString(), "--speed", "max",
                    "--exit-when-done", "--no-web", "--dump", dump.toString());
        } finally {
            System.setOut(old);
        }
        assertThat(code).isZero();
        String[] lines = out.toString().trim().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode summary = JSON.readTree(lines[0]);
        assertThat(summary.path("lines").asLong()).isEqualTo(Files.readAllLines(log).size());
        assertThat(summary.path("malformed").asLong()).isZero();
        assertThat(summary.has("seconds")).isTrue();
        assertThat(summary.path("linesPerSecond").asLong()).isPositive();
        JsonNode doc = JSON.readTree(dump.toFile());
        assertThat(doc.path("nodes").size()).isGreaterThanOrEqualTo(3);
        assertThat(doc.path("ingest").path("lines").asLong()).isEqualTo(summary.path("lines").asLong());
    }

    @Test
    void replayWithHistory_refusesAStoreThatHoldsTheSameFilesRequests(@TempDir Path dir) throws Exception {
        Path log = Path.of(getClass().getResource("/fixtures/traefik-3.4/public-proxy-access.json.log").toURI());
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, """
                history: {path: %s, retention: 36500d}   # the fixture is from 2025
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: public-net, accessLog: %s}
                """.formatted(dir.resolve("h.duckdb"), log));
        String[] replay = {"replay", "--config", config.toString(), "--speed", "max", "--exit-when-done", "--no-web",
            "--history"};
        java.io.PrintStream old = System.out;
        try {
            System.setOut(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true));
            assertThat(Main.commandLine().execute(replay)).isZero();
            CommandLine cli = Main.commandLine();
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute(replay)).isEqualTo(2);
            assertThat(err.toString()).contains("already holds requests of " + log).contains("history.path");
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void badConfigNamesTheKey(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.yml");
        Files.writeString(config, "servers:\n  - name: a\n    proxies:\n      - {name: p, role: sideways}\n");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("replay", "--config", config.toString(), "--exit-when-done", "--no-web");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("servers[0].proxies[0].role: must be one of public, private, gateway");
    }

    @Test
    void badSpeedIsAUsageError(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yml");
        Files.writeString(config, "servers: [{name: a, proxies: [{name: p}]}]\n");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("replay", "--config", config.toString(), "--speed", "fast", "--no-web")).isEqualTo(2);
        assertThat(err.toString()).contains("--speed must be a positive number or 'max'");
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[]{"serve", "replay", "demo", "stack", "service", "generate"}) {
            StringWriter out = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out));
            assertThat(cli.execute(cmd, "--help")).isZero();
            assertThat(out.toString()).contains("Usage: trafficviz " + cmd);
        }
    }
}
