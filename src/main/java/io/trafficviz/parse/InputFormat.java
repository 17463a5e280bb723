package io.trafficviz.parse;

import java.util.Locale;

/** Which access-log format a {@link TraefikLogParser} expects; named as in Traefik's {@code accessLog.format}. */
public enum InputFormat {
    /** Decide per line: JSON if it starts with <code>&#123;</code>, otherwise common or genericCLF by its trailing fields. */
    AUTO("auto"),
    JSON("json"),
    COMMON("common"),
    GENERIC_CLF("genericCLF");

    private final String configName;

    InputFormat(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration, e.g. {@code genericCLF}. */
    public String configName() {
        return configName;
    }

    /**
     * Parses a configuration value ({@code auto}, {@code json}, {@code common}, {@code genericCLF}; case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values, for anything else (including null)
     */
    public static InputFormat fromConfig(String name) {
        if (name != null) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            for (InputFormat format : values()) {
                if (format.configName.toLowerCase(Locale.ROOT).equals(wanted)) {
                    return format;
                }
            }
        }
        throw new IllegalArgumentException("unknown access-log format " + (name == null ? "null" : "\"" + name + "\"")
                + " (expected one of: auto, json, common, genericCLF)");
    }

    @Override
    public String toString() {
        return configName;
    }
}
