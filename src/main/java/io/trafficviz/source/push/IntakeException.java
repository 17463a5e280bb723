package io.trafficviz.source.push;

/** A request the intake refuses, with the HTTP status and the message to answer with. */
final class IntakeException extends Exception {
    private final int status;

    IntakeException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
