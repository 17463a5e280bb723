package io.trafficviz.source;

/**
 * A raw access-log line as a source delivered it, tagged with where it came from.
 *
 * @param origin the source that read it (a file path, or {@code push:server/proxy})
 * @param server the configured server name the line belongs to
 * @param proxy  the configured proxy name, or null when the source is shared and the proxy is worked out per line
 * @param text   the line without its line terminator
 */
public record LogLine(String origin, String server, String proxy, String text) {
}
