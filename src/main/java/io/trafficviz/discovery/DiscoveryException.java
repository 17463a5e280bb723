package io.trafficviz.discovery;

/**
 * Discovery could not get an inventory from a source. The message names the source (a URL without its password,
 * or a file path) and what went wrong, so it can be shown to a user as it is.
 */
public final class DiscoveryException extends Exception {
    public DiscoveryException(String message) {
        super(message);
    }

    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
