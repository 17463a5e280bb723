package io.trafficviz.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks the files and directories a configuration names before anything starts, so that a path that can never work
 * stops the start with its key named (exit 2) instead of a stack trace from whichever thread opens it first, or a
 * tailer that waits forever for a directory to become a file. A path that does not exist yet is fine where it may
 * appear later (an access log Traefik has not written yet).
 */
public final class ConfigPaths {
    private ConfigPaths() {
    }

    /** Every proxy's {@code accessLog} and {@code dynamicConfig}. */
    public static void checkSources(TrafficvizConfig config) {
        for (int i = 0; i < config.servers().size(); i++) {
            ServerConfig server = config.servers().get(i);
            for (int j = 0; j < server.proxies().size(); j++) {
                ProxyConfig proxy = server.proxies().get(j);
                String key = "servers[" + i + "].proxies[" + j + "].";
                if (proxy.accessLog() != null) {
                    checkAccessLog(Path.of(proxy.accessLog()), key + "accessLog");
                }
                if (proxy.dynamicConfig() != null) {
                    checkReadable(Path.of(proxy.dynamicConfig()), key + "dynamicConfig");
                }
            }
        }
    }

    /** For a replay: every {@code accessLog} must be there now, as a file that can be read from its beginning. */
    public static void checkReplayable(TrafficvizConfig config) {
        boolean any = false;
        for (int i = 0; i < config.servers().size(); i++) {
            ServerConfig server = config.servers().get(i);
            for (int j = 0; j < server.proxies().size(); j++) {
                ProxyConfig proxy = server.proxies().get(j);
                if (proxy.accessLog() == null) {
                    continue;
                }
                any = true;
                Path file = Path.of(proxy.accessLog());
                String key = "servers[" + i + "].proxies[" + j + "].accessLog";
                checkAccessLog(file, key);
                if (!Files.exists(file)) {
                    throw new ConfigException(key, file + " does not exist; a replay reads files that are already there");
                }
            }
        }
        if (!any) {
            throw new ConfigException("servers", "no proxy has an accessLog, so there is nothing to replay");
        }
    }

    /** Creates {@code stateDir} if it is missing and checks that offsets can be written there. */
    public static void prepareStateDir(Path stateDir) {
        if (stateDir == null) {
            return;
        }
        if (Files.exists(stateDir) && !Files.isDirectory(stateDir)) {
            throw new ConfigException("stateDir", stateDir + " is a file, not a directory");
        }
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new ConfigException("stateDir", "cannot create directory " + stateDir + ": " + reason(e));
        }
        if (!Files.isWritable(stateDir)) {
            throw new ConfigException("stateDir", "directory " + stateDir + " is not writable");
        }
    }

    private static void checkAccessLog(Path file, String key) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(key, file + " is a directory; expected the access-log file Traefik writes");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // No offset to resume from, no rotation to follow; reading one blocks or never ends.
            throw new ConfigException(key, "must be a regular file, but " + file + " is " + describeSpecialFile(file)
                    + " (trafficviz tails files; to feed it a stream, POST the lines to /ingest instead)");
        }
        checkReadable(file, key);
    }

    private static String describeSpecialFile(Path path) {
        try {
            int type = (Integer) Files.getAttribute(path, "unix:mode") & 0170000;
            return switch (type) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "not a regular file";
        }
    }

    private static void checkReadable(Path path, String key) {
        if (Files.exists(path)) {
            if (!Files.isReadable(path)) {
                throw new ConfigException(key, "cannot read " + path + ": permission denied");
            }
            return;
        }
        // Missing: fine if it can still appear, not if an ancestor is a file (it never can).
        for (Path parent = path.toAbsolutePath().getParent(); parent != null; parent = parent.getParent()) {
            if (Files.exists(parent)) {
                if (!Files.isDirectory(parent)) {
                    throw new ConfigException(key, path + " can never exist: " + parent + " is a file, not a directory");
                }
                return;
            }
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException already) {
            return already.getFile() + " is a file, not a directory";
        }
        if (e instanceof FileSystemException fs) {
            return fs.getReason() != null ? fs.getReason() : "the filesystem refused to create " + fs.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
