package io.trafficviz.dev.stack;

import io.trafficviz.dev.demo.ServiceCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandsTest {
    @Test
    void stackOptionsParse() {
        StackCommand cmd = new StackCommand();
        new CommandLine(cmd).parseArgs("--port", "0", "--rate", "2.5", "--duration", "30s", "--traefik", "/x/traefik",
                "--no-load");
        assertThat(cmd.port).isZero();
        assertThat(cmd.rate).isEqualTo(2.5);
        assertThat(cmd.noLoad).isTrue();
        assertThat(cmd.traefik).hasToString("/x/traefik");
        assertThat(StackCommand.parseDuration(cmd.duration)).isEqualTo(30_000);
        assertThat(StackCommand.parseDuration("2m")).isEqualTo(120_000);
        assertThat(StackCommand.parseDuration("0")).isZero();
        assertThatThrownBy(() -> StackCommand.parseDuration("soon")).hasMessageContaining("30s");

        StackCommand defaults = new StackCommand();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.port).isEqualTo(8082);
        assertThat(defaults.noLoad).isFalse();
    }

    @Test
    void stackReportsAMissingTraefikBinary() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new StackCommand());
        int code = cli.setErr(new PrintWriter(err)).execute("--traefik", "/nonexistent/traefik", "--no-load");
        assertThat(code).isEqualTo(1);
    }

    @Test
    void serviceSubcommandsParse() {
        CommandLine cli = new CommandLine(new ServiceCommand());
        CommandLine.ParseResult r = cli.parseArgs("communicating", "--port", "8080", "--name", "public-communicating-service",
                "--downstream", "a=http://private-proxy/a", "--downstream", "http://private-proxy/b");
        assertThat(r.subcommand().commandSpec().name()).isEqualTo("communicating");
        assertThat(r.subcommand().matchedOptionValue("--downstream", List.of()))
                .containsExactly("a=http://private-proxy/a", "http://private-proxy/b");

        CommandLine.ParseResult leaf = new CommandLine(new ServiceCommand()).parseArgs("leaf", "--error-rate", "0.25");
        assertThat(leaf.subcommand().matchedOptionValue("--error-rate", 0.0)).isEqualTo(0.25);

        assertThatThrownBy(() -> new CommandLine(new ServiceCommand()).parseArgs("communicating"))
                .isInstanceOf(CommandLine.MissingParameterException.class);
    }

    @Test
    void communicatingServicesReportFailuresUnlessAskedToPropagateThem() {
        StackCommand defaults = new StackCommand();
        new CommandLine(defaults).parseArgs();
        // unset in the test's environment: the concept's behaviour
        assertThat(System.getenv(ServiceCommand.PROPAGATE_ENV)).isNull();
        assertThat(defaults.propagateFailures).isFalse();
        StackCommand propagating = new StackCommand();
        new CommandLine(propagating).parseArgs("--propagate-failures");
        assertThat(propagating.propagateFailures).isTrue();

        CommandLine.ParseResult r = new CommandLine(new ServiceCommand()).parseArgs("communicating",
                "--downstream", "a=http://p/a", "--propagate-failures=false");
        assertThat(r.subcommand().matchedOptionValue("--propagate-failures", true)).isFalse();

        // the namespaced services get the stack's choice on their command lines
        Map<String, List<String>> args = StackParts.namespacedServiceArgs(StackOptions.defaults().withPropagateFailures(true),
                1, Map.of("svc", List.of(StackParts.downstream(java.net.URI.create("http://p/"), "leaf"))));
        assertThat(args.get("svc")).contains("--propagate-failures=true");
        assertThat(StackParts.namespacedServiceArgs(StackOptions.defaults(), 1,
                Map.of("svc", List.of())).get("svc")).contains("--propagate-failures=false");
    }
}
