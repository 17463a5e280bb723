package io.trafficviz;

import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The two logging variables logback.xml reads, checked before the first logger is made (see logback.xml). */
final class LogSettings {
    static final String FORMAT = "TRAFFICVIZ_LOG_FORMAT";
    static final String LEVEL = "TRAFFICVIZ_LOG_LEVEL";
    private static final Set<String> FORMATS = Set.of("text", "json");
    private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    private LogSettings() {
    }

    /** What is wrong with the variables, in one line, or null when they are unset or valid. */
    static String problem(UnaryOperator<String> environment) {
        String format = environment.apply(FORMAT);
        if (format != null && !FORMATS.contains(format)) {
            return FORMAT + " must be text or json (was '" + format + "')";
        }
        String level = environment.apply(LEVEL);
        if (level != null && !level.isEmpty() && !LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
            return LEVEL + " must be one of error, warn, info, debug, trace (was '" + level + "')";
        }
        return null;
    }
}
