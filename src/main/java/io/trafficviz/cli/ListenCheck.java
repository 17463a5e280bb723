package io.trafficviz.cli;

import io.trafficviz.config.ConfigException;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * Says why the listen address cannot be used, naming the key, before the web server tries it: the web server reports
 * every bind failure (an unknown host, an address of another machine) as "Port already in use", with a stack trace.
 */
final class ListenCheck {
    private ListenCheck() {
    }

    /** Binds {@code host:port} once and lets it go; {@code key} is {@code listen} or {@code --listen}. */
    static void check(String host, int port, String key) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException(key, "cannot resolve host '" + host + "'");
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Jetty binds: a port left in TIME_WAIT is not "in use"
            probe.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw problem(e, host, port, key);
        }
    }

    /** The same explanation for a bind failure the web server met itself (another process won the port meanwhile). */
    static RuntimeException explainStartFailure(RuntimeException failure, String host, int port, String key) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException || cause instanceof UnresolvedAddressException) {
                return problem(cause, host, port, key);
            }
        }
        return failure;
    }

    private static ConfigException problem(Throwable e, String host, int port, String key) {
        if (e instanceof UnresolvedAddressException) {
            return new ConfigException(key, "cannot resolve host '" + host + "'");
        }
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("in use")) {
            return new ConfigException(key, "port " + port + " on " + host + " is already in use by another process");
        }
        if (message.contains("assign requested address") || message.contains("not available")) {
            return new ConfigException(key, host + " is not an address of this machine, so nothing can listen on it "
                    + "(use 127.0.0.1, 0.0.0.0 or one of this machine's addresses)");
        }
        if (message.contains("permission denied") || message.contains("access denied")) {
            return new ConfigException(key, "not allowed to listen on port " + port + " (ports below 1024 need privileges)");
        }
        return new ConfigException(key, "cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
}
