package io.trafficviz;

import io.trafficviz.cli.HashPasswordCommand;
import io.trafficviz.cli.ImportCommand;
import io.trafficviz.cli.ReplayCommand;
import io.trafficviz.cli.ServeCommand;
import io.trafficviz.cli.Subcommands;
import picocli.CommandLine;
import io.trafficviz.config.ConfigException;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * The command line: the product's {@code serve} and {@code replay}, then whatever {@link Subcommands} the jar holds
 * ({@code demo}, {@code stack}, {@code service}, {@code generate} from the dev source root), then {@code help}.
 */
@Command(name = "trafficviz", mixinStandardHelpOptions = true, version = "trafficviz 0.1.0",
        description = "Watches Traefik proxies and draws, live in the browser, every request that crosses them.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or --help, --version)", "1:failed while running",
            "2:bad command line or configuration (one line on stderr names the key)"},
        subcommands = {ServeCommand.class, ReplayCommand.class, ImportCommand.class, HashPasswordCommand.class})
public final class Main implements Callable<Integer> {
    /** A bad command line or a bad configuration; 1 stays for failures of the running service. */
    public static final int USAGE_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No command given: that is a bad command line too, so scripts see it fail. */
    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        cli.getErr().println("trafficviz: a command is needed");
        cli.usage(cli.getErr());
        return USAGE_ERROR;
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
        cli.setParameterExceptionHandler(Main::badCommandLine);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException) {
                commandLine.getErr().println("trafficviz: bad configuration: " + oneLine(ex.getMessage()));
                return USAGE_ERROR;
            }
            throw ex;
        });
        return cli;
    }

    /** What is wrong, then the usage of the command that was meant, on stderr. */
    private static int badCommandLine(CommandLine.ParameterException ex, String[] args) {
        CommandLine meant = ex.getCommandLine();
        PrintWriter err = meant.getErr();
        err.println("trafficviz: " + oneLine(ex.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        meant.usage(err);
        return USAGE_ERROR;
    }

    /** A message is one line in a terminal or a supervisor's log, whatever text it quotes from the config. */
    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ");
    }
}
