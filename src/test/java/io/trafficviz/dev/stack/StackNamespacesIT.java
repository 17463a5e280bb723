package io.trafficviz.dev.stack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole loop with every service a process in a network namespace of its own, joined by a bridge, as containers
 * are. Skipped where namespaces cannot be made (not root, no {@code ip}).
 */
class StackNamespacesIT extends StackNetworkInfoContract {
    @Override
    StackOptions options() {
        return StackOptions.defaults().withIsolation(StackOptions.Isolation.NAMESPACES);
    }

    @Override
    void assumptions() {
        assumeTrue(NamespaceNetwork.available(), "network namespaces unavailable (needs root and ip)");
    }

    @Test
    void everyServiceRunsInItsOwnNamespaceOnTheBridgeNetwork() {
        assertThat(stack().isolation()).isEqualTo(StackOptions.Isolation.NAMESPACES);
        assertThat(stack().loadAddress()).startsWith(NamespaceNetwork.PREFIX).endsWith(".200");
        for (String name : server().services().keySet()) {
            assertThat(server().service(name).describe()).contains("namespace tvz");
            assertThat(server().service(name).baseUri().getHost()).startsWith(NamespaceNetwork.PREFIX);
        }
    }
}
