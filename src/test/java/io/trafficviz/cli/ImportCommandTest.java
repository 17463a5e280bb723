package io.trafficviz.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code import} loads rotated logs, plain and gzip, into the store, once: the same content again is skipped. */
class ImportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, """
                servers:
                  - name: server-a
                    proxies:
                      - {name: public-proxy, role: public, network: public-net, accessLog: access.log}
                history: {path: history.duckdb, retention: 36500d}
                """);
        return config;
    }

    private static void gzip(Path to, List<String> lines) throws Exception {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static JsonNode run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true));
            code = Main.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
        assertThat(code).as(out.toString()).isZero();
        String[] lines = out.toString().trim().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private long stored() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("history.duckdb"));
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM requests")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void rotatedLogs_plainAndGzip_areStored_once() throws Exception {
        Path config = config();
        List<String> lines = Files.readAllLines(Path.of(getClass().getResource(
                "/fixtures/traefik-3.4/public-proxy-access.json.log").toURI()));
        gzip(dir.resolve("access.log.2.gz"), lines.subList(0, 100));
        Files.write(dir.resolve("access.log.1"), lines.subList(100, lines.size()));

        JsonNode first = run("import", "--config", config.toString(), dir.resolve("access.log.1").toString(),
                dir.resolve("access.log.2.gz").toString());
        assertThat(first.path("files").asInt()).isEqualTo(2);
        assertThat(first.path("lines").asLong()).isEqualTo(lines.size());
        assertThat(first.path("malformed").asLong()).isZero();
        assertThat(stored()).isEqualTo(lines.size());

        // The next rotation compresses access.log.1 into access.log.2.gz: the same content, skipped.
        gzip(dir.resolve("access.log.3.gz"), lines.subList(100, lines.size()));
        JsonNode again = run("import", "--config", config.toString(), dir.resolve("access.log.3.gz").toString(),
                dir.resolve("access.log.2.gz").toString());
        assertThat(again.path("files").asInt()).isZero();
        assertThat(again.path("skipped").asInt()).isEqualTo(2);
        assertThat(stored()).isEqualTo(lines.size());
    }

    @Test
    void aFileOfNoConfiguredLog_orTheTailedLogItself_isRefusedByName() throws Exception {
        Path config = config();
        Files.writeString(dir.resolve("other.log"), "");
        Files.writeString(dir.resolve("access.log"), "");
        for (String[] c : new String[][] {
                {"other.log", "its name starts with no configured accessLog's file name"},
                {"access.log", "is the accessLog serve tails"}}) {
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute("import", "--config", config.toString(), dir.resolve(c[0]).toString()))
                    .isEqualTo(2);
            assertThat(err.toString()).contains(c[0]).contains(c[1]);
        }
    }
}
