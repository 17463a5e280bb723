package io.trafficviz.dev.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code stack --duration}: runs everything with load for a while, reports, stops everything, exits 0. */
class StackCommandIT {
    @Test
    void runsForTheGivenDurationWithLoadThenStopsEverything(@TempDir Path dir) throws Exception {
        assumeTrue(TraefikBinary.locate().isPresent(), TraefikBinary.notFoundMessage());
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new StackCommand()).execute("--port", "0", "--rate", "20", "--duration", "2s",
                    "--work-dir", dir.toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertThat(code).isZero();
        assertThat(out).contains("stack: trafficviz on http://127.0.0.1:", "/network_info", "stack: outside users sent ",
                "stack: stopped");
        // a given work dir is kept: configs and the logs the proxies wrote
        assertThat(dir.resolve("trafficviz.yml")).isRegularFile();
        assertThat(dir.resolve("public-proxy/traefik.yml")).isRegularFile();
        assertThat(dir.resolve("private-proxy/dynamic.yml")).isRegularFile();
        assertThat(Files.readAllLines(dir.resolve("public-proxy/access.log"))).hasSizeGreaterThan(10);
    }

    @Test
    void runsTheMultiServerTopologyForTheGivenDurationThenStopsEverything(@TempDir Path dir) throws Exception {
        assumeTrue(TraefikBinary.locate().isPresent(), TraefikBinary.notFoundMessage());
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new StackCommand()).execute("--servers", "2", "--isolation", "loopback", "--port", "0",
                    "--rate", "20", "--outsider-rate", "5", "--duration", "2s", "--work-dir", dir.toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertThat(code).isZero();
        assertThat(out).contains("stack: trafficviz on http://127.0.0.1:", "stack: outside users sent ",
                "stack: the outsider sent ", "stack: server-b private-communicating-service-2 received ",
                "stack: log shipper tailing ", "stack: stopped");
        assertThat(dir.resolve("trafficviz.yml")).isRegularFile();
        assertThat(Files.readString(dir.resolve("trafficviz.yml"))).contains("role: gateway", "trustedNetworks");
        assertThat(Files.readAllLines(dir.resolve("edge/api-gateway/access.log"))).hasSizeGreaterThan(10);
        assertThat(Files.readAllLines(dir.resolve("server-b/private-proxy/access.log"))).hasSizeGreaterThan(10);
    }

    @Test
    void refusesAServerCountOutOfRange() {
        assertThat(new CommandLine(new StackCommand()).execute("--servers", "0")).isEqualTo(2);
        assertThat(new CommandLine(new StackCommand()).execute("--servers", "10")).isEqualTo(2);
        assertThat(new CommandLine(new StackCommand()).execute("--servers", "2", "--outsider-rate", "-1")).isEqualTo(2);
    }
}
