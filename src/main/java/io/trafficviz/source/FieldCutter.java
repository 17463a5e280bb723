package io.trafficviz.source;

import java.nio.charset.StandardCharsets;

/**
 * Shortens every quoted value of an over-long line to {@code maxFieldBytes} while its bytes stream past, so the line
 * stays well-formed and its other fields (caller, router, status) survive however many of its fields are long.
 *
 * <p>A cut value keeps its first bytes, up to a whole character and never inside an escape, and ends in
 * {@code …[cut-N-bytes]} (N counting the bytes left out) before its closing quote; without spaces, as
 * the path in CLF's request line ends at a space. A line starting with {@code {} is
 * JSON: a value ends at a quote not escaped by a backslash. Any other line is taken for CLF, where Traefik 3.6 does not
 * escape quotes inside values: there a value ends at a quote followed by a space or the end of the line.
 */
final class FieldCutter {
    /** What a cut value ends with, before the count of the bytes left out: {@code …[cut-N-bytes]}. */
    static final String MARK_PREFIX = "…[cut-";
    private static final byte[] MARK_START = MARK_PREFIX.getBytes(StandardCharsets.UTF_8);
    private static final byte[] MARK_END = "-bytes]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUOTE = {'"'};
    private static final byte[] SPACE = {' '};

    /** Receives the kept bytes, in order. */
    interface Sink {
        void accept(byte[] bytes, int from, int length);
    }

    private final int maxFieldBytes;
    private boolean started;
    private boolean json;
    private boolean inValue;
    /** Bytes of the current value kept so far. */
    private int valueBytes;
    /** JSON: the previous byte began an escape; the next one is its letter. */
    private boolean escapeLetter;
    /** JSON: hex digits of a {@code \\uXXXX} escape still to come. */
    private int escapeDigits;
    /** CLF: the previous byte was a quote inside a value; the next byte says whether it closed the value. */
    private boolean quoteSeen;
    private byte previous;
    private boolean skipping;
    private long skipped;
    /** CLF: quoted values opened so far on the line; the first is the request line, whose protocol must survive. */
    private int clfValues;
    /** CLF: the skipped bytes after the last space, so a cut request line keeps its protocol ({@code HTTP/1.1}). */
    private final byte[] lastWord = new byte[16];
    private int lastWordLength = -1;

    FieldCutter(int maxFieldBytes) {
        this.maxFieldBytes = maxFieldBytes;
    }

    /** Starts a new line. */
    void reset() {
        started = false;
        inValue = false;
        escapeLetter = false;
        escapeDigits = 0;
        quoteSeen = false;
        previous = 0;
        skipping = false;
        skipped = 0;
        clfValues = 0;
    }

    /** Passes {@code buf[from, from+length)} of the current line to the sink, long values cut. */
    void filter(byte[] buf, int from, int length, Sink sink) {
        int end = from + length;
        if (!started && length > 0) {
            started = true;
            json = buf[from] == '{';
        }
        int run = from;
        for (int i = from; i < end; i++) {
            byte b = buf[i];
            if (!inValue) {
                if (b == '"') {
                    inValue = true;
                    valueBytes = 0;
                    clfValues++;
                }
            } else if (skipping) {
                if (json ? skipJson(b) : skipClf(b)) {
                    writeMark(sink);
                    run = i;
                    if (!json) {
                        // The byte after the closing quote is outside the value: look at it again there.
                        i--;
                        continue;
                    }
                } else {
                    skipped++;
                }
            } else if (json) {
                if (escapeLetter) {
                    escapeLetter = false;
                    escapeDigits = b == 'u' ? 4 : 0;
                } else if (escapeDigits > 0) {
                    escapeDigits--;
                } else if (b == '\\' && valueBytes < maxFieldBytes) {
                    // At the bound, a backslash is where the cut starts (below), not an escape to keep.
                    escapeLetter = true;
                } else if (b == '"') {
                    inValue = false;
                } else if (valueBytes >= maxFieldBytes && isLead(b)) {
                    sink.accept(buf, run, i - run);
                    startSkipping(b);
                    continue;
                }
                valueBytes++;
            } else {
                if (quoteSeen) {
                    quoteSeen = false;
                    if (b == ' ') {
                        inValue = false;
                        previous = b;
                        continue;
                    }
                }
                if (b == '"') {
                    quoteSeen = true;
                } else if (valueBytes >= maxFieldBytes && isLead(b) && previous != '\\') {
                    sink.accept(buf, run, i - run);
                    startSkipping(b);
                    continue;
                }
                valueBytes++;
            }
            previous = b;
        }
        if (!skipping && end > run) {
            sink.accept(buf, run, end - run);
        }
    }

    /** Ends the line: a value still being skipped (the line ended inside it) gets its mark. */
    void finish(Sink sink) {
        if (skipping) {
            boolean closed = quoteSeen;
            writeMarkOnly(sink);
            if (closed) {
                sink.accept(QUOTE, 0, 1);
            }
        }
    }

    private void startSkipping(byte b) {
        skipping = true;
        skipped = 0;
        quoteSeen = false;
        if (json) {
            skipJson(b);
        }
        skipped = 1;
        lastWordLength = b == ' ' ? 0 : -1;
        previous = b;
    }

    /** Whether {@code b} ends the skipped JSON value: an unescaped quote. */
    private boolean skipJson(byte b) {
        if (escapeLetter) {
            escapeLetter = false;
            return false;
        }
        if (b == '\\') {
            escapeLetter = true;
            return false;
        }
        return b == '"';
    }

    /** Whether the skipped CLF value ended just before {@code b}: the previous byte was a quote and this is a space. */
    private boolean skipClf(byte b) {
        if (quoteSeen) {
            quoteSeen = false;
            if (b == ' ') {
                return true;
            }
            skipped++;
        }
        if (b == '"') {
            quoteSeen = true;
            skipped--;
        } else if (b == ' ') {
            lastWordLength = 0;
        } else if (lastWordLength >= 0 && lastWordLength < lastWord.length) {
            lastWord[lastWordLength++] = b;
        } else {
            lastWordLength = -1;
        }
        return false;
    }

    private void writeMark(Sink sink) {
        boolean keepProtocol = !json && clfValues == 1 && lastWordLength > 0;
        if (keepProtocol) {
            skipped -= lastWordLength + 1;
        }
        writeMarkOnly(sink);
        inValue = false;
        if (keepProtocol) {
            sink.accept(SPACE, 0, 1);
            sink.accept(lastWord, 0, lastWordLength);
        }
        if (!json) {
            // In JSON the closing quote is the current byte, kept by the next run; in CLF it was held back.
            sink.accept(QUOTE, 0, 1);
        }
    }

    private void writeMarkOnly(Sink sink) {
        skipping = false;
        quoteSeen = false;
        sink.accept(MARK_START, 0, MARK_START.length);
        byte[] count = Long.toString(skipped).getBytes(StandardCharsets.US_ASCII);
        sink.accept(count, 0, count.length);
        sink.accept(MARK_END, 0, MARK_END.length);
    }

    private static boolean isLead(byte b) {
        return (b & 0xC0) != 0x80;
    }
}
