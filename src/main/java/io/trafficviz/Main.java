package io.trafficviz;

import io.trafficviz.cli.HashPasswordCommand;
import io.trafficviz.cli.ImportCommand;
import io.trafficviz.cli.ReplayCommand;
import io.trafficviz.cli.ServeCommand;
import io.trafficviz.cli.Subcommands;
import picocli.CommandLine;
import io.trafficviz.config.ConfigException;
import io.trafficviz.telemetry.BuildInfo;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * The command line: the product's {@code serve} and {@code replay}, then whatever {@link Subcommands} the jar holds
 * ({@code demo}, {@code stack}, {@code service}, {@code generate} from the dev source root), then {@code help}.
 */
@Command(name = "trafficviz", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Watches Traefik proxies and draws, live in the browser, every request that crosses them.",
            "",
            "Environment: TRAFFICVIZ_LOG_FORMAT=text|json (the log lines on stderr; default text),",
            "TRAFFICVIZ_LOG_LEVEL=error|warn|info|debug (default info); $${VAR} in any config value."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or --help, --version)", "1:failed while running",
            "2:bad command line or configuration (one line on stderr names the key)",
            "70:serve: a worker thread died (/health said so first)",
            "143:stopped by SIGTERM (128 + 15; systemd: SuccessExitStatus=143)"},
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
        String badLogging = LogSettings.problem(System::getenv);
        if (badLogging != null) {
            // Before the first logger exists: logback would otherwise log nothing at all with an unknown layout.
            System.err.println("trafficviz: " + badLogging);
            System.exit(USAGE_ERROR);
        }
        System.exit(commandLine().execute(args));
    }

    /** {@code trafficviz 0.1.0-SNAPSHOT}, from the build (build-info.properties). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"trafficviz " + BuildInfo.current().version()};
        }
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.getCommandSpec().usageMessage().header("trafficviz " + BuildInfo.current().version());
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
