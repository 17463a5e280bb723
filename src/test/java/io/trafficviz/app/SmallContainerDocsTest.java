package io.trafficviz.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The 256 MiB container's options are written out in the docs and bench/run; they must be the ones measured. */
class SmallContainerDocsTest {
    @Test
    void theDocsAndTheBenchRowRecommendTheOptionsTheItRuns() throws IOException {
        String command = "MALLOC_ARENA_MAX=2 java " + String.join(" ", SmallContainer.JVM_OPTIONS)
                + " -jar trafficviz.jar";
        assertThat(SmallContainer.ENVIRONMENT).containsEntry("MALLOC_ARENA_MAX", "2").hasSize(1);
        for (String doc : List.of("README.md", "docs/performance.md", "docs/security.md")) {
            assertThat(Files.readString(Path.of(doc))).as(doc).contains(command);
        }
        assertThat(Files.readString(Path.of("bench/run")))
                .contains("hopts=${HOSTILE_JAVA_OPTS:-" + String.join(" ", SmallContainer.JVM_OPTIONS) + " ")
                .contains("MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}");
    }
}
