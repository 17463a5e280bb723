package io.trafficviz.source.file;

/**
 * A point-in-time view of one {@link FileTailer}, for the API.
 *
 * @param path      the configured path
 * @param state     what the tailer is doing
 * @param offset    byte offset just past the last line delivered from the current file
 * @param lines     lines delivered since start
 * @param bytes     bytes read since start
 * @param truncated lines cut to the maximum line length
 * @param rotations rotations noticed (rename, delete-and-recreate, truncation)
 * @param lastError the most recent unresolved problem (e.g. permission denied), or null
 */
public record TailerStats(String path, TailerState state, long offset, long lines, long bytes, long truncated,
                          long rotations, String lastError) {
}
