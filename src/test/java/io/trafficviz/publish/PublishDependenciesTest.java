package io.trafficviz.publish;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publish stage's arrows, read from the imports of its sources (until the build has ArchUnit): it reads the
 * ingest side through {@code IngestView}'s values only (never its lock, graph or resolver), nothing in it reaches up
 * into {@code app}, and its sub-packages have no cycle. {@code model} and {@code telemetry} import nothing.
 */
class PublishDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/io/trafficviz");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.trafficviz\\.([\\w.]+);", Pattern.MULTILINE);

    /** What publish may use from outside itself. */
    private static final List<String> ALLOWED = List.of("config.", "model.", "telemetry.",
            "pipeline.IngestView", "pipeline.EventListener", "pipeline.LiveRequest",
            "graph.NodeView", "graph.EdgeView", "graph.PathCount", "graph.GraphDelta", "graph.NetworkSnapshot",
            "graph.NodeKind");

    private static List<String> imports(Path dir) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(MAIN.relativize(f) + " -> " + m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String target(String edge) {
        return edge.substring(edge.indexOf(" -> ") + 4);
    }

    @Test
    void publishReadsTheIngestSideThroughValuesOnly() {
        List<String> outside = imports(MAIN.resolve("publish")).stream()
                .filter(e -> !target(e).startsWith("publish.")).toList();
        assertThat(outside).isNotEmpty().allSatisfy(e -> assertThat(ALLOWED).anyMatch(target(e)::startsWith));
    }

    @Test
    void publishSubPackagesHaveNoCycle() {
        // wire is the bottom; live and http use it and not each other; only the root (WebServer) uses live and http.
        assertThat(imports(MAIN.resolve("publish/wire"))).noneMatch(e -> target(e).startsWith("publish."));
        assertThat(imports(MAIN.resolve("publish/live"))).allSatisfy(e -> assertThat(target(e))
                .doesNotStartWith("publish.http.").doesNotMatch("publish\\.[A-Z].*"));
        assertThat(imports(MAIN.resolve("publish/http"))).allSatisfy(e -> assertThat(target(e))
                .doesNotStartWith("publish.live.").doesNotMatch("publish\\.[A-Z].*"));
    }

    @Test
    void modelAndTelemetryImportNothing() {
        assertThat(imports(MAIN.resolve("model"))).isEmpty();
        assertThat(imports(MAIN.resolve("telemetry"))).isEmpty();
    }
}
