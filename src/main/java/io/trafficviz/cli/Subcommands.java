package io.trafficviz.cli;

import java.util.List;

/**
 * Subcommands the jar adds to {@code trafficviz} beside the product's own ({@code serve}, {@code replay}), found with
 * {@link java.util.ServiceLoader} from {@code META-INF/services/io.trafficviz.cli.Subcommands}. The product names no
 * tooling this way: the dev source root ({@code src/dev/java}) provides {@code demo}, {@code stack}, {@code service}
 * and {@code generate}, and a jar built without it simply has none of them.
 */
public interface Subcommands {
    /** picocli command objects, in the order {@code --help} lists them. */
    List<Object> commands();
}
