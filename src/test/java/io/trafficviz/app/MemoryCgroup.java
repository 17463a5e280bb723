package io.trafficviz.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A memory cgroup of its own for a process about to start, as {@code docker run -m} or systemd's {@code MemoryMax=}
 * give one: the limit is enforced by the kernel (reclaim, then the OOM killer) and the JVM reads it at startup, so
 * the process must start inside the group, which {@link #launcher()} does. cgroup v2 ({@code memory.max},
 * {@code memory.peak}, {@code memory.events}) where the unified hierarchy has the memory controller, else v1
 * ({@code memory.limit_in_bytes}, {@code memory.max_usage_in_bytes}, {@code memory.failcnt},
 * {@code memory.oom_control}). Creating a group needs root: without it {@link #create} says why and the group is
 * {@link #enforced() not enforced}, so callers fall back to watching the process's RSS.
 */
public final class MemoryCgroup implements AutoCloseable {
    private final Path dir;
    private final int version;
    private final long limitBytes;
    private final String unavailable;

    private MemoryCgroup(Path dir, int version, long limitBytes, String unavailable) {
        this.dir = dir;
        this.version = version;
        this.limitBytes = limitBytes;
        this.unavailable = unavailable;
    }

    /** A new group {@code name} limited to {@code limitBytes}, or an unenforced stand-in saying why there is none. */
    public static MemoryCgroup create(String name, long limitBytes) {
        String v2Problem;
        try {
            Optional<Path> v2 = mountPoint("cgroup2", null);
            if (v2.isPresent() && read(v2.get().resolve("cgroup.controllers")).contains("memory")) {
                return createV2(v2.get(), name, limitBytes);
            }
            v2Problem = v2.isPresent() ? "the cgroup v2 hierarchy at " + v2.get() + " has no memory controller"
                    : "no cgroup v2 hierarchy";
        } catch (IOException | RuntimeException e) {
            v2Problem = "cgroup v2: " + e;
        }
        try {
            Optional<Path> v1 = mountPoint("cgroup", "memory");
            if (v1.isEmpty()) {
                return new MemoryCgroup(null, 0, limitBytes, v2Problem + ", and no cgroup v1 memory hierarchy");
            }
            Path dir = v1.get().resolve(name);
            Files.createDirectory(dir);
            try {
                Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
                // Without swap the limit is the whole story; with it, memsw caps memory + swap at the same figure.
                Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
                if (Files.exists(memsw)) {
                    Files.writeString(memsw, Long.toString(limitBytes));
                }
            } catch (IOException e) {
                Files.deleteIfExists(dir);
                throw e;
            }
            return new MemoryCgroup(dir, 1, limitBytes, null);
        } catch (IOException | RuntimeException e) {
            return new MemoryCgroup(null, 0, limitBytes, v2Problem + "; cgroup v1: cannot create a memory group ("
                    + e.getClass().getSimpleName() + " " + e.getMessage() + "; creating one needs root)");
        }
    }

    private static MemoryCgroup createV2(Path root, String name, long limitBytes) throws IOException {
        Path subtree = root.resolve("cgroup.subtree_control");
        if (!read(subtree).contains("memory")) {
            Files.writeString(subtree, "+memory");
        }
        Path dir = root.resolve(name);
        Files.createDirectory(dir);
        try {
            Files.writeString(dir.resolve("memory.max"), Long.toString(limitBytes));
            Path swap = dir.resolve("memory.swap.max");
            if (Files.exists(swap)) {
                Files.writeString(swap, "0");
            }
        } catch (IOException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
        return new MemoryCgroup(dir, 2, limitBytes, null);
    }

    /** Where a cgroup file system of {@code type} is mounted ({@code /proc/self/mountinfo}), with that controller. */
    private static Optional<Path> mountPoint(String type, String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] halves = line.split(" - ", 2);
            if (halves.length < 2) {
                continue;
            }
            String[] fields = halves[0].split(" ");
            String[] after = halves[1].split(" ");
            if (after[0].equals(type) && (controller == null
                    || List.of(after[after.length - 1].split(",")).contains(controller))) {
                return Optional.of(Path.of(fields[4]));
            }
        }
        return Optional.empty();
    }

    /** Whether the kernel enforces the limit; when not, {@link #unavailable()} says why. */
    public boolean enforced() {
        return dir != null;
    }

    public String unavailable() {
        return unavailable;
    }

    public long limitBytes() {
        return limitBytes;
    }

    /** E.g. "cgroup v1 /sys/fs/cgroup/memory/x, memory.limit_in_bytes 268435456". */
    public String describe() {
        if (!enforced()) {
            return "no memory cgroup (" + unavailable + ")";
        }
        return "cgroup v" + version + " " + dir + ", " + (version == 2 ? "memory.max " : "memory.limit_in_bytes ")
                + limitBytes;
    }

    /**
     * The command prefix that starts a program inside the group: a shell moves itself in, then execs the program
     * (same pid), so the JVM sees the limit from its first instruction. Empty when the group is not enforced.
     */
    public List<String> launcher() {
        if (!enforced()) {
            return List.of();
        }
        return List.of("/bin/sh", "-c", "echo $$ > '" + dir.resolve("cgroup.procs") + "' && exec \"$@\"", "sh");
    }

    /** Memory charged to the group now (anonymous memory, page cache, kernel memory). */
    public long currentBytes() {
        return number(version == 2 ? "memory.current" : "memory.usage_in_bytes");
    }

    /** The most memory ever charged to the group, or -1 where the kernel does not keep it (v2 before Linux 5.19). */
    public long peakBytes() {
        if (version == 2) {
            return Files.exists(dir.resolve("memory.peak")) ? number("memory.peak") : -1;
        }
        return number("memory.max_usage_in_bytes");
    }

    /** How often the group hit its limit (and the kernel had to reclaim): v1 memory.failcnt, v2 memory.events max. */
    public long limitHits() {
        return version == 2 ? event("max") : number("memory.failcnt");
    }

    /** Processes of the group the OOM killer ended: v2 memory.events oom_kill, v1 memory.oom_control oom_kill. */
    public long oomKills() {
        if (version == 2) {
            return event("oom_kill");
        }
        return field("memory.oom_control", "oom_kill");
    }

    private long event(String name) {
        return field("memory.events", name);
    }

    private long field(String file, String name) {
        if (!enforced()) {
            return 0;
        }
        for (String line : read(dir.resolve(file)).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(name)) {
                return Long.parseLong(parts[1]);
            }
        }
        return 0;
    }

    private long number(String file) {
        if (!enforced()) {
            return 0;
        }
        return Long.parseLong(read(dir.resolve(file)).trim());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Removes the group once its processes are gone (the kernel refuses while any is left), waiting up to 10 s. */
    @Override
    public void close() throws InterruptedException {
        if (!enforced()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException busy) {
                if (System.nanoTime() > deadline) {
                    System.err.println("could not remove " + dir + ": " + busy.getMessage());
                    return;
                }
                Thread.sleep(100);
            }
        }
    }
}
