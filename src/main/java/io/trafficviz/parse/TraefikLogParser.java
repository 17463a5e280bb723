package io.trafficviz.parse;

import java.nio.charset.StandardCharsets;

/**
 * Parses Traefik access-log lines ({@code json}, {@code common} or {@code genericCLF}) into {@link AccessLogEntry}s.
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
    private final JsonLineScanner json = new JsonLineScanner();
    /** Created on the first line given as bytes: its caches are not small, and most parsers only ever see Strings. */
    private JsonByteScanner jsonBytes;
    private ClfByteScanner clfBytes;
    private final ValueCaches sharedCaches;
    private ValueCaches ownCaches;
    private final ClfLineParser clf = new ClfLineParser();

    /** A parser that detects the format of each line. */
    public TraefikLogParser() {
        this(InputFormat.AUTO);
    }

    /** A parser that expects every line in {@code format} ({@link InputFormat#AUTO} to detect per line). */
    public TraefikLogParser(InputFormat format) {
        this(format, null);
    }

    private TraefikLogParser(InputFormat format, ValueCaches caches) {
        if (format == null) {
            throw new IllegalArgumentException("format must not be null (use InputFormat.AUTO to detect it)");
        }
        this.format = format;
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
     * A parser for the ingest pipeline: JSON text fields the pipeline does not read are validated but left null (see
     * the list on {@code JsonLineScanner#essentialOnly}), and kept headers are only filled when {@code needHeaders}
     * (a file shared by several proxies is attributed by one). Accepts and rejects exactly the lines
     * {@link #forFormat} does.
     */
    public static TraefikLogParser forPipeline(String configName, boolean needHeaders) {
        return forPipeline(configName, needHeaders, null);
    }

    /**
     * As {@link #forPipeline(String, boolean)}, reading repeated values of lines given as bytes through {@code shared}
     * caches (null: its own); every parser sharing them must be used by the same thread, or under one lock.
     */
    public static TraefikLogParser forPipeline(String configName, boolean needHeaders, ValueCaches shared) {
        TraefikLogParser parser = new TraefikLogParser(InputFormat.fromConfig(configName), shared);
        parser.json.essentialOnly = true;
        parser.json.keepHeaders = needHeaders;
        return parser;
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
     * The allocation-light variant for the hot path: resets {@code into} and fills it from {@code line}. Everything
     * in {@code into}, including its headers map, is overwritten, so copy what you keep. If this throws, the
     * contents of {@code into} are unspecified.
     */
    public void parseInto(String line, AccessLogEntry into) throws MalformedLineException {
        if (line == null) {
            throw new MalformedLineException("null line");
        }
        into.reset();
        int end = line.length();
        int start = 0;
        while (start < end && isBlank(line.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(line.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            throw new MalformedLineException("empty line");
        }
        try {
            InputFormat lineFormat = format;
            if (lineFormat == InputFormat.AUTO && line.charAt(start) == '{') {
                lineFormat = InputFormat.JSON;
            }
            if (lineFormat == InputFormat.JSON) {
                json.scan(line, start, end, into);
            } else {
                clf.parse(line, start, end, lineFormat, into);
            }
        } catch (RuntimeException bug) {
            // Last line of defence: a parser bug must cost one line, not the reader thread. The fuzz tests look for
            // this message, so such bugs do not go unnoticed.
            throw new MalformedLineException("internal parser error (" + bug + ")");
        }
    }

    /**
     * {@link #parseInto(String, AccessLogEntry)} for a line still in its file's bytes, {@code bytes[from, from+length)}
     * as UTF-8: the same entry or the same error. JSON lines in the shape Traefik writes, and CLF lines in plain ASCII
     * without a backslash, are read in place without a String; any other line (escapes, non-ASCII, odd or malformed
     * lines) is decoded and parsed as a String.
     */
    public void parseInto(byte[] bytes, int from, int length, AccessLogEntry into) throws MalformedLineException {
        int start = from;
        int end = from + length;
        while (start < end && isBlank(bytes[start])) {
            start++;
        }
        while (end > start && isBlank(bytes[end - 1])) {
            end--;
        }
        if (start < end) {
            boolean isJson = format == InputFormat.JSON || (format == InputFormat.AUTO && bytes[start] == '{');
            if (isJson && bytes[start] == '{') {
                into.reset();
                if (byteScanner().scan(bytes, start, end, into)) {
                    return;
                }
            } else if (!isJson) {
                into.reset();
                if (clfByteScanner().scan(bytes, from, from + length, start, end, format, into)) {
                    return;
                }
            }
        }
        parseInto(new String(bytes, from, length, StandardCharsets.UTF_8), into);
    }

    private ClfByteScanner clfByteScanner() {
        ClfByteScanner scanner = clfBytes;
        if (scanner == null) {
            scanner = new ClfByteScanner(caches());
            clfBytes = scanner;
        }
        return scanner;
    }

    /** The shared caches, or this parser's own (made once, for both byte scanners of an {@code auto} parser). */
    private ValueCaches caches() {
        if (ownCaches == null) {
            ownCaches = sharedCaches != null ? sharedCaches : new ValueCaches();
        }
        return ownCaches;
    }

    private JsonByteScanner byteScanner() {
        JsonByteScanner scanner = jsonBytes;
        if (scanner == null) {
            scanner = new JsonByteScanner(caches());
            scanner.essentialOnly = json.essentialOnly;
            scanner.keepHeaders = json.keepHeaders;
            jsonBytes = scanner;
        }
        return scanner;
    }

    /** Blanks {@link #isBlank(char)} trims that are one byte in UTF-8 (a byte-order mark is left to the String path). */
    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** Whitespace around a line, including a UTF-8 byte-order mark left at the start of a file. */
    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\uFEFF';
    }
}
