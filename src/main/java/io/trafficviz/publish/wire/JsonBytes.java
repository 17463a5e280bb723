package io.trafficviz.publish.wire;

import java.util.Arrays;

/**
 * A growable byte buffer that writes JSON straight to UTF-8. Live frames are built with it once and the same bytes
 * go to every client: no String in between for Jetty to encode again, once per client.
 */
public final class JsonBytes {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private byte[] buf;
    private int len;

    public JsonBytes(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    public int length() {
        return len;
    }

    /** Empties the buffer for reuse, keeping its capacity. */
    public JsonBytes reset() {
        len = 0;
        return this;
    }

    public byte[] toArray() {
        return Arrays.copyOf(buf, len);
    }

    /** The bytes written so far, in a buffer that may be longer: {@link #length()} of them count. */
    public byte[] array() {
        return buf;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    public JsonBytes raw(char asciiChar) {
        ensure(1);
        buf[len++] = (byte) asciiChar;
        return this;
    }

    /** Markup the caller knows to be ASCII JSON (keys, punctuation). */
    public JsonBytes raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    public JsonBytes raw(byte[] bytes) {
        return raw(bytes, 0, bytes.length);
    }

    public JsonBytes raw(byte[] bytes, int from, int count) {
        ensure(count);
        System.arraycopy(bytes, from, buf, len, count);
        len += count;
        return this;
    }

    public JsonBytes number(long v) {
        ensure(20);
        if (v == Long.MIN_VALUE) {
            return raw(Long.toString(v));
        }
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        if (v < 10) {
            buf[len++] = (byte) ('0' + v);
            return this;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        int end = len + digits;
        for (int i = end - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len = end;
        return this;
    }

    /**
     * {@code values[0, count)} as numbers separated by commas. Rows of numbers go through here rather than a chain of
     * {@link #number} calls: the JIT inlines each call site with its digit loops, and a chain of eleven made the
     * batch encoder a compilation of up to a second, paid again after every deoptimisation (during bursts).
     */
    public JsonBytes numbers(long[] values, int count) {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                raw(',');
            }
            number(values[i]);
        }
        return this;
    }

    /** As {@link #numbers}, each as {@link #decimal}. */
    public JsonBytes decimals(double[] values, int count) {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                raw(',');
            }
            decimal(values[i]);
        }
        return this;
    }

    /** A number rounded to 3 decimals; null when it is not finite (JSON has no NaN). */
    public JsonBytes decimal(double v) {
        if (!Double.isFinite(v)) {
            return raw("null");
        }
        if (Math.abs(v) >= 1e15) {
            return raw(Double.toString(v)); // no thousandths left to round at this size, and v * 1000 overflows a long
        }
        double r = Math.round(v * 1000) / 1000.0;
        if (r == Math.rint(r) && Math.abs(r) < 1e15) {
            return number((long) r);
        }
        return raw(Double.toString(r));
    }

    /**
     * A JSON string literal. Log text is attacker-controlled: quotes, backslashes and control characters are escaped,
     * and a lone surrogate (not encodable as UTF-8) is written as a \\u escape so the frame stays valid UTF-8.
     */
    public JsonBytes string(String s) {
        if (s == null) {
            return raw("null");
        }
        int n = s.length();
        ensure(n + 2);
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ensure(1);
                buf[len++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                ensure(2);
                buf[len++] = '\\';
                buf[len++] = (byte) c;
            } else if (c < 0x20) {
                escape(c);
            } else if (c < 0x800) {
                ensure(2);
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                escape(c);
            } else {
                ensure(3);
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        ensure(1);
        buf[len++] = '"';
        return this;
    }

    private void escape(char c) {
        ensure(6);
        buf[len++] = '\\';
        buf[len++] = 'u';
        buf[len++] = HEX[(c >> 12) & 0xF];
        buf[len++] = HEX[(c >> 8) & 0xF];
        buf[len++] = HEX[(c >> 4) & 0xF];
        buf[len++] = HEX[c & 0xF];
    }
}
