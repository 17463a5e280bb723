package io.trafficviz.parse;

/** A line that is not a Traefik access-log line in any format we know; the message says what was wrong. */
public final class MalformedLineException extends Exception {
    public MalformedLineException(String message) {
        super(message, null, false, false);
    }
}
