/**
 * Traefik access-log lines to {@link io.trafficviz.parse.AccessLogEntry}s, through one door:
 * {@link io.trafficviz.parse.TraefikLogParser}, which reads a line's UTF-8 bytes in place (a String is encoded and
 * read the same way) and fails only with {@link io.trafficviz.parse.MalformedLineException}.
 *
 * <p>One scanner per format. JSON: {@code JsonScanner} reads the shape Traefik writes straight from the bytes (keys
 * predicted from the previous line, skipped values searched eight bytes at a time, repeated values from
 * {@link io.trafficviz.parse.ValueCaches}); a line outside that shape (escapes or non-ASCII in a kept value, whitespace,
 * nesting, a malformed line) goes to {@code JsonFallback}, Jackson's streaming parser filling the same fields by the
 * same rules and wording every rejection. CLF ({@code common} and {@code genericCLF}): {@code ClfScanner} reads every
 * line from its bytes, a line that is not plain ASCII from its decoded text.
 * {@link io.trafficviz.parse.TraefikLogParser#essentialFields} copies out only what the ingest pipeline reads.
 */
package io.trafficviz.parse;
