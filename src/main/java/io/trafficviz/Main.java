package io.trafficviz;

import io.trafficviz.bench.GenerateCommand;
import io.trafficviz.cli.DemoCommand;
import io.trafficviz.cli.ReplayCommand;
import io.trafficviz.cli.ServeCommand;
import io.trafficviz.demo.ServiceCommand;
import io.trafficviz.stack.StackCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code serve}, {@code replay}, {@code demo} and friends. */
@Command(name = "trafficviz", mixinStandardHelpOptions = true, version = "trafficviz 0.1.0",
        description = "Watches Traefik proxies and draws, live in the browser, every request that crosses them.",
        subcommands = {ServeCommand.class, ReplayCommand.class, DemoCommand.class, StackCommand.class,
                ServiceCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof io.trafficviz.config.ConfigException) {
                commandLine.getErr().println("trafficviz: bad configuration: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cli;
    }
}
