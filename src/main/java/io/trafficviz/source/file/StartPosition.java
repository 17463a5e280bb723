package io.trafficviz.source.file;

/** Where to start reading a file that already exists the first time it is seen (and has no stored offset). */
public enum StartPosition {
    /** Read the whole existing content. */
    BEGINNING,
    /** Skip the existing content and deliver only lines written from now on. */
    END
}
