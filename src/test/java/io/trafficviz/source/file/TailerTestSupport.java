package io.trafficviz.source.file;

import io.trafficviz.source.LineSink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Temp directory, tailer lifecycle and file-writing helpers shared by the tailer tests. */
abstract class TailerTestSupport {

    @TempDir
    Path dir;

    private final List<FileTailer> tailers = new ArrayList<>();

    @AfterEach
    void closeTailers() {
        tailers.forEach(FileTailer::close);
    }

    Path log() {
        return dir.resolve("access.log");
    }

    TailerOptions options(Path path) {
        return TailerOptions.of(path);
    }

    FileTailer tail(TailerOptions options, LineSink sink) {
        FileTailer tailer = new FileTailer(options, sink);
        tailers.add(tailer);
        tailer.start();
        return tailer;
    }

    static void append(Path file, String text) throws IOException {
        append(file, text.getBytes(StandardCharsets.UTF_8));
    }

    static void append(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
}
