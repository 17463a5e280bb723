package io.trafficviz.parse;

import java.nio.charset.StandardCharsets;

/**
 * Parses Traefik access-log lines ({@code json}, {@code common} or {@code genericCLF}) into {@link AccessLogEntry}s.
 *
 * <p>Lines are read as UTF-8 bytes, in place ({@link #parseInto(byte[], int, int, AccessLogEntry)}); a String is
 * encoded and read the same way. There is one scanner per format: {@link JsonScanner} for JSON, which hands any line
 * outside the shape Traefik writes (escapes or non-ASCII in a kept value, whitespace, nesting, malformed lines) to
 * {@link JsonFallback}, built on Jackson's streaming parser; {@link ClfScanner} for both CLF flavours.
 *
 * <p>In {@link InputFormat#AUTO} the format is decided per line: a line whose first non-blank char is <code>&#123;</code> is
 * JSON, anything else is CLF, and common vs genericCLF is told apart by whether the line ends with Traefik's
 * {@code <duration>ms} tail. Any line that cannot be read fails with a {@link MalformedLineException}, never with
 * another exception.
 *
 * <p>Not thread-safe: an instance reuses scratch buffers between lines. Use one per thread; they are cheap.
 */
public final class TraefikLogParser {
    private final InputFormat format;
    private final KeptFields kept;
    private final ValueCaches sharedCaches;
    /** Created on the first line of their format: an {@code auto} parser may only ever see one. */
    private JsonScanner json;
    private JsonFallback jsonFallback;
    private ClfScanner clf;
    private ValueCaches ownCaches;

    /** A parser that detects the format of each line. */
    public TraefikLogParser() {
        this(InputFormat.AUTO);
    }

    /** A parser that expects every line in {@code format} ({@link InputFormat#AUTO} to detect per line). */
    public TraefikLogParser(InputFormat format) {
        this(format, KeptFields.ALL, null);
    }

    private TraefikLogParser(InputFormat format, KeptFields kept, ValueCaches caches) {
        if (format == null) {
            throw new IllegalArgumentException("format must not be null (use InputFormat.AUTO to detect it)");
        }
        this.format = format;
        this.kept = kept;
        this.sharedCaches = caches;
    }

    /**
     * A parser for a configuration value: {@code auto}, {@code json}, {@code common} or {@code genericCLF}.
     *
     * @throws IllegalArgumentException for any other name, listing the accepted ones
     */
    public static TraefikLogParser forFormat(String configName) {
        return new TraefikLogParser(InputFormat.fromConfig(configName));
    }

    /**
     * A parser that fills only the fields the ingest pipeline reads: the JSON text fields it does not read (ClientAddr,
     * ClientUsername, RequestAddr/Port/Protocol/Scheme, ServiceAddr, entryPointName, TLS*, trace and span ids) are
     * checked but left null, and kept headers are only filled when {@code keepHeaders} (a file shared by several
     * proxies is attributed by one). Accepts and rejects exactly the lines {@link #forFormat} does.
     *
     * @param shared the caches repeated values are read through, shared by a pipeline's parsers, which must then be
     *               used by one thread at a time (or under one lock); null for the parser's own
     */
    public static TraefikLogParser essentialFields(String configName, boolean keepHeaders, ValueCaches shared) {
        return new TraefikLogParser(InputFormat.fromConfig(configName), KeptFields.essential(keepHeaders), shared);
    }

    public InputFormat format() {
        return format;
    }

    /** Parses one line (without its line terminator; trailing whitespace is ignored) into a new entry. */
    public AccessLogEntry parse(String line) throws MalformedLineException {
        AccessLogEntry entry = new AccessLogEntry();
        parseInto(line, entry);
        return entry;
    }

    /**
     * {@link #parseInto(byte[], int, int, AccessLogEntry)} for a line already decoded: it is encoded as UTF-8 and read
     * as bytes (a String holding an unpaired surrogate, which has no UTF-8 form, is read as it is).
     */
    public void parseInto(String line, AccessLogEntry into) throws MalformedLineException {
        if (line == null) {
            throw new MalformedLineException("null line");
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        parse(bytes, 0, bytes.length, line, into);
    }

    /**
     * The allocation-light variant for the hot path: resets {@code into} and fills it from the UTF-8 line
     * {@code bytes[from, from+length)}, without its line terminator (blanks around it are ignored). Everything in
     * {@code into}, including its headers map, is overwritten, so copy what you keep. If this throws, the contents of
     * {@code into} are unspecified.
     */
    public void parseInto(byte[] bytes, int from, int length, AccessLogEntry into) throws MalformedLineException {
        parse(bytes, from, length, null, into);
    }

    /** @param text the String the bytes were encoded from, or null when the bytes are the input */
    private void parse(byte[] bytes, int from, int length, String text, AccessLogEntry into)
            throws MalformedLineException {
        into.reset();
        int start = from;
        int end = from + length;
        while (start < end) {
            if (isBlank(bytes[start])) {
                start++;
            } else if (isByteOrderMark(bytes, start, start, end)) {
                start += 3;
            } else {
                break;
            }
        }
        while (end > start) {
            if (isBlank(bytes[end - 1])) {
                end--;
            } else if (isByteOrderMark(bytes, end - 3, start, end)) {
                end -= 3;
            } else {
                break;
            }
        }
        if (start == end) {
            throw new MalformedLineException("empty line");
        }
        try {
            boolean isJson = format == InputFormat.JSON || (format == InputFormat.AUTO && bytes[start] == '{');
            if (!isJson) {
                clf().scan(bytes, from, from + length, start, end, format, text, into);
                return;
            }
            if (bytes[start] == '{' && json().scan(bytes, start, end, into)
                    && (text == null || encodesExactly(bytes, from, length, text))) {
                return;
            }
            into.reset();
            jsonFallback().scan(text != null ? text : new String(bytes, from, length, StandardCharsets.UTF_8), into);
        } catch (RuntimeException bug) {
            // Last line of defence: a parser bug must cost one line, not the reader thread. The fuzz tests look for
            // this message, so such bugs do not go unnoticed.
            throw new MalformedLineException("internal parser error (" + bug + ")");
        }
    }

    private JsonScanner json() {
        if (json == null) {
            json = new JsonScanner(caches(), kept);
        }
        return json;
    }

    private JsonFallback jsonFallback() {
        if (jsonFallback == null) {
            jsonFallback = new JsonFallback(kept);
        }
        return jsonFallback;
    }

    private ClfScanner clf() {
        if (clf == null) {
            clf = new ClfScanner(caches());
        }
        return clf;
    }

    /** The shared caches, or this parser's own (made once, for both scanners of an {@code auto} parser). */
    private ValueCaches caches() {
        if (ownCaches == null) {
            ownCaches = sharedCaches != null ? sharedCaches : new ValueCaches();
        }
        return ownCaches;
    }

    /**
     * Whether {@code bytes[from, from+length)}, the UTF-8 encoding of {@code text}, says exactly what text does: not
     * when text holds an unpaired surrogate, which has no UTF-8 form ({@code ?} stands in for it); then only text
     * itself says what the line is. Decoded text never holds one; a String may.
     */
    static boolean encodesExactly(byte[] bytes, int from, int length, String text) {
        if (length == text.length()) {
            // Every char one byte: all ASCII (then the String is Latin-1 too, and equal), or some were surrogates.
            return new String(bytes, from, length, StandardCharsets.ISO_8859_1).equals(text);
        }
        return new String(bytes, from, length, StandardCharsets.UTF_8).equals(text);
    }

    /** The blanks trimmed around a line that are one byte in UTF-8 (a String's are trimmed by the same rule). */
    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** U+FEFF in UTF-8 at {@code bytes[at, at+3)} within {@code [start, end)}: trimmed as a blank, as in a String. */
    private static boolean isByteOrderMark(byte[] bytes, int at, int start, int end) {
        return at >= start && at + 3 <= end && bytes[at] == (byte) 0xEF && bytes[at + 1] == (byte) 0xBB
                && bytes[at + 2] == (byte) 0xBF;
    }
}
