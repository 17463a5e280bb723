package io.trafficviz.dev.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads a Traefik JSON access log as the test's ground truth of what crossed a proxy. */
final class AccessLogs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AccessLogs() {
    }

    static List<JsonNode> read(Path log) {
        List<JsonNode> out = new ArrayList<>();
        try {
            if (!Files.exists(log)) {
                return out;
            }
            for (String line : Files.readAllLines(log)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static long count(Path log, Predicate<JsonNode> p) {
        return read(log).stream().filter(p).count();
    }

    static Predicate<JsonNode> from(String clientHost) {
        return n -> clientHost.equals(n.path("ClientHost").asText());
    }

    static Predicate<JsonNode> router(String router) {
        return n -> router.equals(n.path("RouterName").asText(null));
    }

    static Predicate<JsonNode> status(int status) {
        return n -> n.path("DownstreamStatus").asInt() == status;
    }

    /** Waits until the log has {@code lines} lines: Traefik writes a line just after the response is sent. */
    static void awaitLines(Path log, long lines, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long have = 0;
        while (System.currentTimeMillis() < deadline) {
            have = read(log).size();
            if (have >= lines) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError(log + ": expected " + lines + " lines, have " + have);
    }
}
