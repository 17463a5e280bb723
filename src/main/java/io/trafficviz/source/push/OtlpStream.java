package io.trafficviz.source.push;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.source.push.OtlpLogs.DecodeException;
import io.trafficviz.source.push.OtlpLogs.LogRecord;
import io.trafficviz.source.push.ProtoReader.ProtoException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Reads an OTLP {@code ExportLogsServiceRequest} (protobuf or OTLP/JSON) as a stream: the nesting (resource logs,
 * scope logs) is walked on the wire, and only one resource or one log record at a time is read into memory and
 * decoded by {@link OtlpLogs}. A body of millions of records, or one of 100 MiB, costs one record's memory.
 *
 * <p>A log record longer than {@code maxRecordBytes} is skipped and reported as {@link Records#oversized} (protobuf)
 * or refused (JSON, which cannot be skipped without reading it).
 */
final class OtlpStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    /** What a request holds, in order: per ResourceLogs, its resource's attributes and its records. */
    interface Records {
        void startResourceLogs() throws IntakeException;

        void resource(Map<String, Object> attributes) throws IntakeException;

        void record(LogRecord record) throws IntakeException;

        void oversized() throws IntakeException;

        void endResourceLogs() throws IntakeException;
    }

    private OtlpStream() {
    }

    // ---- protobuf

    static void protobuf(InputStream in, Records out, int maxRecordBytes)
            throws DecodeException, IntakeException, IOException {
        Wire wire = new Wire(in);
        try {
            while (true) {
                int tag = wire.readTagOrEnd();
                if (tag == 0) {
                    return;
                }
                if (ProtoReader.field(tag) == 1) { // repeated ResourceLogs resource_logs = 1
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    long end = wire.messageEnd(Long.MAX_VALUE);
                    resourceLogs(wire, end, out, maxRecordBytes);
                } else {
                    wire.skip(tag, Long.MAX_VALUE);
                }
            }
        } catch (ProtoException e) {
            throw new DecodeException("not a valid OTLP ExportLogsServiceRequest (protobuf): " + e.getMessage());
        }
    }

    private static void resourceLogs(Wire wire, long end, Records out, int maxRecordBytes)
            throws ProtoException, IntakeException, IOException {
        out.startResourceLogs();
        while (wire.pos < end) {
            int tag = wire.readTag(end);
            switch (ProtoReader.field(tag)) {
                case 1 -> { // Resource resource = 1
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    long length = wire.length(end);
                    if (length > maxRecordBytes) {
                        throw new ProtoException("a resource of " + length + " bytes is larger than "
                                + maxRecordBytes);
                    }
                    out.resource(OtlpLogs.resourceAttributes(new ProtoReader(wire.bytes((int) length))));
                }
                case 2 -> { // repeated ScopeLogs scope_logs = 2 { repeated LogRecord log_records = 2; }
                    ProtoReader.expect(tag, ProtoReader.LEN);
                    long scopeEnd = wire.messageEnd(end);
                    while (wire.pos < scopeEnd) {
                        int stag = wire.readTag(scopeEnd);
                        if (ProtoReader.field(stag) != 2) {
                            wire.skip(stag, scopeEnd);
                            continue;
                        }
                        ProtoReader.expect(stag, ProtoReader.LEN);
                        long length = wire.length(scopeEnd);
                        if (length > maxRecordBytes) {
                            wire.skipBytes(length);
                            out.oversized();
                        } else {
                            out.record(OtlpLogs.logRecord(new ProtoReader(wire.bytes((int) length))));
                        }
                    }
                }
                default -> wire.skip(tag, end);
            }
        }
        out.endResourceLogs();
    }

    /** The protobuf wire format read from a stream, every length checked against the message around it. */
    private static final class Wire {
        private final InputStream in;
        private long pos;

        Wire(InputStream in) {
            this.in = in;
        }

        /** The next tag, or 0 at the end of the stream (only between top-level fields). */
        int readTagOrEnd() throws ProtoException, IOException {
            int b = in.read();
            if (b < 0) {
                return 0;
            }
            pos++;
            long tag = varintFrom(b, Long.MAX_VALUE);
            return checkTag(tag);
        }

        int readTag(long end) throws ProtoException, IOException {
            return checkTag(varint(end));
        }

        private int checkTag(long tag) throws ProtoException {
            if (tag >>> 3 == 0 || tag > 0xFFFF_FFFFL) {
                throw new ProtoException("invalid field tag " + tag + " at byte " + pos);
            }
            return (int) tag;
        }

        long varint(long end) throws ProtoException, IOException {
            if (pos >= end) {
                throw new ProtoException("truncated varint at byte " + pos);
            }
            return varintFrom(next(), end);
        }

        private long varintFrom(int first, long end) throws ProtoException, IOException {
            long result = first & 0x7F;
            int b = first;
            for (int shift = 7; b >= 0x80; shift += 7) {
                if (shift >= 70) {
                    throw new ProtoException("varint longer than 10 bytes at byte " + pos);
                }
                if (pos >= end) {
                    throw new ProtoException("truncated varint at byte " + pos);
                }
                b = next();
                result |= (long) (b & 0x7F) << shift;
            }
            return result;
        }

        private int next() throws ProtoException, IOException {
            int b = in.read();
            if (b < 0) {
                throw new ProtoException("truncated message at byte " + pos);
            }
            pos++;
            return b;
        }

        long length(long end) throws ProtoException, IOException {
            long length = varint(end);
            if (length < 0 || length > end - pos) {
                throw new ProtoException("length " + length + " at byte " + pos + " runs past the end of its message");
            }
            return length;
        }

        long messageEnd(long end) throws ProtoException, IOException {
            long length = length(end);
            return pos + length;
        }

        byte[] bytes(int length) throws ProtoException, IOException {
            byte[] b = in.readNBytes(length);
            if (b.length < length) {
                throw new ProtoException("truncated message at byte " + (pos + b.length));
            }
            pos += length;
            return b;
        }

        void skipBytes(long length) throws ProtoException, IOException {
            try {
                in.skipNBytes(length);
            } catch (EOFException e) {
                throw new ProtoException("truncated message at byte " + pos);
            }
            pos += length;
        }

        void skip(int tag, long end) throws ProtoException, IOException {
            switch (ProtoReader.wireType(tag)) {
                case ProtoReader.VARINT -> varint(end);
                case ProtoReader.FIXED64 -> fixed(8, end);
                case ProtoReader.LEN -> skipBytes(length(end));
                case ProtoReader.FIXED32 -> fixed(4, end);
                default -> throw new ProtoException("unsupported wire type " + ProtoReader.wireType(tag)
                        + " for field " + ProtoReader.field(tag) + " at byte " + pos);
            }
        }

        private void fixed(int n, long end) throws ProtoException, IOException {
            if (end - pos < n) {
                throw new ProtoException("truncated field at byte " + pos);
            }
            skipBytes(n);
        }
    }

    // ---- OTLP/JSON (lowerCamelCase field names; the proto names are accepted too, as protobuf's JSON mapping does)

    static void json(InputStream in, Records out, int maxRecordBytes)
            throws DecodeException, IntakeException, IOException {
        ValueCap capped = new ValueCap(in, maxRecordBytes);
        try (JsonParser p = FACTORY.createParser(capped)) {
            p.setCodec(JSON);
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new DecodeException(first == null ? "not valid JSON: the body is empty"
                        : "an OTLP/JSON ExportLogsServiceRequest must be a JSON object with resourceLogs");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ((name.equals("resourceLogs") || name.equals("resource_logs")) && array(p, t, "resourceLogs")) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        resourceLogs(p, capped, out);
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new DecodeException("not valid JSON: there is more after the request object");
            }
        } catch (ValueCap.TooLong e) {
            throw new DecodeException("a resource or log record is longer than " + maxRecordBytes + " bytes");
        } catch (JsonProcessingException e) {
            throw new DecodeException("not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void resourceLogs(JsonParser p, ValueCap capped, Records out)
            throws IOException, DecodeException, IntakeException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren(); // not an object: nothing in it, as a tree's missing fields would say
            return;
        }
        out.startResourceLogs();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("resource")) {
                capped.arm();
                JsonNode resource = p.readValueAsTree();
                capped.disarm();
                out.resource(OtlpLogs.jsonResourceAttributes(resource));
            } else if ((name.equals("scopeLogs") || name.equals("scope_logs")) && array(p, t, "scopeLogs")) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    scopeLogs(p, capped, out);
                }
            } else {
                p.skipChildren();
            }
        }
        out.endResourceLogs();
    }

    private static void scopeLogs(JsonParser p, ValueCap capped, Records out)
            throws IOException, DecodeException, IntakeException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ((name.equals("logRecords") || name.equals("log_records")) && array(p, t, "logRecords")) {
                while (true) {
                    capped.arm();
                    if (p.nextToken() == JsonToken.END_ARRAY) {
                        break;
                    }
                    JsonNode record = p.readValueAsTree();
                    capped.disarm();
                    out.record(OtlpLogs.jsonLogRecord(record));
                }
                capped.disarm();
            } else {
                p.skipChildren();
            }
        }
    }

    /** Whether the value at {@code t} is an array to walk; null is an empty one, anything else is refused. */
    private static boolean array(JsonParser p, JsonToken t, String name) throws DecodeException {
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new DecodeException("\"" + name + "\" must be a JSON array");
        }
        return true;
    }
}
