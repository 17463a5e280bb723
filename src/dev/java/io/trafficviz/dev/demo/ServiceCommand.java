package io.trafficviz.dev.demo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code service communicating|leaf ...}: runs one demo service in the foreground until stopped (SIGTERM/Ctrl-C), as
 * the Docker examples do. Register with one line: {@code subcommands = {..., ServiceCommand.class}}.
 */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = "Runs one demo service (used by the Docker examples).",
        subcommands = {ServiceCommand.Communicating.class, ServiceCommand.Leaf.class})
public final class ServiceCommand implements Runnable {
    /** The environment variable that makes communicating services answer 502 when a call failed (compose files set it). */
    public static final String PROPAGATE_ENV = "TRAFFICVIZ_DEMO_PROPAGATE_FAILURES";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs a service without the main CLI (the stack starts services in network namespaces this way). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new ServiceCommand()).execute(args));
    }

    abstract static class Common implements Callable<Integer> {
        @Option(names = "--name", description = "Service name, shown in its answers and /_stats (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
        String bind;

        @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
        int port;

        abstract DemoService create(InetSocketAddress address) throws Exception;

        @Override
        public Integer call() throws Exception {
            DemoService service = create(new InetSocketAddress(InetAddress.getByName(bind), port)).start();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                service.close();
                stopped.countDown();
            }, "service-shutdown"));
            System.out.println(service.name() + " listening on " + service.address());
            stopped.await();
            return 0;
        }
    }

    @Command(name = "communicating", mixinStandardHelpOptions = true,
            description = "Calls every downstream URL (through a proxy) on each request and returns the answers together;"
                    + " answers 200 with what they returned, failures included (the concept's prototype), or 502 if any"
                    + " call failed with --propagate-failures.")
    static final class Communicating extends Common {
        @Option(names = "--downstream", required = true, arity = "1..*",
                description = "NAME=URL or URL to call on each request; repeatable.")
        List<String> downstream = new ArrayList<>();

        @Option(names = "--source", description = "Local address to call from (default: the system's choice).")
        String source;

        @Option(names = "--timeout-ms", defaultValue = "10000", description = "Per-call timeout (default: ${DEFAULT-VALUE}).")
        int timeoutMillis;

        @Option(names = "--propagate-failures", defaultValue = "${env:" + PROPAGATE_ENV + ":-false}", fallbackValue = "true",
                arity = "0..1", description = "Answer 502 when any call failed, so a leaf's failure reaches the outside user "
                + "(default: false, or $" + PROPAGATE_ENV + ").")
        boolean propagateFailures;

        Communicating() {
            name = "communicating-service";
        }

        @Override
        DemoService create(InetSocketAddress address) throws Exception {
            return new CommunicatingService(name, address, source == null ? null : InetAddress.getByName(source),
                    downstream.stream().map(CommunicatingService.Downstream::parse).toList(), timeoutMillis,
                    CommunicatingService.Failures.propagating(propagateFailures));
        }
    }

    @Command(name = "leaf", mixinStandardHelpOptions = true,
            description = "The non-communicating service: returns data after a random delay, 400 for a share of requests.")
    static final class Leaf extends Common {
        @Option(names = "--error-rate", defaultValue = "0.4", description = "Share of requests answered 400 (default: ${DEFAULT-VALUE}).")
        double errorRate;

        @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--min-latency-ms", defaultValue = "10", description = "Shortest delay (default: ${DEFAULT-VALUE}).")
        int minLatency;

        @Option(names = "--max-latency-ms", defaultValue = "250", description = "Longest delay (default: ${DEFAULT-VALUE}).")
        int maxLatency;

        Leaf() {
            name = "non-communicating-service";
        }

        @Override
        DemoService create(InetSocketAddress address) {
            return new LeafService(name, address, errorRate, seed, minLatency, maxLatency);
        }
    }
}
