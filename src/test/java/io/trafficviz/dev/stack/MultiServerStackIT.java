package io.trafficviz.dev.stack;

/** The multi-server topology with loopback addressing (every workload in this JVM, server i on 127.0.i.0/24). */
class MultiServerStackIT extends MultiServerStackContract {
    @Override
    StackOptions options() {
        return StackOptions.defaults().withIsolation(StackOptions.Isolation.LOOPBACK);
    }
}
