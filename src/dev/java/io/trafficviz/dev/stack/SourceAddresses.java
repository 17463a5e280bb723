package io.trafficviz.dev.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gives each workload of the stack an address of its own on this machine, so that a proxy's access log
 * ({@code ClientAddr}) tells the callers apart, as container addresses do under Docker. Chosen in this order:
 *
 * <ol>
 *   <li>{@link Mode#LOOPBACK_RANGE}: every wanted 127.0.0.x can already be bound (Linux routes all of 127.0.0.0/8 to
 *       {@code lo}), nothing to set up;</li>
 *   <li>{@link Mode#LOOPBACK_ALIASES}: as root with {@code ip}, the missing ones are added to {@code lo} and removed
 *       again on {@link #close()};</li>
 *   <li>{@link Mode#SHARED_LOOPBACK}: everyone uses 127.0.0.1; the stack still runs but callers cannot be told apart.</li>
 * </ol>
 * Network namespaces with veth pairs are not used: loopback addresses are enough on Linux.
 */
public final class SourceAddresses implements AutoCloseable {
    public enum Mode { LOOPBACK_RANGE, LOOPBACK_ALIASES, SHARED_LOOPBACK }

    private final Mode mode;
    private final Map<String, InetAddress> addresses;
    private final List<String> added;

    private SourceAddresses(Mode mode, Map<String, InetAddress> addresses, List<String> added) {
        this.mode = mode;
        this.addresses = addresses;
        this.added = new ArrayList<>(added);
    }

    /** @param wanted IPv4 loopback literals, e.g. {@code 127.0.0.11} */
    public static SourceAddresses choose(List<String> wanted) {
        List<String> missing = new ArrayList<>();
        for (String a : wanted) {
            if (!bindable(a)) {
                missing.add(a);
            }
        }
        if (missing.isEmpty()) {
            return new SourceAddresses(Mode.LOOPBACK_RANGE, resolveAll(wanted), List.of());
        }
        List<String> added = new ArrayList<>();
        if (canUseIp()) {
            for (String a : missing) {
                if (run("ip", "addr", "add", a + "/32", "dev", "lo") && bindable(a)) {
                    added.add(a);
                }
            }
            if (added.size() == missing.size()) {
                return new SourceAddresses(Mode.LOOPBACK_ALIASES, resolveAll(wanted), added);
            }
            added.forEach(a -> run("ip", "addr", "del", a + "/32", "dev", "lo"));
        }
        Map<String, InetAddress> shared = new LinkedHashMap<>();
        InetAddress lo = literal("127.0.0.1");
        wanted.forEach(a -> shared.put(a, lo));
        return new SourceAddresses(Mode.SHARED_LOOPBACK, shared, List.of());
    }

    public Mode mode() {
        return mode;
    }

    /** The address to use for a wanted one (itself, except in {@link Mode#SHARED_LOOPBACK}). */
    public InetAddress address(String wanted) {
        InetAddress a = addresses.get(wanted);
        if (a == null) {
            throw new IllegalArgumentException("address not prepared: " + wanted);
        }
        return a;
    }

    public String describe() {
        return switch (mode) {
            case LOOPBACK_RANGE -> "distinct loopback addresses (127.0.0.0/8 is all local here; nothing to set up)";
            case LOOPBACK_ALIASES -> "distinct loopback addresses, added to lo as aliases: " + added;
            case SHARED_LOOPBACK -> "one shared address 127.0.0.1 (could not bind other 127.0.0.x addresses): callers "
                    + "cannot be told apart in the access logs";
        };
    }

    @Override
    public synchronized void close() {
        added.forEach(a -> run("ip", "addr", "del", a + "/32", "dev", "lo"));
        added.clear();
    }

    static boolean bindable(String address) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(literal(address), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean canUseIp() {
        return "root".equals(System.getProperty("user.name"))
                && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")));
    }

    private static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, InetAddress> resolveAll(List<String> wanted) {
        Map<String, InetAddress> m = new LinkedHashMap<>();
        wanted.forEach(a -> m.put(a, literal(a)));
        return m;
    }

    static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + address, e);
        }
    }
}
