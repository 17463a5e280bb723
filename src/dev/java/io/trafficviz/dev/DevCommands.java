package io.trafficviz.dev;

import io.trafficviz.cli.Subcommands;
import io.trafficviz.dev.demo.ServiceCommand;
import io.trafficviz.dev.generate.GenerateCommand;
import io.trafficviz.dev.stack.StackCommand;

import java.util.List;

/**
 * The tooling's subcommands of {@code trafficviz}: {@code demo}, {@code stack}, {@code service}, {@code generate}.
 * {@code io.trafficviz.Main} finds this class with {@link java.util.ServiceLoader}
 * ({@code src/dev/resources/META-INF/services/io.trafficviz.cli.Subcommands}), so the product imports nothing of
 * {@code io.trafficviz.dev}.
 */
public final class DevCommands implements Subcommands {
    @Override
    public List<Object> commands() {
        return List.of(new DemoCommand(), new StackCommand(), new ServiceCommand(), new GenerateCommand());
    }
}
