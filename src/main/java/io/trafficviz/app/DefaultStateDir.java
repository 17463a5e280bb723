package io.trafficviz.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where read offsets are kept when the config names no {@code stateDir}: {@code $XDG_STATE_HOME/trafficviz}, else
 * {@code ~/.local/state/trafficviz} (the container image sets {@code XDG_STATE_HOME=/var/lib}, so
 * {@code /var/lib/trafficviz}). Without a store a crash or restart loses every line written while trafficviz was down.
 */
final class DefaultStateDir {
    private DefaultStateDir() {
    }

    /** The directory, from the environment given (normally {@link System#getenv()}). */
    static Path of(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_STATE_HOME");
        // The XDG spec ignores a relative value: a state file must not depend on the working directory.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "trafficviz");
        }
        return Path.of(userHome, ".local", "state", "trafficviz");
    }

    /**
     * The store's file name in the default directory: one per set of tailed files, so two instances following
     * different logs from the same account never write each other's store.
     */
    static String offsetsFileName(Collection<String> tailedPaths) {
        return "offsets-" + digest(tailedPaths) + ".json";
    }

    /** The request store's file name in the default directory, per set of tailed files as the offsets'. */
    static String historyFileName(Collection<String> tailedPaths) {
        return "history-" + digest(tailedPaths) + ".duckdb";
    }

    private static String digest(Collection<String> tailedPaths) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String path : new TreeSet<>(tailedPaths)) {
                sha.update(path.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
