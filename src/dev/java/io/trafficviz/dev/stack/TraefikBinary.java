package io.trafficviz.dev.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the Traefik binary: the {@code TRAEFIK_BIN} environment variable, else the {@code trafficviz.traefik} system
 * property, else the cache {@code scripts/build-traefik.sh} fills ({@code $TRAEFIK_CACHE} or
 * {@code ~/.cache/trafficviz/traefik}, then {@code v3.6.12/traefik}).
 */
public final class TraefikBinary {
    public static final String PINNED_VERSION = "v3.6.12";
    public static final String ENV = "TRAEFIK_BIN";
    public static final String PROPERTY = "trafficviz.traefik";

    private TraefikBinary() {
    }

    public static Optional<Path> locate() {
        return locate(null);
    }

    /** @param explicit a path given on the command line, which wins when not null */
    public static Optional<Path> locate(Path explicit) {
        if (explicit != null) {
            return Optional.of(explicit).filter(Files::isExecutable);
        }
        for (String candidate : new String[]{System.getenv(ENV), System.getProperty(PROPERTY)}) {
            if (candidate != null && !candidate.isBlank()) {
                Path p = Path.of(candidate.trim());
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.of(cachePath()).filter(Files::isExecutable);
    }

    /** Where the build script caches the pinned version. */
    public static Path cachePath() {
        String root = System.getenv("TRAEFIK_CACHE");
        Path base = root != null && !root.isBlank() ? Path.of(root)
                : Path.of(System.getProperty("user.home"), ".cache", "trafficviz", "traefik");
        return base.resolve(PINNED_VERSION).resolve("traefik");
    }

    /** A message for when nothing was found. */
    public static String notFoundMessage() {
        return "no Traefik binary: set " + ENV + ", -D" + PROPERTY + "=PATH or --traefik PATH, or run"
                + " scripts/build-traefik.sh (it caches one at " + cachePath() + ")";
    }
}
