package io.trafficviz.parse;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteValueCacheTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aRepeatedValueComesBackAsTheSameString() {
        ByteValueCache cache = new ByteValueCache(16);
        byte[] line = bytes("xx10.0.0.7yy10.0.0.7");
        String first = cache.get(line, 2, 8);
        assertThat(first).isEqualTo("10.0.0.7");
        assertThat(cache.get(line, 12, 8)).isSameAs(first);
    }

    @Test
    void valuesThatShareASlotEvictEachOtherButStayCorrect() {
        ByteValueCache cache = new ByteValueCache(1); // every value in the one slot
        byte[] a = bytes("10.0.0.1");
        byte[] b = bytes("10.0.0.2");
        String first = cache.get(a, 0, a.length);
        assertThat(cache.get(b, 0, b.length)).isEqualTo("10.0.0.2");
        String again = cache.get(a, 0, a.length);
        assertThat(again).isEqualTo("10.0.0.1").isNotSameAs(first);
        assertThat(cache.get(bytes("10.0.0"), 0, 6)).isEqualTo("10.0.0"); // a prefix is another value
    }

    @Test
    void longValuesAreCopiedButNotKept() {
        ByteValueCache cache = new ByteValueCache(16);
        byte[] list = bytes("203.0.113.7, ".repeat(40));
        String first = cache.get(list, 0, list.length);
        assertThat(list.length).isGreaterThan(ByteValueCache.MAX_CACHED_LENGTH);
        assertThat(cache.get(list, 0, list.length)).isEqualTo(first).isNotSameAs(first);
    }

    @Test
    void valuesOfEveryLengthAreComparedExactly() {
        ByteValueCache cache = new ByteValueCache(1);
        for (int length = 0; length <= 40; length++) {
            String value = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH".substring(0, length);
            for (String tail : new String[]{"\"", "", "\"}"}) { // also at the array's very end
                byte[] line = bytes("\"" + value + tail);
                assertThat(cache.get(line, 1, length)).isEqualTo(value);
                assertThat(cache.get(line, 1, length)).isEqualTo(value);
                if (length > 0) {
                    byte[] changed = line.clone();
                    changed[length] ^= 1; // the value's last byte
                    assertThat(cache.get(changed, 1, length)).isNotEqualTo(value).hasSize(length);
                    assertThat(cache.get(line, 1, length)).isEqualTo(value);
                }
            }
        }
    }

    @Test
    void sizeMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new ByteValueCache(100)).isInstanceOf(IllegalArgumentException.class);
    }
}
