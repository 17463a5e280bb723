package io.trafficviz.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefaultStateDirTest {

    @Test
    void followsXdgStateHomeElseTheHomeDirectory() {
        assertThat(DefaultStateDir.of(Map.of("XDG_STATE_HOME", "/var/lib"), "/home/op")).isEqualTo(Path.of("/var/lib/trafficviz"));
        assertThat(DefaultStateDir.of(Map.of(), "/home/op")).isEqualTo(Path.of("/home/op/.local/state/trafficviz"));
        // The XDG spec says a relative value is to be ignored.
        assertThat(DefaultStateDir.of(Map.of("XDG_STATE_HOME", "state"), "/home/op"))
                .isEqualTo(Path.of("/home/op/.local/state/trafficviz"));
    }

    @Test
    void oneStorePerSetOfTailedFilesWhateverTheirOrder() {
        String ab = DefaultStateDir.offsetsFileName(List.of("/var/log/a.log", "/var/log/b.log"));
        assertThat(ab).matches("offsets-[0-9a-f]{12}\\.json")
                .isEqualTo(DefaultStateDir.offsetsFileName(List.of("/var/log/b.log", "/var/log/a.log")))
                .isNotEqualTo(DefaultStateDir.offsetsFileName(List.of("/var/log/a.log")));
    }
}
