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
 * @param rotationLosses rotations that destroyed lines before they could be read: a copytruncate whose copy was not
 *                       found (or no longer held the unread rest), or a rotated file deleted before it was opened
 */
public record TailerStats(String path, TailerState state, long offset, long lines, long bytes, long truncated,
                          long rotations, String lastError, long rotationLosses) {
}
