package io.trafficviz.dev.stack;

import io.trafficviz.dev.demo.LoadGenerator;
import io.trafficviz.dev.demo.ServiceCommand;
import io.trafficviz.dev.demo.ServiceStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code stack}: runs the concept's server for real on this machine (two Traefik proxies, the demo services, outside
 * users and trafficviz) until Ctrl-C or {@code --duration}. Register with one line:
 * {@code subcommands = {..., StackCommand.class}}.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"Runs two real Traefik proxies, the demo services and a load generator on this machine, "
                + "with trafficviz watching them, until Ctrl-C or --duration.",
                "With --servers 2 (or more): that server N times, each on a network of its own, behind a gateway "
                + "Traefik, with cross-server calls and an outsider; the other servers' logs reach trafficviz only "
                + "by push (OTLP and /ingest).",
                "Traefik comes from --traefik, $TRAEFIK_BIN, -Dtrafficviz.traefik or scripts/build-traefik.sh's cache."})
public final class StackCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8082", description = "trafficviz's port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--rate", defaultValue = "5", description = "Outside requests per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", defaultValue = "0", description = "How long to run, e.g. 30s, 5m; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--traefik", paramLabel = "PATH", description = "The Traefik binary.")
    Path traefik;

    @Option(names = "--no-load", description = "Start no outside traffic (send your own to the public proxy).")
    boolean noLoad;

    @Option(names = "--error-rate", defaultValue = "0.4",
            description = "Share of requests the non-communicating service answers 400 (default: ${DEFAULT-VALUE}).")
    double errorRate;

    @Option(names = "--propagate-failures", defaultValue = "${env:" + ServiceCommand.PROPAGATE_ENV + ":-false}",
            fallbackValue = "true", arity = "0..1",
            description = "Communicating services answer 502 when a call failed, so a leaf's 400 travels up to the outside "
                    + "users; by default they answer 200 with what their callees returned, as in the concept "
                    + "(default: false, or $" + ServiceCommand.PROPAGATE_ENV + ").")
    boolean propagateFailures;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the non-communicating service (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--isolation", defaultValue = "auto",
            description = "How each workload gets an address of its own: auto, loopback (127.0.0.x in this JVM) or "
                    + "namespaces (each service a process in a network namespace; needs root and ip) (default: ${DEFAULT-VALUE}).")
    String isolation;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where to write configs and logs (kept); default: a temp dir removed at exit.")
    Path workDir;

    @Option(names = "--servers", defaultValue = "1",
            description = "How many servers: 1 runs the single server; 2 or more run the multi-server topology (a gateway "
                    + "Traefik in front of every server's public proxy, cross-server calls, an outsider; each server on a "
                    + "subnet of its own, in network namespaces when root) (default: ${DEFAULT-VALUE}).")
    int servers;

    @Option(names = "--outsider-rate", defaultValue = "0.2",
            description = "With --servers 2+: requests per second the outsider sends straight to server-a's private "
                    + "proxy; 0 for none (default: ${DEFAULT-VALUE}).")
    double outsiderRate;

    @Override
    public Integer call() throws Exception {
        long durationMillis;
        try {
            durationMillis = parseDuration(duration);
        } catch (IllegalArgumentException e) {
            System.err.println("stack: " + e.getMessage());
            return 2;
        }
        if (!noLoad && !(rate > 0)) {
            System.err.println("stack: --rate must be positive (or use --no-load)");
            return 2;
        }
        StackOptions.Isolation iso;
        try {
            iso = StackOptions.Isolation.valueOf(isolation.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("stack: --isolation must be auto, loopback or namespaces (was '" + isolation + "')");
            return 2;
        }
        StackOptions options = StackOptions.defaults()
                .withIsolation(iso)
                .withTraefikBinary(traefik)
                .withTrafficvizPort(port)
                .withLeaf(errorRate, seed, 10, 250)
                .withPropagateFailures(propagateFailures)
                .withWorkDir(workDir, workDir != null);
        if (servers < 1 || servers > MultiServerStack.MAX_SERVERS) {
            System.err.println("stack: --servers must be 1.." + MultiServerStack.MAX_SERVERS + " (was " + servers + ")");
            return 2;
        }
        if (outsiderRate < 0) {
            System.err.println("stack: --outsider-rate must not be negative");
            return 2;
        }
        MultiServerStack stack;
        try {
            stack = MultiServerStack.start(options, servers, msg -> System.out.println("stack: " + msg));
        } catch (RuntimeException e) {
            // e.g. no Traefik binary, trafficviz's port taken, a proxy that would not start (its output is included)
            System.err.println("stack: could not start: " + e.getMessage());
            return 1;
        }
        StopOnce stop = new StopOnce(() -> stopAndReport(stack));
        printWhere(stack.workDir(), stack.trafficvizUri());
        System.out.println("stack: try  curl -H 'Host: " + MultiServerStack.PUBLIC_HOST + "' " + stack.entry() + "/");
        if (!noLoad) {
            stack.loadGenerator().startSteady(rate);
            System.out.println("stack: outside users send " + rate + " requests/s "
                    + (stack.gateway() != null ? "to the gateway " : "") + "from " + stack.loadAddress());
            if (stack.outsider() != null && outsiderRate > 0) {
                stack.outsider().startSteady(outsiderRate);
                System.out.println("stack: the outsider sends " + outsiderRate + " requests/s from "
                        + stack.outsiderAddress() + " straight to server-a's private proxy");
            }
        }
        return stop.runFor(durationMillis, duration);
    }

    private static void printWhere(Path workDir, java.net.URI trafficvizUri) {
        System.out.println("stack: work dir " + workDir);
        if (trafficvizUri != null) {
            System.out.println("stack: trafficviz on " + trafficvizUri + "/  (network info: " + trafficvizUri
                    + "/network_info, access logs: " + trafficvizUri + "/access_logs)");
        }
    }

    /**
     * Stops a stack exactly once: from the shutdown hook on Ctrl-C, or after {@code --duration} (then the hook is
     * removed so it does not stop the stack a second time).
     */
    private static final class StopOnce {
        private final CountDownLatch done = new CountDownLatch(1);
        private final Runnable stopAndReport;
        private final Thread hook;

        StopOnce(Runnable stopAndReport) {
            this.stopAndReport = stopAndReport;
            this.hook = new Thread(() -> {
                stopAndReport.run();
                done.countDown();
            }, "stack-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        int runFor(long durationMillis, String duration) throws InterruptedException {
            System.out.println(durationMillis > 0 ? "stack: running for " + duration
                    : "stack: running; Ctrl-C stops everything");
            if (durationMillis <= 0) {
                done.await(); // until Ctrl-C: the shutdown hook stops everything
                return 0;
            }
            if (!done.await(durationMillis, TimeUnit.MILLISECONDS)) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    done.await();
                    return 0;
                }
                stopAndReport.run();
            }
            return 0;
        }
    }

    private static void stopAndReport(MultiServerStack stack) {
        LoadGenerator outsider = stack.outsider();
        stack.loadGenerator().stopSteady(5_000);
        if (outsider != null) {
            outsider.stopSteady(5_000);
        }
        ServiceStats.Snapshot load = stack.loadGenerator().stats().snapshot();
        System.out.println("stack: outside users sent " + load.callsTotal() + " requests, statuses "
                + load.calls().getOrDefault(MultiServerStack.PUBLIC_HOST, java.util.Map.of()));
        if (outsider != null) {
            System.out.println("stack: the outsider sent " + outsider.stats().snapshot().callsTotal() + " requests");
        }
        boolean several = stack.servers().size() > 1;
        for (MultiServerStack.Server server : stack.servers()) {
            server.services().values().forEach(s -> {
                ServiceStats.Snapshot snap = s.stats();
                System.out.println("stack: " + (several ? server.name() + " " : "") + snap.name() + " received "
                        + snap.received() + ", answered " + snap.answered());
            });
        }
        stack.shippers().forEach(s -> System.out.println("stack: " + s.describe() + ": shipped " + s.shippedLines()
                + " lines" + (s.lastError() == null ? "" : ", last error " + s.lastError())));
        stack.close();
        System.out.println("stack: stopped");
    }

    static long parseDuration(String text) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--duration: expected e.g. 30s, 5m, 500ms or 0 (was '" + text + "')");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
    }
}
