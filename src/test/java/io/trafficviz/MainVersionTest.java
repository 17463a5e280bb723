package io.trafficviz;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class MainVersionTest {
    private static String run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }

    private static String pomVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>trafficviz</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void versionComesFromTheBuild() throws Exception {
        assertThat(run("--version").strip()).isEqualTo("trafficviz " + pomVersion());
    }

    @Test
    void helpNamesTheVersionTheLoggingVariablesAndEveryExitCode() throws Exception {
        String help = run("--help");
        assertThat(help).startsWith("trafficviz " + pomVersion() + System.lineSeparator());
        assertThat(help).contains("TRAFFICVIZ_LOG_FORMAT=text|json", "TRAFFICVIZ_LOG_LEVEL", "${VAR} in any config", "Exit codes:");
        assertThat(help).containsPattern("\\s0\\s+done").containsPattern("\\s1\\s+failed while running")
                .containsPattern("\\s2\\s+bad command line").containsPattern("\\s70\\s+serve: a worker thread died")
                .containsPattern("\\s143\\s+stopped by SIGTERM");
    }

    @Test
    void serveNeedsAConfigOrDiscover() {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("serve")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--config=FILE' (or --discover)");
        StringWriter err2 = new StringWriter();
        cli.setErr(new PrintWriter(err2));
        assertThat(cli.execute("serve", "--discover", "--config", "x.yml")).isEqualTo(2);
        assertThat(err2.toString()).contains("--discover and --config exclude each other");
    }

    @Test
    void loggingVariablesAreChecked() {
        assertThat(LogSettings.problem(Map.<String, String>of()::get)).isNull();
        assertThat(LogSettings.problem(Map.of("TRAFFICVIZ_LOG_FORMAT", "json", "TRAFFICVIZ_LOG_LEVEL", "DEBUG")::get)).isNull();
        assertThat(LogSettings.problem(Map.of("TRAFFICVIZ_LOG_FORMAT", "")::get))
                .isEqualTo("TRAFFICVIZ_LOG_FORMAT must be text or json (was '')");
        assertThat(LogSettings.problem(Map.of("TRAFFICVIZ_LOG_LEVEL", "loud")::get))
                .startsWith("TRAFFICVIZ_LOG_LEVEL must be one of error, warn, info, debug, trace");
    }
}
