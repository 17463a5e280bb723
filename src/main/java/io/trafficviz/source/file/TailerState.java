package io.trafficviz.source.file;

/** What a {@link FileTailer} is doing. */
public enum TailerState {
    /** No readable file at the path (not created yet, rotated away, or an error such as permission denied). */
    WAITING_FOR_FILE,
    /** Following the file at the path. */
    TAILING,
    /** Not started, or closed. */
    STOPPED
}
