package io.trafficviz.source.push;

import java.io.IOException;
import java.io.InputStream;

/**
 * A body stream that fails when one JSON value read from it (an array element, an OTLP log record) runs longer than a
 * limit: such a value is read into memory whole, so its size is what a push costs. Armed only around those values;
 * the parser reads a little ahead, hence some slack.
 */
final class ValueCap extends InputStream {
    private static final long SLACK = 64 * 1024;
    private final InputStream in;
    private final long limit;
    private long read;
    private long mark;
    private boolean armed;

    ValueCap(InputStream in, long limit) {
        this.in = in;
        this.limit = limit + SLACK;
    }

    void arm() {
        mark = read;
        armed = true;
    }

    void disarm() {
        armed = false;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            read += n;
            if (armed && read - mark > limit) {
                throw new TooLong();
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    static final class TooLong extends IOException {
        TooLong() {
            super("a value is too long");
        }
    }
}
