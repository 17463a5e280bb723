package io.trafficviz.dev.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private network of Linux network namespaces, like a Docker bridge network: a bridge {@code tvzb<k>} on the host
 * with address {@code 10.231.<k>.1/24} (where the proxies listen), and for each workload a namespace
 * {@code tvz<k>-<n>} joined to the bridge by a veth pair, with address {@code 10.231.<k>.<n>} and a default route via
 * the bridge. A further host-side address {@code 10.231.<k>.200} serves callers that run in this JVM. Needs root and
 * {@code ip}; {@link #close()} removes everything it made, and a network left behind by a killed process is removed
 * the next time one is created. All traffic stays on this machine.
 */
public final class NamespaceNetwork implements AutoCloseable {
    static final String PREFIX = "10.231.";

    private final int k;
    private final String bridge;
    private final Map<String, Integer> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private boolean closed;

    private NamespaceNetwork(int k) {
        this.k = k;
        this.bridge = "tvzb" + k;
    }

    /** True when namespaces can be made here: Linux, root, {@code ip}, and a test namespace can be added. */
    public static boolean available() {
        if (!Files.isDirectory(Path.of("/proc/self/ns")) || !"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        String probe = "tvzprobe" + ProcessHandle.current().pid();
        boolean ok = run(false, "ip", "netns", "add", probe);
        if (ok) {
            run(false, "ip", "netns", "del", probe);
        }
        return ok;
    }

    /**
     * Makes the network and one namespace per workload.
     *
     * @param workloads name → last address byte (2..199), e.g. {@code public-communicating-service → 11}
     */
    public static NamespaceNetwork create(Map<String, Integer> workloads) {
        removeStale();
        NamespaceNetwork net;
        synchronized (NamespaceNetwork.class) {
            net = new NamespaceNetwork(freeIndex());
            net.markOwned();
        }
        try {
            net.up(workloads);
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** Marker files naming the process that owns each network, so a later run can clean up after a killed one. */
    static final Path OWNERS = Path.of(System.getProperty("java.io.tmpdir"), "trafficviz-netns");

    private void markOwned() {
        try {
            Files.createDirectories(OWNERS);
            Files.writeString(OWNERS.resolve(String.valueOf(k)), String.valueOf(ProcessHandle.current().pid()));
        } catch (IOException e) {
            // without a marker a leftover network is merely not cleaned up automatically
        }
    }

    /** Removes the namespaces and bridge of networks whose owning process is gone (killed before it could clean up). */
    static void removeStale() {
        if (!Files.isDirectory(OWNERS)) {
            return;
        }
        try (var markers = Files.list(OWNERS)) {
            for (Path marker : markers.toList()) {
                long pid;
                int k;
                try {
                    k = Integer.parseInt(marker.getFileName().toString());
                    pid = Long.parseLong(Files.readString(marker).trim());
                } catch (NumberFormatException | IOException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                for (String line : output("ip", "netns", "list").split("\n")) {
                    String ns = line.split(" ")[0].trim();
                    if (ns.startsWith("tvz" + k + "-")) {
                        run(false, "ip", "netns", "del", ns);
                    }
                }
                run(false, "ip", "link", "del", "tvzb" + k);
                Files.deleteIfExists(marker);
            }
        } catch (IOException e) {
            // best effort
        }
    }

    private static int freeIndex() {
        String links = output("ip", "-o", "link", "show");
        String addrs = output("ip", "-o", "-4", "addr", "show");
        for (int attempt = 0; attempt < 200; attempt++) {
            int k = ThreadLocalRandom.current().nextInt(1, 250);
            if (!links.contains("tvzb" + k + ":") && !links.contains("tvzb" + k + "@") && !addrs.contains(PREFIX + k + ".")) {
                return k;
            }
        }
        throw new IllegalStateException("no free 10.231.x.0/24 network for the namespaces");
    }

    private void up(Map<String, Integer> workloads) {
        must("ip", "link", "add", bridge, "type", "bridge");
        must("ip", "addr", "add", hostAddress() + "/24", "dev", bridge);
        must("ip", "addr", "add", callerAddress() + "/24", "dev", bridge);
        must("ip", "link", "set", bridge, "up");
        workloads.forEach((name, n) -> {
            if (n < 2 || n > 199) {
                throw new IllegalArgumentException("address byte must be 2..199: " + name + "=" + n);
            }
            String ns = "tvz" + k + "-" + n;
            String hostSide = "tvz" + k + "h" + n;
            String nsSide = "tvz" + k + "n" + n;
            must("ip", "netns", "add", ns);
            namespaces.add(ns);
            must("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
            must("ip", "link", "set", nsSide, "netns", ns);
            must("ip", "link", "set", hostSide, "master", bridge, "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", PREFIX + k + "." + n + "/24", "dev", nsSide);
            must("ip", "netns", "exec", ns, "ip", "link", "set", nsSide, "up");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            must("ip", "netns", "exec", ns, "ip", "route", "add", "default", "via", hostAddress());
            hosts.put(name, n);
        });
    }

    /** The host's address on the bridge: where the proxies listen. */
    public String hostAddress() {
        return PREFIX + k + ".1";
    }

    /** A second host address on the bridge, for callers running in this JVM (the load generator). */
    public String callerAddress() {
        return PREFIX + k + ".200";
    }

    public String address(String workload) {
        Integer n = hosts.get(workload);
        if (n == null) {
            throw new IllegalArgumentException("no namespace for " + workload);
        }
        return PREFIX + k + "." + n;
    }

    public String namespace(String workload) {
        address(workload);
        return "tvz" + k + "-" + hosts.get(workload);
    }

    public String describe() {
        return "network namespaces on bridge " + bridge + " (" + PREFIX + k + ".0/24): " + hosts.keySet().size()
                + " workloads each in a namespace of its own, callers in this JVM from " + callerAddress();
    }

    /** Deletes the namespaces (and so their veth pairs) and the bridge. Processes in them must be stopped first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String ns : namespaces) {
            run(false, "ip", "netns", "del", ns);
        }
        run(false, "ip", "link", "del", bridge);
        try {
            Files.deleteIfExists(OWNERS.resolve(String.valueOf(k)));
        } catch (IOException e) {
            // best effort
        }
    }

    private static void must(String... command) {
        if (!run(true, command)) {
            throw new IllegalStateException("failed: " + String.join(" ", command));
        }
    }

    private static boolean run(boolean reportOutput, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            if (!ok && reportOutput && !out.isBlank()) {
                System.err.println("[stack] " + String.join(" ", command) + ": " + out.strip());
            }
            return ok;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
