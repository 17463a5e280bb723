package io.trafficviz.publish.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The rows the live streams are made of: numbers and decimals as JSON, written a row at a time. */
class JsonBytesTest {
    private static String text(JsonBytes out) {
        return new String(out.toArray(), StandardCharsets.UTF_8);
    }

    @Test
    void aRowOfNumbersIsTheSameAsOneNumberAfterAnother() {
        long[] row = {0, 7, -3, 10, 1_234_567_890_123L, Long.MAX_VALUE, Long.MIN_VALUE, 99};
        JsonBytes one = new JsonBytes(4);
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                one.raw(',');
            }
            one.number(row[i]);
        }
        assertThat(text(new JsonBytes(4).numbers(row, row.length))).isEqualTo(text(one))
                .isEqualTo("0,7,-3,10,1234567890123,9223372036854775807,-9223372036854775808,99");
        assertThat(text(new JsonBytes(4).numbers(row, 2))).as("only the first count").isEqualTo("0,7");
        assertThat(text(new JsonBytes(4).numbers(row, 0))).isEmpty();
    }

    @Test
    void aRowOfDecimalsRoundsToThreePlacesAndWritesNullForWhatJsonCannotHold() {
        double[] row = {1.0, 2.5, 0.12345, -4.0006, Double.NaN, Double.POSITIVE_INFINITY, 1e20};
        assertThat(text(new JsonBytes(4).decimals(row, row.length)))
                .isEqualTo("1,2.5,0.123,-4.001,null,null,1.0E20");
    }
}
