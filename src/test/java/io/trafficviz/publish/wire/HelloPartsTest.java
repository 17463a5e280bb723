package io.trafficviz.publish.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HelloPartsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void partsAreAtMost64KiB_pureAscii_andJoinBackIntoTheSameHello_whateverTheTextHolds() throws Exception {
        // Quotes, backslashes, control characters, accents and astral characters (surrogate pairs) around every cut.
        StringBuilder label = new StringBuilder();
        for (int i = 0; i < 400_000; i++) {
            label.append(switch (i % 7) {
                case 0 -> "🚦";
                case 1 -> "\"";
                case 2 -> "\\";
                case 3 -> "\u0001";
                case 4 -> "ü";
                default -> "a";
            });
        }
        byte[] hello = JSON.writeValueAsBytes(JSON.createObjectNode().put("type", "hello")
                .set("graph", JSON.createObjectNode().put("label", label.toString())));
        HelloParts parts = HelloParts.of(hello);
        assertThat(parts.parts()).isGreaterThan(hello.length / HelloParts.MAX_MESSAGE_BYTES);

        StringBuilder joined = new StringBuilder();
        for (int k = 0; parts.hasNext(); k++) {
            byte[] part = parts.next();
            assertThat(part.length).isLessThanOrEqualTo(HelloParts.MAX_MESSAGE_BYTES);
            for (byte b : part) {
                assertThat(b).isBetween((byte) 0x20, (byte) 0x7e);
            }
            JsonNode message = JSON.readTree(part);
            assertThat(message.path("type").asText()).isEqualTo("helloPart");
            assertThat(message.path("part").asInt()).isEqualTo(k);
            assertThat(message.path("parts").asInt()).isEqualTo(parts.parts());
            joined.append(message.path("text").asText());
        }
        assertThat(joined.toString()).isEqualTo(new String(hello, StandardCharsets.UTF_8));
        assertThat(JSON.readTree(joined.toString()).path("graph").path("label").asText()).isEqualTo(label.toString());
    }
}
