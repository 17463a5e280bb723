package io.trafficviz.cli;

import io.trafficviz.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Every bad configuration exits 2 with one line naming the key and the problem, through the real command line
 * ({@code serve} and {@code replay}, in-process): never a stack trace, never a server that starts anyway, never a
 * misleading "Port already in use". The attacker run found 10 of 39 bad configs exiting 1 with a stack trace.
 */
class BadConfigTest {
    /** A config that starts; each case breaks one thing in it. */
    private static final String GOOD = """
            listen: 127.0.0.1:0
            servers:
              - name: s
                proxies:
                  - name: p
                    accessLog: LOG
            """;

    @TempDir
    static Path dir;
    private static ServerSocket busy;

    record Case(String name, String expected, Function<Path, String[]> args) {
        Case withSetup(java.util.function.Consumer<Path> setup) {
            return new Case(name, expected, d -> {
                setup.accept(d);
                return args.apply(d);
            });
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void files() throws IOException {
        Files.writeString(dir.resolve("access.log"), "");
        Files.createDirectories(dir.resolve("logs.d"));
        Files.write(dir.resolve("binary.yml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 'x', ':', ' ', (byte) 0xc3});
        busy = new ServerSocket();
        busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void release() throws IOException {
        busy.close();
    }

    static List<Case> badConfigs() {
        List<Case> cases = new ArrayList<>();
        // YAML itself
        cases.add(yaml("unclosed flow list", "config is not valid YAML: while parsing a flow node", "servers: ["));
        cases.add(yaml("tab indentation", "config is not valid YAML: while scanning", "servers:\n\t- name: a\n"));
        cases.add(yaml("a key twice", "listen: appears twice (line 2)", "listen: 127.0.0.1:0\nlisten: 127.0.0.1:1\n"
                + GOOD.substring(GOOD.indexOf("servers"))));
        cases.add(yaml("a nested key twice", "servers[0].proxies[0].name: appears twice", GOOD + "        name: q\n"));
        cases.add(yaml("empty file", "(root): the file is empty", ""));
        cases.add(yaml("only comments", "(root): the file is empty", "# nothing here\n"));
        cases.add(yaml("root is a list", "(root): must be a map", "- a\n- b\n"));
        cases.add(yaml("root is text", "(root): must be a map", "hello\n"));
        cases.add(yaml("unknown top-level key", "lisen: unknown key", GOOD + "lisen: 127.0.0.1:1\n"));
        // listen
        cases.add(yaml("listen without port", "listen: expected host:port", replace("127.0.0.1:0", "127.0.0.1")));
        cases.add(yaml("listen port 99999", "listen: port must be a number 0-65535", replace("127.0.0.1:0", "127.0.0.1:99999")));
        cases.add(yaml("listen port -1", "listen: port must be a number 0-65535", replace("127.0.0.1:0", "127.0.0.1:-1")));
        cases.add(yaml("listen port text", "listen: port must be a number", replace("127.0.0.1:0", "127.0.0.1:http")));
        cases.add(yaml("listen a list", "listen: must be a single value, not a list", replace("127.0.0.1:0", "[a, b]")));
        cases.add(yaml("listen a bare number", "listen: expected host:port", replace("127.0.0.1:0", "8082")));
        cases.add(yaml("listen port in use", "listen: port BUSY on 127.0.0.1 is already in use by another process",
                replace("127.0.0.1:0", "127.0.0.1:BUSY")));
        cases.add(yaml("listen on another machine's address", "listen: 192.0.2.1 is not an address of this machine",
                replace("127.0.0.1:0", "192.0.2.1:8082")));
        cases.add(yaml("listen on an unknown host", "listen: cannot resolve host 'nosuchhost.invalid'",
                replace("127.0.0.1:0", "nosuchhost.invalid:8082")));
        // servers and proxies
        cases.add(yaml("servers missing", "servers: a list of at least one server is required", "listen: 127.0.0.1:0\n"));
        cases.add(yaml("servers a map", "servers: a list of at least one server", "servers: {a: b}\n"));
        cases.add(yaml("server is text", "servers[0]: must be a map", "servers: [x]\n"));
        cases.add(yaml("server without name", "servers[0].name: is required", "servers:\n  - proxies: [{name: p}]\n"));
        cases.add(yaml("server name with spaces", "servers[0].name: use letters", replace("name: s", "name: \"bad name!\"")));
        cases.add(yaml("server name twice", "servers[1].name: duplicate server name 's'", GOOD + """
                  - name: s
                    proxies: [{name: p}]
                """));
        cases.add(yaml("proxies missing", "servers[0].proxies: a list of at least one proxy", "servers:\n  - name: a\n"));
        cases.add(yaml("proxy name too long", "servers[0].proxies[0].name: use letters", replace("name: p", "name: " + "p".repeat(64))));
        cases.add(yaml("unknown proxy key", "servers[0].proxies[0].acessLog: unknown key", GOOD + "        acessLog: x\n"));
        cases.add(yaml("role unknown", "servers[0].proxies[0].role: must be one of", GOOD + "        role: boss\n"));
        cases.add(yaml("api not http", "servers[0].proxies[0].api: must be an http(s) URL", GOOD + "        api: ftp://x\n"));
        cases.add(yaml("format unknown", "servers[0].proxies[0].format: must be one of", GOOD + "        format: xml\n"));
        cases.add(yaml("network a map", "servers[0].proxies[0].network: must be a single value, not a map",
                GOOD + "        network: {a: b}\n"));
        cases.add(yaml("addresses text", "servers[0].proxies[0].addresses: must be a list", GOOD + "        addresses: 10.0.0.1\n"));
        cases.add(yaml("address not an IP", "servers[0].proxies[0].addresses[0]: not an IP address",
                GOOD + "        addresses: [999.1.1.1]\n"));
        cases.add(yaml("trustedNetworks prefix 40", "servers[0].trustedNetworks[0]: prefix length out of range",
                replace("  - name: s\n", "  - name: s\n    trustedNetworks: [10.0.0.0/40]\n")));
        cases.add(yaml("trustedNetworks text", "servers[0].trustedNetworks: must be a list of CIDRs",
                replace("  - name: s\n", "  - name: s\n    trustedNetworks: 10.0.0.0/8\n")));
        // names
        cases.add(yaml("names CIDR /33", "names.10.0.0.0/33: prefix length out of range", GOOD + "names:\n  10.0.0.0/33: x\n"));
        cases.add(yaml("names key not an address", "names.notacidr: not an IP address or CIDR", GOOD + "names:\n  notacidr: x\n"));
        cases.add(yaml("names value a list", "names.10.0.0.1: must be a node name", GOOD + "names:\n  10.0.0.1: [a]\n"));
        cases.add(yaml("names a list", "names: must be a map", GOOD + "names: [a]\n"));
        // scalars of the wrong type
        cases.add(yaml("reverseDns maybe", "reverseDns: must be true or false", GOOD + "reverseDns: maybe\n"));
        cases.add(yaml("startAt middle", "startAt: must be 'end' or 'beginning'", GOOD + "startAt: middle\n"));
        cases.add(yaml("networkHeader with a space", "networkHeader: must be an HTTP header name", GOOD + "networkHeader: X Net\n"));
        cases.add(yaml("networkHeader a list", "networkHeader: must be a single value", GOOD + "networkHeader: [a]\n"));
        // durations
        cases.add(yaml("interval without unit", "discovery.interval: must be a duration", GOOD + "discovery: {interval: 10}\n"));
        cases.add(yaml("interval in hours", "discovery.interval: must be a duration", GOOD + "discovery: {interval: 10h}\n"));
        cases.add(yaml("interval 1ms", "discovery.interval: must be at least 100ms", GOOD + "discovery: {interval: 1ms}\n"));
        cases.add(yaml("interval of 20 digits", "discovery.interval: must be a duration",
                GOOD + "discovery: {interval: 99999999999999999999s}\n"));
        cases.add(yaml("interval beyond a day", "discovery.interval: must be at most", GOOD + "discovery: {interval: 999999999m}\n"));
        cases.add(yaml("discovery a number", "discovery: must be a map", GOOD + "discovery: 5\n"));
        // limits
        cases.add(yaml("maxNodes negative", "limits.maxNodes: must be a positive whole number", GOOD + "limits: {maxNodes: -1}\n"));
        cases.add(yaml("maxNodes fraction", "limits.maxNodes: must be a positive whole number", GOOD + "limits: {maxNodes: 1.5}\n"));
        cases.add(yaml("maxNodes beyond int", "limits.maxNodes: must be a positive whole number",
                GOOD + "limits: {maxNodes: 3000000000}\n"));
        cases.add(yaml("maxEdges text", "limits.maxEdges: must be a positive whole number", GOOD + "limits: {maxEdges: many}\n"));
        cases.add(yaml("maxPathsPerEdge zero", "limits.maxPathsPerEdge: must be a positive", GOOD + "limits: {maxPathsPerEdge: 0}\n"));
        cases.add(yaml("limits empty", "limits: must be a map", GOOD + "limits:\n"));
        // ingest
        cases.add(yaml("maxBodyBytes negative", "ingest.maxBodyBytes: must be a whole number of bytes",
                GOOD + "ingest: {maxBodyBytes: -5}\n"));
        cases.add(yaml("maxBodyBytes 1e12", "ingest.maxBodyBytes: must be a whole number of bytes",
                GOOD + "ingest: {maxBodyBytes: 1e12}\n"));
        cases.add(yaml("token from an unset variable", "ingest.token: environment variable TRAFFICVIZ_TEST_UNSET_VAR is not set",
                GOOD + "ingest: {token: '${TRAFFICVIZ_TEST_UNSET_VAR}'}\n"));
        cases.add(yaml("token with an unset variable inside", "ingest.token: environment variable TRAFFICVIZ_TEST_UNSET_VAR is not set",
                GOOD + "ingest: {token: 'abc${TRAFFICVIZ_TEST_UNSET_VAR}'}\n"));
        cases.add(yaml("accessLog from an unset variable", "servers[0].proxies[0].accessLog: environment variable "
                + "TRAFFICVIZ_TEST_UNSET_VAR is not set", replace("LOG", "${TRAFFICVIZ_TEST_UNSET_VAR}/access.log")));
        cases.add(yaml("a stray ${", "listen: '${' starts an environment reference", replace("listen: 127.0.0.1:0", "listen: '${1}'")));
        cases.add(yaml("token empty", "ingest.token: must not be empty", GOOD + "ingest: {token: ''}\n"));
        cases.add(yaml("unknown ingest key", "ingest.tokn: unknown key", GOOD + "ingest: {tokn: x}\n"));
        // the machine: files, directories
        cases.add(yaml("accessLog a directory", "servers[0].proxies[0].accessLog: DIR/logs.d is a directory",
                replace("LOG", "DIR/logs.d")));
        cases.add(yaml("accessLog under a file", "servers[0].proxies[0].accessLog: DIR/access.log/x can never exist",
                replace("LOG", "DIR/access.log/x")));
        cases.add(yaml("dynamicConfig under a file", "servers[0].proxies[0].dynamicConfig: DIR/access.log/dyn can never exist",
                GOOD + "        dynamicConfig: DIR/access.log/dyn\n"));
        cases.add(yaml("stateDir a file", "stateDir: DIR/access.log is a file, not a directory", GOOD + "stateDir: DIR/access.log\n"));
        cases.add(yaml("stateDir cannot be created", "stateDir: cannot create directory DIR/access.log/state",
                GOOD + "stateDir: DIR/access.log/state\n"));
        cases.add(new Case("config file missing", "config file not found: DIR/none.yml",
                d -> new String[] {"serve", "-c", d.resolve("none.yml").toString()}));
        cases.add(new Case("config file a directory", "cannot read config file DIR/logs.d: Is a directory",
                d -> new String[] {"serve", "-c", d.resolve("logs.d").toString()}));
        cases.add(new Case("config file not UTF-8", "config file DIR/binary.yml is not UTF-8 text",
                d -> new String[] {"serve", "-c", d.resolve("binary.yml").toString()}));
        cases.add(new Case("config file unreadable", "cannot read config file DIR/secret.yml: permission denied",
                d -> new String[] {"serve", "-c", unreadable(d, "secret.yml", GOOD)}));
        cases.add(yaml("accessLog unreadable", "servers[0].proxies[0].accessLog: cannot read DIR/secret.log: permission denied",
                replace("LOG", "DIR/secret.log")).withSetup(d -> unreadable(d, "secret.log", "")));
        // history
        cases.add(yaml("history a list", "history: must be a map", GOOD + "history: [a]\n"));
        cases.add(yaml("history unknown key", "history.retain: unknown key", GOOD + "history:\n  retain: 7d\n"));
        cases.add(yaml("history.enabled maybe", "history.enabled: must be true or false",
                GOOD + "history:\n  enabled: maybe\n"));
        cases.add(yaml("history.retention in weeks", "history.retention: must be a duration like 90m, 36h or 7d",
                GOOD + "history:\n  retention: 2w\n"));
        cases.add(yaml("history.retention 10m", "history.retention: must be at least 1h",
                GOOD + "history:\n  retention: 10m\n"));
        cases.add(yaml("history.maxBytes text", "history.maxBytes: must be a size like 500MB or 2GB",
                GOOD + "history:\n  maxBytes: lots\n"));
        cases.add(yaml("history.maxBytes tiny", "history.maxBytes: must be at least 16MiB",
                GOOD + "history:\n  maxBytes: 1MB\n"));
        cases.add(yaml("history.path a map", "history.path: must be a single value, not a map",
                GOOD + "history:\n  path: {a: b}\n"));
        // the command line's own listen, and replay
        cases.add(new Case("--listen port 70000", "--listen: expected HOST:PORT",
                d -> new String[] {"serve", "-c", write(d, "ok", GOOD), "--listen", "127.0.0.1:70000"}));
        cases.add(new Case("--listen port in use", "--listen: port BUSY on 127.0.0.1 is already in use",
                d -> new String[] {"serve", "-c", write(d, "ok", GOOD), "--listen", "127.0.0.1:" + busy.getLocalPort()}));
        cases.add(new Case("replay: listen port in use", "listen: port BUSY on 127.0.0.1 is already in use",
                d -> new String[] {"replay", "-c", write(d, "busy-replay", GOOD.replace("127.0.0.1:0", "127.0.0.1:BUSY"))}));
        cases.add(new Case("replay: accessLog a directory", "servers[0].proxies[0].accessLog: DIR/logs.d is a directory",
                d -> new String[] {"replay", "--no-web", "-c", write(d, "dir-replay", GOOD.replace("LOG", "DIR/logs.d"))}));
        cases.add(new Case("replay: accessLog missing", "servers[0].proxies[0].accessLog: DIR/missing.log does not exist",
                d -> new String[] {"replay", "--no-web", "-c", write(d, "missing-replay", GOOD.replace("LOG", "DIR/missing.log"))}));
        cases.add(new Case("replay: no accessLog at all", "servers: no proxy has an accessLog",
                d -> new String[] {"replay", "--no-web", "-c", write(d, "nothing-replay", "servers: [{name: s, proxies: [{name: p}]}]")}));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void exitsTwoWithOneLineNamingTheKey(Case c) {
        Run run = run(c.args().apply(dir));
        String expected = "trafficviz: bad configuration: " + fill(c.expected());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().lines().toList()).as(run.toString()).hasSize(1);
        assertThat(run.err()).as(run.toString()).startsWith(expected);
        assertThat(run.logged()).as("nothing else on stderr, no stack trace").doesNotContain("Exception", "\tat ", "ERROR");
        assertThat(run.out()).as("no server started").doesNotContain("serving");
    }

    @Test
    void aCommandLineWithoutACommandOrWithABadOptionExitsTwoWithUsage() {
        for (String[] args : List.of(new String[0], new String[] {"frobnicate"}, new String[] {"serve"},
                new String[] {"serve", "-c", "x.yml", "--bogus"}, new String[] {"replay", "-c", "x.yml", "--speed", "fast"})) {
            Run run = run(args);
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).as(run.toString()).startsWith("trafficviz: ").contains("Usage: trafficviz");
            assertThat(run.out()).as(run.toString()).isEmpty();
        }
    }

    @Test
    void helpPrintsUsageOnStdoutAndSucceeds() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"serve", "--help"}, new String[] {"help", "replay"})) {
            Run run = run(args);
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).as(run.toString()).contains("Usage: trafficviz");
        }
        assertThat(run("--help").out()).contains("Exit codes:").containsPattern("\\s2\\s+bad command line or configuration");
    }

    record Run(int exitCode, String out, String err, String logged) {
    }

    /**
     * Runs the command as {@code Main.main} would, minus {@code System.exit}: an exception escaping picocli is what
     * the JVM prints as a stack trace with exit code 1. {@code logged} is whatever went to System.err directly.
     */
    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        PrintStream systemErr = System.err;
        PrintStream systemOut = System.out;
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(logged, true, StandardCharsets.UTF_8));
        int code;
        try {
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
            code = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> cli.execute(args),
                    "the command started instead of refusing the config");
        } catch (RuntimeException escaped) {
            StringWriter trace = new StringWriter();
            escaped.printStackTrace(new PrintWriter(trace));
            err.append(trace.toString());
            code = 1;
        } finally {
            System.setErr(systemErr);
            System.setOut(systemOut);
        }
        return new Run(code, out.toString(), err.toString(), logged.toString(StandardCharsets.UTF_8));
    }

    private static Case yaml(String name, String expected, String text) {
        return new Case(name, expected, d -> new String[] {"serve", "-c", write(d, name.replaceAll("\\W+", "-"), text)});
    }

    private static String write(Path d, String name, String text) {
        try {
            Path file = d.resolve(name + ".yml");
            Files.writeString(file, fill(text));
            return file.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A file this process cannot read; skips the case where permissions do not bind (root). */
    private static String unreadable(Path d, String name, String text) {
        Path file = d.resolve(name);
        try {
            Files.writeString(file, fill(text));
            Files.setPosixFilePermissions(file, java.util.Set.of());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assumeFalse(Files.isReadable(file), "permissions do not stop this user (root) from reading");
        return file.toString();
    }

    private static String replace(String what, String with) {
        return GOOD.replace(what, with);
    }

    private static String fill(String text) {
        return text.replace("LOG", dir.resolve("access.log").toString()).replace("DIR", dir.toString())
                .replace("BUSY", Integer.toString(busy.getLocalPort()));
    }
}
