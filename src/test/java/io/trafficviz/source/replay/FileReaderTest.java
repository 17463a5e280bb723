package io.trafficviz.source.replay;

import io.trafficviz.source.LineSplitter;

import io.trafficviz.source.LineBatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryLineOfTheFixture() throws Exception {
        Path fixture = Path.of("src/test/resources/fixtures/traefik-3.4/combined-access.json.log");
        List<String> lines = new ArrayList<>();

        long count = FileReader.readAll(fixture, lines::add);

        assertThat(count).isEqualTo(lines.size());
        assertThat(lines).isEqualTo(Files.readAllLines(fixture, StandardCharsets.UTF_8));
    }

    @Test
    void deliversLastLineWithoutNewlineAndStripsCrlf() throws Exception {
        Path file = dir.resolve("a.log");
        Files.writeString(file, "one\r\ntwo\nthree");
        List<String> lines = new ArrayList<>();

        assertThat(FileReader.readAll(file, lines::add)).isEqualTo(3);
        assertThat(lines).containsExactly("one", "two", "three");
    }

    @Test
    void spansBufferBoundariesAndTruncatesLongLines() throws Exception {
        Path file = dir.resolve("big.log");
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            content.append("line ").append(i).append('\n');
        }
        content.append("y".repeat(100)).append('\n');
        Files.writeString(file, content);
        List<String> lines = new ArrayList<>();

        assertThat(FileReader.readAll(file, 50, lines::add)).isEqualTo(100_001);
        assertThat(lines.get(99_999)).isEqualTo("line 99999");
        assertThat(lines.get(100_000)).isEqualTo("y".repeat(50));
    }

    @Test
    void emptyFileHasNoLines() throws Exception {
        Path file = Files.createFile(dir.resolve("empty.log"));
        assertThat(FileReader.readAll(file, line -> { })).isZero();
    }

    @Test
    void chunksHandOutTheSameLinesAsBytesAsTheyDoAsStrings() throws Exception {
        Path file = dir.resolve("mixed.log");
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            content.append(i % 7 == 0 ? "caf\u00e9 \ud83d\ude00 " : "line ").append(i).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        content.append("x".repeat(LineSplitter.DEFAULT_MAX_LINE_BYTES + 10)).append('\n').append("last, no newline");
        Files.writeString(file, content);
        byte[] invalid = {'b', 'a', (byte) 0xC3, 'd', '\n'};
        Files.write(file, invalid, java.nio.file.StandardOpenOption.APPEND);

        List<String> asStrings = new ArrayList<>();
        FileReader.readAll(file, asStrings::add);
        List<String> asBytes = new ArrayList<>();
        try (FileReader.Chunks chunks = new FileReader.Chunks(file, 4096)) {
            LineBatch batch = new LineBatch(file.toString());
            boolean more = true;
            while (more) {
                more = chunks.next(batch);
                asBytes.addAll(batch.texts());
                batch.clear();
            }
        }

        assertThat(asBytes).hasSize(20_002).isEqualTo(asStrings);
        assertThat(asBytes.get(7)).isEqualTo("caf\u00e9 \ud83d\ude00 7");
        assertThat(asBytes.get(20_000)).hasSize(LineSplitter.DEFAULT_MAX_LINE_BYTES);
        assertThat(asBytes.get(20_001)).isEqualTo("last, no newlineba\uFFFDd");
    }
}
