package io.trafficviz;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's command line: the product's commands, the dev root's (found with ServiceLoader), then help. */
class MainTest {
    @Test
    void listsTheProductsCommandsThenTheToolingsThenHelp() {
        CommandLine cli = Main.commandLine();
        assertThat(cli.getSubcommands().keySet())
                .containsExactly("serve", "replay", "import", "hash-password", "demo", "stack", "service", "generate", "help");
        assertThat(cli.getUsageMessage()).containsPattern("demo +Show trafficviz at work");
    }
}
