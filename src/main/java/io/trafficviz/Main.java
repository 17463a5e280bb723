package io.trafficviz;

import io.trafficviz.cli.HashPasswordCommand;
import io.trafficviz.cli.ReplayCommand;
import io.trafficviz.cli.ServeCommand;
import io.trafficviz.cli.Subcommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ServiceLoader;

/**
 * The command line: the product's {@code serve} and {@code replay}, then whatever {@link Subcommands} the jar holds
 * ({@code demo}, {@code stack}, {@code service}, {@code generate} from the dev source root), then {@code help}.
 */
@Command(name = "trafficviz", mixinStandardHelpOptions = true, version = "trafficviz 0.1.0",
        description = "Watches Traefik proxies and draws, live in the browser, every request that crosses them.",
        subcommands = {ServeCommand.class, ReplayCommand.class, HashPasswordCommand.class})
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
        for (Subcommands more : ServiceLoader.load(Subcommands.class, Main.class.getClassLoader())) {
            more.commands().forEach(cli::addSubcommand);
        }
        cli.addSubcommand(new CommandLine.HelpCommand());
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
