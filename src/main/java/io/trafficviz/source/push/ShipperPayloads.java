package io.trafficviz.source.push;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

/**
 * The push readers for other sources (the Kafka source's records carry what shippers would have pushed): a payload
 * in memory is read by the same code as a pushed body, so a record means what the same bytes mean on {@code /ingest}
 * or {@code /v1/logs}.
 */
public final class ShipperPayloads {
    /** Lines of a payload: raw lines as bytes of a buffer (copy what you keep), the rest as text. */
    public interface Lines {
        void bytes(byte[] buf, int from, int length);

        void text(String line);
    }

    /**
     * What an OTLP logs request holds, per ResourceLogs: its resource's attributes (announced empty first, then again
     * with the resource's own when it has one) and its records' lines, then {@link #endResource()}. The resource may
     * come after its records: the Collector's protobuf (pdata) writes a message's fields in reverse order.
     */
    public interface OtlpLines {
        void resource(Map<String, Object> attributes);

        /** The ResourceLogs whose attributes and lines came since the last call is complete. */
        default void endResource() {
        }

        /** One log record as the access-log line it stands for ({@link TraefikOtlpRecord}). */
        void line(String line);

        /** A log record longer than one line may be: not read. */
        void oversized();
    }

    /** The payload cannot be read as what it was said to be: its reason, for the malformed-record report. */
    public static final class BadPayload extends Exception {
        BadPayload(String message) {
            super(message);
        }
    }

    private ShipperPayloads() {
    }

    /** Raw lines, Vector/Fluent Bit JSON envelopes, JSON arrays of them: as {@code POST /ingest} reads a body. */
    public static void lines(byte[] payload, Lines out) throws BadPayload {
        try {
            PushPayload.read(payload, new PushPayload.Lines() {
                @Override
                public void bytes(byte[] buf, int from, int length) {
                    out.bytes(buf, from, length);
                }

                @Override
                public void text(String line) {
                    out.text(line);
                }
            });
        } catch (IntakeException | IOException e) {
            throw new BadPayload(e.getMessage());
        }
    }

    /** An OTLP {@code ExportLogsServiceRequest}, protobuf or JSON: as {@code POST /v1/logs} reads a body. */
    public static void otlp(byte[] payload, boolean json, OtlpLines out) throws BadPayload {
        OtlpStream.Records records = new OtlpStream.Records() {
            @Override
            public void startResourceLogs() {
                out.resource(Map.of());
            }

            @Override
            public void resource(Map<String, Object> attributes) {
                out.resource(attributes);
            }

            @Override
            public void record(OtlpLogs.LogRecord record) {
                out.line(TraefikOtlpRecord.line(record));
            }

            @Override
            public void oversized() {
                out.oversized();
            }

            @Override
            public void endResourceLogs() {
                out.endResource();
            }
        };
        try {
            if (json) {
                OtlpStream.json(new ByteArrayInputStream(payload), records, PushPayload.MAX_LINE_BYTES);
            } else {
                OtlpStream.protobuf(new ByteArrayInputStream(payload), records, PushPayload.MAX_LINE_BYTES);
            }
        } catch (OtlpLogs.DecodeException | IntakeException | IOException e) {
            throw new BadPayload(e.getMessage());
        }
    }
}
