package io.trafficviz.source.push;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Reads a pushed request body into memory, decompressing {@code gzip} (or zlib {@code deflate}) on the way, and
 * refuses it with 413 as soon as more than {@code maxBytes} have come out of the decompressor: a small gzip bomb costs
 * at most {@code maxBytes} of memory and the time to inflate them. The compressed stream is capped the same way.
 */
final class BoundedBody {
    private BoundedBody() {
    }

    static byte[] read(InputStream raw, String contentEncoding, long contentLength, long maxBytes)
            throws IntakeException {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (contentLength > maxBytes) {
            throw tooLarge(maxBytes, "its Content-Length is " + contentLength);
        }
        try {
            InputStream in = switch (encoding) {
                case "", "identity" -> raw;
                case "gzip", "x-gzip" -> new GZIPInputStream(new CappedStream(raw, maxBytes), 8192);
                case "deflate" -> new InflaterInputStream(new CappedStream(raw, maxBytes));
                default -> throw new IntakeException(415, "Content-Encoding '" + contentEncoding
                        + "' is not supported; send the body uncompressed or with gzip");
            };
            return readCapped(in, maxBytes);
        } catch (ZipException | EOFException e) {
            throw new IntakeException(400, "the body is not valid " + encoding + " data (" + e.getMessage() + ")");
        } catch (CappedStream.Exceeded e) {
            throw tooLarge(maxBytes, "the compressed body alone is larger");
        } catch (IOException e) {
            throw new IntakeException(400, "could not read the request body: " + e.getMessage());
        }
    }

    private static byte[] readCapped(InputStream in, long maxBytes) throws IOException, IntakeException {
        byte[] buf = new byte[(int) Math.min(maxBytes + 1, 64 * 1024)];
        int size = 0;
        while (true) {
            if (size == buf.length) {
                if (size > maxBytes) {
                    throw tooLarge(maxBytes, "after decompression");
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, maxBytes + 1));
            }
            int n = in.read(buf, size, buf.length - size);
            if (n < 0) {
                return size == buf.length ? buf : Arrays.copyOf(buf, size);
            }
            size += n;
        }
    }

    /** The body as UTF-8 text; anything else (protobuf, msgpack, random bytes) is refused with a hint. */
    static String utf8Text(byte[] body) throws IntakeException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw notText();
        }
        if (text.indexOf('\0') >= 0) {
            throw notText();
        }
        return text;
    }

    private static IntakeException notText() {
        return new IntakeException(400, "the body is not UTF-8 text: send Traefik access-log lines (JSON or CLF), "
                + "one per line, or JSON events (Fluent Bit: Format json_lines, not its default msgpack; "
                + "OTLP protobuf goes to /v1/logs)");
    }

    private static IntakeException tooLarge(long maxBytes, String detail) {
        return new IntakeException(413, "the request body exceeds ingest.maxBodyBytes (" + maxBytes + " bytes; "
                + detail + "): send smaller batches");
    }

    /** Fails once more than {@code max} bytes were read from the wire. */
    private static final class CappedStream extends InputStream {
        private final InputStream in;
        private final long max;
        private long read;

        CappedStream(InputStream in, long max) {
            this.in = in;
            this.max = max;
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
                    throw new Exceeded();
                }
            }
            return n;
        }

        static final class Exceeded extends IOException {
            Exceeded() {
                super("body larger than the limit");
            }
        }
    }
}
