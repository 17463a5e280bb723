package io.trafficviz.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code history:} section: the store of every request (README, "History"; docs/adr/0006).
 *
 * @param enabled         whether requests are kept at all ({@code serve} and {@code import}; {@code replay} only with
 *                        {@code --history})
 * @param path            the store's file, or null for {@code history.duckdb} in the state directory
 * @param retentionMillis requests older than this are dropped, oldest first
 * @param maxBytes        past this size on disk the oldest hours are dropped until the store fits again
 */
public record HistoryConfig(boolean enabled, Path path, long retentionMillis, long maxBytes) {
    public static final long DEFAULT_RETENTION_MILLIS = 7L * 24 * 60 * 60 * 1000;
    public static final long DEFAULT_MAX_BYTES = 2L * 1000 * 1000 * 1000;
    /** Below this a store holds too little to be worth the file (DuckDB's own blocks are 256 KiB each). */
    static final long MIN_MAX_BYTES = 16L * 1024 * 1024;
    public static final HistoryConfig DEFAULTS = new HistoryConfig(true, null, DEFAULT_RETENTION_MILLIS,
            DEFAULT_MAX_BYTES);

    private static final Set<String> KEYS = Set.of("enabled", "path", "retention", "maxBytes");
    private static final Pattern RETENTION = Pattern.compile("0*(\\d{1,6})(m|h|d)");
    private static final Pattern SIZE = Pattern.compile("0*(\\d{1,9})\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?",
            Pattern.CASE_INSENSITIVE);

    /** The section as {@link ConfigLoader} finds it: missing (defaults) or a map; a relative path is under baseDir. */
    static HistoryConfig parse(JsonNode node, Path baseDir) {
        if (node.isMissingNode() || node.isNull()) {
            return DEFAULTS;
        }
        ConfigLoader.requireObject(node, "history");
        ConfigLoader.rejectUnknown(node, "history.", KEYS);
        boolean enabled = ConfigLoader.bool(node, "enabled", "history.", true);
        String pathText = ConfigLoader.text(node, "path", "history.", null);
        Path path = pathText == null ? null : baseDir.resolve(ConfigLoader.expandHome(pathText));
        String retentionText = ConfigLoader.text(node, "retention", "history.", null);
        long retention = retentionText == null ? DEFAULT_RETENTION_MILLIS : retention(retentionText);
        JsonNode max = node.path("maxBytes");
        long maxBytes = max.isMissingNode() || max.isNull() ? DEFAULT_MAX_BYTES : size(max.asText().trim());
        return new HistoryConfig(enabled, path, retention, maxBytes);
    }

    private static long retention(String text) {
        Matcher m = RETENTION.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new ConfigException("history.retention", "must be a duration like 90m, 36h or 7d (was '" + text
                    + "')");
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
        if (n * unit < 3_600_000L) {
            throw new ConfigException("history.retention", "must be at least 1h (was '" + text + "')");
        }
        return n * unit;
    }

    private static long size(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new ConfigException("history.maxBytes", "must be a size like 500MB or 2GB (was '" + text + "')");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long factor = switch (unit) {
            case "KB" -> 1000L;
            case "MB" -> 1000L * 1000;
            case "GB" -> 1000L * 1000 * 1000;
            case "TB" -> 1000L * 1000 * 1000 * 1000;
            case "KIB" -> 1024L;
            case "MIB" -> 1024L * 1024;
            case "GIB" -> 1024L * 1024 * 1024;
            case "TIB" -> 1024L * 1024 * 1024 * 1024;
            default -> 1L;
        };
        long bytes = n * factor;
        if (bytes < MIN_MAX_BYTES) {
            throw new ConfigException("history.maxBytes", "must be at least 16MiB (was '" + text + "')");
        }
        return bytes;
    }

    /** The store's file: {@code path}, else {@code history.duckdb} in {@code stateDir}. */
    public Path fileIn(Path stateDir) {
        return path != null ? path : stateDir.resolve("history.duckdb");
    }
}
