package io.trafficviz.config;

/** A configuration problem; the message always starts with the key path, e.g. {@code servers[0].proxies[1].role}. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
