package io.trafficviz.source.push;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a {@code POST /ingest} body into Traefik access-log lines, whatever log shipper sent it, as a stream: a
 * buffer at a time, each line handed on as soon as it is whole, so a body of millions of lines never sits in memory.
 *
 * <ul>
 *   <li>Raw lines, one per line (JSON or CLF; Vector's {@code text} codec, curl, a file): each line as it is.</li>
 *   <li>One JSON object per line (Vector's {@code json} codec with {@code newline_delimited} framing, Fluent Bit's
 *       {@code json_lines}; several objects on one line, Fluent Bit's {@code json_stream}, work too): an object that
 *       is itself a Traefik entry (it has {@code DownstreamStatus} or {@code OriginStatus}, as when Fluent Bit's tail
 *       input parsed the line as JSON and added {@code date}) is used whole; otherwise its {@code message} (Vector's
 *       file source) or {@code log} (Fluent Bit's tail input) string is the line.</li>
 *   <li>A JSON array of such objects or strings (Vector's {@code json} codec with its default framing, Fluent Bit's
 *       {@code json} format), read element by element.</li>
 * </ul>
 *
 * Anything that is none of these goes to the parser as it is and is counted there as malformed. A line (or array
 * element) longer than {@value #MAX_LINE_BYTES} bytes is cut there: Traefik writes nothing that long, and the cut
 * keeps what one push can hold bounded.
 */
final class PushPayload {
    static final int MAX_LINE_BYTES = 256 * 1024;
    private static final int READ_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final ObjectReader VALUES = JSON.readerFor(JsonNode.class);

    /** Where the lines go: raw lines as bytes of the read buffer (copy what you keep), the rest as text. */
    interface Lines {
        void bytes(byte[] buf, int from, int length) throws IntakeException;

        void text(String line) throws IntakeException;
    }

    private PushPayload() {
    }

    /** The whole body's lines at once: for tests and fuzzing, through the same code as a stream. */
    static List<String> lines(String body) throws IntakeException {
        List<String> out = new ArrayList<>();
        try {
            read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), new Lines() {
                @Override
                public void bytes(byte[] buf, int from, int length) {
                    out.add(new String(buf, from, length, StandardCharsets.UTF_8));
                }

                @Override
                public void text(String line) {
                    out.add(line);
                }
            });
        } catch (IOException e) {
            throw new IntakeException(400, "could not read the request body: " + e.getMessage());
        }
        return out;
    }

    /**
     * Reads {@code in} to its end, handing each line to {@code out}.
     *
     * @throws IntakeException 400 for a body that is not UTF-8 text, or starts with '[' and is no JSON array
     * @throws IOException     when the body itself fails (see {@link BoundedBody#refusal})
     */
    static void read(InputStream in, Lines out) throws IntakeException, IOException {
        byte[] buf = new byte[READ_BYTES];
        int n = in.readNBytes(buf, 0, buf.length);
        int first = firstNonBlank(buf, 0, n);
        if (first < 0 && n < buf.length) {
            return; // blank
        }
        if (first >= 0 && buf[first] == '[') {
            InputStream rest = new SequenceInputStream(new ByteArrayInputStream(buf, first, n - first), in);
            array(rest, out);
            return;
        }
        new LineReader(out).read(buf, n, in);
    }

    /**
     * {@link #read(InputStream, Lines)} for a payload already in memory (a Kafka record): the payload is the read
     * buffer, so a record of one line costs no 64 KiB buffer of its own.
     */
    static void read(byte[] payload, Lines out) throws IntakeException, IOException {
        int first = firstNonBlank(payload, 0, payload.length);
        if (first < 0) {
            return; // blank
        }
        if (payload[first] == '[') {
            array(new ByteArrayInputStream(payload, first, payload.length - first), out);
            return;
        }
        // Nothing more to read after the payload: the reader never writes into it.
        new LineReader(out).read(payload, payload.length, InputStream.nullInputStream());
    }

    // ---- a JSON array, element by element

    private static void array(InputStream body, Lines out) throws IntakeException, IOException {
        ValueCap capped = new ValueCap(body, MAX_LINE_BYTES);
        try (JsonParser p = FACTORY.createParser(capped)) {
            p.setCodec(JSON);
            p.nextToken(); // '['
            while (true) {
                capped.arm();
                JsonToken t = p.nextToken();
                if (t == JsonToken.END_ARRAY) {
                    break;
                }
                if (t == null) {
                    throw notArray("the array is not closed");
                }
                JsonNode element = p.readValueAsTree();
                capped.disarm();
                out.text(unwrap(element, null));
            }
            if (p.nextToken() != null) {
                throw notArray("there is more after the array's end");
            }
        } catch (ValueCap.TooLong e) {
            throw new IntakeException(400, "an element of the JSON array is longer than " + MAX_LINE_BYTES
                    + " bytes: no Traefik access-log entry is");
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof IOException cause && !(cause instanceof JsonProcessingException)) {
                throw cause;
            }
            throw notArray(e.getOriginalMessage());
        }
    }

    private static IntakeException notArray(String why) {
        return new IntakeException(400, "the body starts with '[' but is not a JSON array: " + why);
    }

    // ---- lines

    /** Cuts the stream into lines; a line split across two reads is put together in {@code carry}. */
    private static final class LineReader {
        private final Lines out;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private byte[] carry = new byte[0];
        private int carried;
        private boolean cut;

        LineReader(Lines out) {
            this.out = out;
        }

        void read(byte[] buf, int n, InputStream in) throws IntakeException, IOException {
            while (n > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        if (carried > 0 || cut) {
                            append(buf, start, i - start);
                            line(carry, 0, carried);
                            carried = 0;
                            cut = false;
                        } else {
                            line(buf, start, i - start);
                        }
                        start = i + 1;
                    }
                }
                append(buf, start, n - start);
                n = in.readNBytes(buf, 0, buf.length);
            }
            if (carried > 0 || cut) {
                line(carry, 0, carried);
            }
        }

        private void append(byte[] buf, int from, int length) {
            int room = MAX_LINE_BYTES - carried;
            if (length > room) {
                cut = true;
                length = room;
            }
            if (length <= 0) {
                return;
            }
            if (carried + length > carry.length) {
                carry = Arrays.copyOf(carry, Math.min(MAX_LINE_BYTES, Math.max(carry.length * 2, carried + length)));
            }
            System.arraycopy(buf, from, carry, carried, length);
            carried += length;
        }

        private void line(byte[] b, int from, int length) throws IntakeException {
            int end = from + length;
            int start = firstNonBlank(b, from, end);
            if (start < 0) {
                return;
            }
            while (end > start && (b[end - 1] == ' ' || b[end - 1] == '\t' || b[end - 1] == '\r')) {
                end--;
            }
            checkText(b, start, end);
            if (b[start] == '{') {
                objects(new String(b, start, end - start, StandardCharsets.UTF_8), out);
            } else {
                out.bytes(b, start, end - start);
            }
        }

        /** UTF-8 without NULs, or the body is no text (msgpack, protobuf) and is refused. */
        private void checkText(byte[] b, int from, int to) throws IntakeException {
            boolean ascii = true;
            for (int i = from; i < to; i++) {
                if (b[i] == 0) {
                    throw BoundedBody.notText();
                }
                if (b[i] < 0) {
                    ascii = false;
                }
            }
            if (ascii) {
                return;
            }
            try {
                utf8.reset().decode(ByteBuffer.wrap(b, from, to - from));
            } catch (CharacterCodingException e) {
                if (!cut) {
                    throw BoundedBody.notText();
                }
                // a line cut inside a character: what is left is still text
            }
        }
    }

    /** One line holding one JSON object (or several, concatenated). */
    private static void objects(String line, Lines out) throws IntakeException {
        List<JsonNode> nodes = new ArrayList<>(1);
        try (MappingIterator<JsonNode> it = VALUES.readValues(line)) {
            while (it.hasNextValue()) {
                nodes.add(it.nextValue());
            }
        } catch (Exception notJson) { // IOException or a RuntimeJsonMappingException from the iterator
            out.text(line); // the parser reports exactly what is wrong with it
            return;
        }
        if (nodes.size() == 1) {
            out.text(unwrap(nodes.get(0), line));
        } else {
            for (JsonNode node : nodes) {
                out.text(unwrap(node, null));
            }
        }
    }

    /**
     * The Traefik line a shipper's event carries. {@code original} is the event's own text when it was one line, so a
     * Traefik entry is passed on byte for byte rather than re-serialised.
     */
    static String unwrap(JsonNode event, String original) {
        if (event.isTextual()) {
            return event.asText();
        }
        if (event.isObject()) {
            if (isTraefikEntry(event)) {
                return original != null ? original : event.toString();
            }
            for (String key : new String[]{"message", "log"}) {
                JsonNode v = event.get(key);
                if (v != null && v.isTextual()) {
                    return v.asText();
                }
                if (v != null && v.isObject() && isTraefikEntry(v)) {
                    return v.toString(); // a shipper that parsed the line into the message field
                }
            }
        }
        return original != null ? original : event.toString();
    }

    private static boolean isTraefikEntry(JsonNode object) {
        return object.has("DownstreamStatus") || object.has("OriginStatus");
    }

    private static int firstNonBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == (byte) 0xEF && i + 2 < to && b[i + 1] == (byte) 0xBB && b[i + 2] == (byte) 0xBF) {
                i += 2; // a byte-order mark
                continue;
            }
            if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
                return i;
            }
        }
        return -1;
    }
}
