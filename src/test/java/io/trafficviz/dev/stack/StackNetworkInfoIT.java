package io.trafficviz.dev.stack;

/** The whole loop with every workload in this JVM on a loopback address of its own. */
class StackNetworkInfoIT extends StackNetworkInfoContract {
    @Override
    StackOptions options() {
        return StackOptions.defaults().withIsolation(StackOptions.Isolation.LOOPBACK);
    }
}
