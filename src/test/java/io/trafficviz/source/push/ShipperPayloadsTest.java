package io.trafficviz.source.push;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A payload in memory (a Kafka record) gives the lines the same bytes give as a pushed body. */
class ShipperPayloadsTest {
    static List<String> inMemory(String payload) throws ShipperPayloads.BadPayload {
        List<String> out = new ArrayList<>();
        ShipperPayloads.lines(payload.getBytes(StandardCharsets.UTF_8), new ShipperPayloads.Lines() {
            @Override
            public void bytes(byte[] buf, int from, int length) {
                out.add(new String(buf, from, length, StandardCharsets.UTF_8));
            }

            @Override
            public void text(String line) {
                out.add(line);
            }
        });
        return out;
    }

    @Test
    void everyShapeReadsAsThePushedBodyDoes() throws Exception {
        String traefik = "{\"DownstreamStatus\":200,\"RequestPath\":\"/a\"}";
        for (String body : List.of(traefik, traefik + "\n", "  \n" + traefik + "\r\n" + traefik + "\n\n",
                "127.0.0.1 - - [10/Oct/2025:13:55:36 +0000] \"GET / HTTP/1.1\" 200 2 \"-\" \"-\" 1 \"r@file\" \"-\" 3ms",
                "{\"message\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(traefik) + "}",
                "[{\"log\":\"a line\"},\"another\"]", "   ", "")) {
            assertThat(inMemory(body)).as(body).isEqualTo(PushPayload.lines(body));
        }
    }

    @Test
    void bytesThatAreNoTextAreABadPayload() {
        assertThatThrownBy(() -> ShipperPayloads.lines(new byte[]{(byte) 0xC3, 0x28, 0, 1}, new ShipperPayloads.Lines() {
            @Override
            public void bytes(byte[] buf, int from, int length) {
            }

            @Override
            public void text(String line) {
            }
        })).isInstanceOf(ShipperPayloads.BadPayload.class).hasMessageContaining("not UTF-8 text");
    }
}
