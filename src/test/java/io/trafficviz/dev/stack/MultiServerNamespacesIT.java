package io.trafficviz.dev.stack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The multi-server topology with each server on a subnet of its own, its services each a process in a network
 * namespace, and the gateway in a namespace of its own. Skipped where namespaces cannot be made (not root, no ip).
 */
class MultiServerNamespacesIT extends MultiServerStackContract {
    @Override
    StackOptions options() {
        return StackOptions.defaults().withIsolation(StackOptions.Isolation.NAMESPACES);
    }

    @Override
    void assumptions() {
        assumeTrue(NamespaceNetwork.available(), "network namespaces unavailable (needs root and ip)");
    }

    @Test
    void eachServerIsASubnetOfItsOwnAndTheGatewayCallsFromItsOwnAddress() {
        MultiServerStack.Server a = stack().server(A);
        MultiServerStack.Server b = stack().server(B);
        assertThat(a.subnet()).startsWith(NamespaceNetwork.PREFIX).endsWith(".0/24").isNotEqualTo(b.subnet());
        for (MultiServerStack.Server s : stack().servers()) {
            String prefix = s.subnet().substring(0, s.subnet().length() - "0/24".length());
            assertThat(s.address()).startsWith(prefix);
            s.services().values().forEach(svc -> {
                assertThat(svc.describe()).contains("namespace tvz");
                assertThat(svc.baseUri().getHost()).startsWith(prefix);
            });
        }
        assertThat(stack().gatewayAddress()).startsWith(NamespaceNetwork.PREFIX)
                .doesNotStartWith(a.subnet().replace("0/24", "")).doesNotStartWith(b.subnet().replace("0/24", ""));
        assertThat(stack().outsiderAddress()).startsWith(a.subnet().replace("0/24", ""));
    }
}
