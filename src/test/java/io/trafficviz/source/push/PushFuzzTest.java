package io.trafficviz.source.push;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of what a push hands the intake: the {@code POST /ingest} body reader and the OTLP
 * decoder (protobuf, with its wire reader, and JSON). A normal build replays the seeds and every input the fuzzer ever
 * kept ({@code PushFuzzTestInputs} in src/test/resources); {@code scripts/fuzz} fuzzes (docs/security.md).
 */
class PushFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Any body: lines, or a 400 with a reason; never another exception, never a null line. */
    @FuzzTest(maxDuration = "10s")
    void anyIngestBodyGivesLinesOrARefusal(byte[] body) {
        try {
            assertThat(PushPayload.lines(new String(body, StandardCharsets.UTF_8))).doesNotContainNull();
        } catch (IntakeException refused) {
            assertThat(refused.status()).isEqualTo(400);
        }
    }

    /**
     * Raw lines (the text codecs, curl) come out one for one, as they were sent: none lost, split or merged. A line
     * with a NUL is not text (msgpack, protobuf carry them; a log line never does), and such a body is refused whole,
     * so none is sent here (the kept input {@code crash-333bd6…} is one: NUL, '3', newline).
     */
    @FuzzTest(maxDuration = "10s")
    void rawLinesAreCountedOneForOne(FuzzedDataProvider data) {
        List<String> sent = new ArrayList<>();
        int count = data.consumeInt(0, 64);
        for (int i = 0; i < count; i++) {
            String line = data.consumeString(300).replace('\n', ' ');
            if (!line.isEmpty() && !isBlank(line.charAt(0)) && !isBlank(line.charAt(line.length() - 1))
                    && line.charAt(0) != '{' && line.charAt(0) != '[' && line.indexOf('\0') < 0) {
                sent.add(line);
            }
        }
        try {
            assertThat(PushPayload.lines(String.join("\n", sent))).isEqualTo(sent);
        } catch (IntakeException e) {
            throw new AssertionError("raw lines refused: " + e.getMessage(), e);
        }
    }

    /** A JSON array of strings (Vector's json codec, Fluent Bit's json format) gives each element, in order. */
    @FuzzTest(maxDuration = "10s")
    void jsonArrayElementsAreCountedOneForOne(FuzzedDataProvider data) throws JsonProcessingException {
        List<String> sent = new ArrayList<>();
        int count = data.consumeInt(0, 64);
        for (int i = 0; i < count; i++) {
            sent.add(data.consumeString(300));
        }
        try {
            assertThat(PushPayload.lines(JSON.writeValueAsString(sent))).isEqualTo(sent);
        } catch (IntakeException e) {
            throw new AssertionError("a JSON array refused: " + e.getMessage(), e);
        }
    }

    /** Any bytes as OTLP, protobuf or JSON: decoded, or refused as not OTLP; never another exception. */
    @FuzzTest(maxDuration = "10s")
    void anyOtlpBodyDecodesOrIsRefused(byte[] body) {
        for (boolean protobuf : new boolean[] {true, false}) {
            try {
                List<OtlpLogs.Resource> resources = protobuf ? OtlpLogs.fromProtobuf(body) : OtlpLogs.fromJson(body);
                assertThat(resources).doesNotContainNull();
            } catch (OtlpLogs.DecodeException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        }
    }

    /**
     * Every log record of a well-formed request comes out, with its body, however the fuzzer nests and interleaves
     * resources, scopes and fields the decoder skips (newer OTLP versions add some).
     */
    @FuzzTest(maxDuration = "10s")
    void otlpRecordsAreCountedOneForOne(FuzzedDataProvider data) throws OtlpLogs.DecodeException {
        ProtoWriter request = new ProtoWriter();
        List<String> sent = new ArrayList<>();
        int resources = data.consumeInt(0, 4);
        for (int r = 0; r < resources; r++) {
            ProtoWriter resourceLogs = new ProtoWriter();
            int scopes = data.consumeInt(0, 3);
            for (int s = 0; s < scopes; s++) {
                ProtoWriter scope = new ProtoWriter();
                int records = data.consumeInt(0, 8);
                for (int i = 0; i < records; i++) {
                    String body = data.consumeString(200);
                    ProtoWriter record = new ProtoWriter();
                    unknownField(record, data);
                    record.message(5, new ProtoWriter().string(1, body)); // AnyValue body { string_value = 1 }
                    unknownField(record, data);
                    scope.message(2, record);
                    sent.add(body);
                }
                unknownField(scope, data);
                resourceLogs.message(2, scope);
            }
            unknownField(resourceLogs, data);
            request.message(1, resourceLogs);
        }
        List<String> received = new ArrayList<>();
        for (OtlpLogs.Resource resource : OtlpLogs.fromProtobuf(request.toByteArray())) {
            resource.records().forEach(record -> received.add((String) record.body()));
        }
        assertThat(received).isEqualTo(sent);
    }

    /** A field the decoder does not know (numbers above any it reads), of any wire type, or none. */
    private static void unknownField(ProtoWriter message, FuzzedDataProvider data) {
        int field = data.consumeInt(20, 536_870_911);
        switch (data.consumeInt(0, 3)) {
            case 1 -> message.varint(field, data.consumeLong());
            case 2 -> message.fixed64(field, data.consumeLong());
            case 3 -> message.bytes(field, data.consumeBytes(32));
            default -> {
            }
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\uFEFF';
    }
}
