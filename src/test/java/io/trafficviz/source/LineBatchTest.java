package io.trafficviz.source;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineBatchTest {
    @Test
    void linesComeBackAsTheyWentIn_nonAsciiIncluded() {
        LineBatch batch = LineBatch.of("push:a/p", List.of("first", "caf\u00e9 \ud83d\ude00", ""));
        assertThat(batch.texts()).containsExactly("first", "caf\u00e9 \ud83d\ude00", "");
        assertThat(batch.origin()).isEqualTo("push:a/p");
        batch.clear("other");
        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.origin()).isEqualTo("other");
    }

    @Test
    void manyTinyLinesCostAboutTheirOwnSize() {
        // A push body of a million one-byte lines: the batch's bytes are about a megabyte, not 256 bytes a line.
        List<String> tiny = Collections.nCopies(1_000_000, "x");
        LineBatch batch = LineBatch.of("push:a/p", tiny);
        assertThat(batch.size()).isEqualTo(1_000_000);
        assertThat(batch.byteCount()).isEqualTo(1_000_000);
        assertThat(batch.bytes().length).isLessThan(2_000_000);
    }
}
