package io.trafficviz.source.push;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * A pushed request body as a stream, decompressing {@code gzip} (or zlib {@code deflate}) on the way. It is never held
 * whole: the readers ({@link PushPayload}, {@link OtlpStream}) take it a buffer at a time. It fails with 413 as soon as
 * more than {@code maxBytes} have come out of the decompressor (a small gzip bomb costs the time to inflate
 * {@code maxBytes}, not their memory; the compressed stream is capped the same way), and with 408 when it arrives
 * slower than {@value #MIN_BYTES_PER_SECOND} bytes a second once {@value #GRACE_MILLIS} ms have passed: a sender
 * trickling a byte every few seconds must not keep a push slot from everyone else.
 */
final class BoundedBody {
    static final long MIN_BYTES_PER_SECOND = 1024;
    static final long GRACE_MILLIS = 10_000;

    private BoundedBody() {
    }

    /** Thrown (as an IOException, so that parsers pass it on) when the body breaks a limit: its status says which. */
    static final class LimitException extends IOException {
        private final transient IntakeException refusal;

        LimitException(IntakeException refusal) {
            super(refusal.getMessage());
            this.refusal = refusal;
        }

        IntakeException refusal() {
            return refusal;
        }
    }

    static InputStream open(InputStream raw, String contentEncoding, long contentLength, long maxBytes)
            throws IntakeException {
        return open(raw, contentEncoding, contentLength, maxBytes, System::currentTimeMillis);
    }

    static InputStream open(InputStream raw, String contentEncoding, long contentLength, long maxBytes,
                            LongSupplier clock) throws IntakeException {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (contentLength > maxBytes) {
            throw tooLarge(maxBytes, "its Content-Length is " + contentLength);
        }
        InputStream wire = new CappedStream(raw, maxBytes, "the compressed body alone is larger", clock);
        try {
            return switch (encoding) {
                case "", "identity" -> new CappedStream(raw, maxBytes, "after decompression", clock);
                case "gzip", "x-gzip" -> new CappedStream(new GZIPInputStream(wire, 8192), maxBytes,
                        "after decompression", null);
                case "deflate" -> new CappedStream(new InflaterInputStream(wire), maxBytes, "after decompression",
                        null);
                default -> throw new IntakeException(415, "Content-Encoding '" + contentEncoding
                        + "' is not supported; send the body uncompressed or with gzip");
            };
        } catch (LimitException e) {
            throw e.refusal();
        } catch (ZipException | EOFException e) {
            throw notEncoded(encoding, e);
        } catch (IOException e) {
            throw new IntakeException(400, "could not read the request body: " + e.getMessage());
        }
    }

    /** What a failed read of a body means for its sender. */
    static IntakeException refusal(IOException e, String contentEncoding) {
        if (e instanceof LimitException limit) {
            return limit.refusal();
        }
        if (e.getCause() instanceof LimitException limit) {
            return limit.refusal();
        }
        if (e instanceof ZipException || e instanceof EOFException) {
            String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
            return notEncoded(encoding, e);
        }
        return new IntakeException(400, "could not read the request body: " + e.getMessage());
    }

    private static IntakeException notEncoded(String encoding, IOException e) {
        return new IntakeException(400, "the body is not valid " + encoding + " data (" + e.getMessage() + ")");
    }

    static IntakeException notText() {
        return new IntakeException(400, "the body is not UTF-8 text: send Traefik access-log lines (JSON or CLF), "
                + "one per line, or JSON events (Fluent Bit: Format json_lines, not its default msgpack; "
                + "OTLP protobuf goes to /v1/logs)");
    }

    private static IntakeException tooLarge(long maxBytes, String detail) {
        return new IntakeException(413, "the request body exceeds ingest.maxBodyBytes (" + maxBytes + " bytes; "
                + detail + "): send smaller batches");
    }

    /** Fails once more than {@code max} bytes were read, or (with a clock) when they come too slowly. */
    private static final class CappedStream extends InputStream {
        private final InputStream in;
        private final long max;
        private final String detail;
        private final LongSupplier clock;
        private final long startMillis;
        private long read;

        CappedStream(InputStream in, long max, String detail, LongSupplier clock) {
            this.in = in;
            this.max = max;
            this.detail = detail;
            this.clock = clock;
            this.startMillis = clock == null ? 0 : clock.getAsLong();
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
                if (read > max) {
                    throw new LimitException(tooLarge(max, detail));
                }
            }
            if (clock != null && n >= 0) {
                long elapsed = clock.getAsLong() - startMillis;
                if (elapsed > GRACE_MILLIS && read * 1000 / elapsed < MIN_BYTES_PER_SECOND) {
                    throw new LimitException(new IntakeException(408, "the body arrived at " + read * 1000 / elapsed
                            + " bytes/s, slower than " + MIN_BYTES_PER_SECOND + " bytes/s: a push must not hold a slot "
                            + "others need"));
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
