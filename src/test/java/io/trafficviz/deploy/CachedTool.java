package io.trafficviz.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** A tool the build scripts make and cache outside the repo: a system property, an environment variable, the cache. */
final class CachedTool {
    private CachedTool() {
    }

    /** The binary, or null when none is there (the test is then skipped, as the Traefik tests are). */
    static Path find(String property, String environment, String cachePath) {
        for (String candidate : new String[] {System.getProperty(property), System.getenv(environment),
            System.getProperty("user.home") + "/.cache/trafficviz/" + cachePath}) {
            if (candidate != null && !candidate.isBlank() && Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }
}
