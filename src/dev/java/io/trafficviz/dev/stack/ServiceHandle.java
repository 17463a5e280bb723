package io.trafficviz.dev.stack;

import io.trafficviz.dev.demo.ServiceStats;

import java.net.URI;

/** One demo service of the stack, wherever it runs: in this JVM or as a process in a network namespace. */
public interface ServiceHandle extends AutoCloseable {
    String name();

    /** Where it listens, reachable from this JVM: {@code http://address:port}. */
    URI baseUri();

    /** What it counted since the stack started (across restarts). */
    ServiceStats.Snapshot stats();

    /** Takes the service away: its port is closed when this returns (as when a container dies). */
    void stop();

    /** Brings it back on the same address and port. */
    void start();

    boolean running();

    /** Where and how it runs, for the log. */
    String describe();

    @Override
    default void close() {
        stop();
    }
}
