package io.trafficviz.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What an operator's tooling meets, from a real {@code serve} process: timestamped (or JSON) log lines, {@code /metrics}
 * that Prometheus' own parser accepts with the JVM, process and build series, and the exit codes {@code --help} lists.
 */
class OperatorConventionsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Path log = dir.resolve("access.log");
        Files.writeString(log, "");
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, """
                listen: 127.0.0.1:${TEST_PORT:-0}
                stateDir: ${TEST_STATE}
                servers:
                  - name: s
                    proxies: [{name: p, accessLog: ACCESS}]
                history: {enabled: false}
                """.replace("ACCESS", log.toString()));
        return config;
    }

    @Test
    void jsonLogsMetricsThatPromtoolAcceptsAndSigtermIs143() throws Exception {
        Map<String, String> env = Map.of("TRAFFICVIZ_LOG_FORMAT", "json", "TEST_STATE", dir.resolve("state").toString());
        String metrics;
        Process process;
        String output;
        try (ServeProcess serve = ServeProcess.start(config(), List.of("-Xmx128m"), List.of(), env)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(serve.base() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            metrics = response.body();
            process = serve.process();
            output = serve.output();
        }
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("SIGTERM's exit status, which the systemd unit accepts").isEqualTo(143);

        List<String> logLines = output.lines().filter(l -> l.startsWith("{")).toList();
        assertThat(logLines).as(output).isNotEmpty();
        JsonNode first = JSON.readTree(logLines.get(0));
        assertThat(first.path("timestamp").asLong()).isGreaterThan(1_700_000_000_000L);
        assertThat(first.path("level").asText()).isIn("INFO", "WARN");
        assertThat(first.path("loggerName").asText()).startsWith("io.trafficviz");
        assertThat(first.path("formattedMessage").asText()).isNotBlank();
        assertThat(output.lines().filter(l -> !l.startsWith("{"))).as("only the serving line is not JSON")
                .allMatch(l -> l.startsWith("trafficviz: serving http://"));

        assertThat(metrics).contains("trafficviz_ingest_lines_total 0", "process_cpu_seconds_total ",
                "process_resident_memory_bytes ", "jvm_memory_used_bytes{area=\"heap\"} ", "jvm_threads_current ",
                "trafficviz_build_info{version=\"" + projectVersion() + "\",java_version=\"");
        assertThat(promtool(metrics)).as("promtool check metrics").isEqualTo(0);
    }

    @Test
    void textLogLinesStartWithAnIsoTimestamp() throws Exception {
        Map<String, String> env = Map.of("TEST_STATE", dir.resolve("state").toString());
        try (ServeProcess serve = ServeProcess.start(config(), List.of("-Xmx128m"), List.of(), env)) {
            List<String> logLines = serve.output().lines().filter(l -> !l.startsWith("trafficviz: serving")).toList();
            assertThat(logLines).isNotEmpty().allMatch(
                    l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (INFO|WARN|ERROR) .*"));
        }
    }

    @Test
    void anUnknownLogFormatIsABadConfigurationBeforeAnythingStarts() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.trafficviz.Main", "serve", "-c", config().toString())
                .redirectErrorStream(true);
        builder.environment().put("TRAFFICVIZ_LOG_FORMAT", "xml");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output.strip()).isEqualTo("trafficviz: TRAFFICVIZ_LOG_FORMAT must be text or json (was 'xml')");
    }

    @Test
    void theSystemdUnitVerifiesAndTakesSigtermAsSuccess() throws Exception {
        Path systemdAnalyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(systemdAnalyze), "systemd-analyze is not installed");
        Path unit = Path.of("examples/systemd/trafficviz.service");
        String text = Files.readString(unit);
        assertThat(text).contains("SuccessExitStatus=143", "RestartPreventExitStatus=2", "DynamicUser=yes",
                "ProtectSystem=strict", "StateDirectory=trafficviz", "Environment=XDG_STATE_HOME=/var/lib");
        Path copy = dir.resolve("trafficviz.service");
        Files.copy(unit, copy);
        Process p = new ProcessBuilder(systemdAnalyze.toString(), "verify", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze verify's findings").isBlank();
    }

    /** The version in pom.xml (the tests run in the project's directory): what the build must report. */
    static String projectVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        var m = java.util.regex.Pattern.compile("<artifactId>trafficviz</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** Prometheus' own parser of the text format ({@code promtool}, Debian's prometheus package). */
    private int promtool(String metrics) throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assumeTrue(Files.isExecutable(promtool), "promtool (Debian's prometheus package) is not installed");
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, metrics);
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertThat(out).as("promtool's findings").doesNotContain("error while linting", "text format parsing error");
        return p.exitValue();
    }
}
