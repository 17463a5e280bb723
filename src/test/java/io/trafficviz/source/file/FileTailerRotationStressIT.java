package io.trafficviz.source.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.trafficviz.source.file.RotationStress.Mode;
import io.trafficviz.source.file.RotationStress.Result;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 100 rotations at 5,000 lines/s, the way logrotate with {@code rotate 10} does them (old files shifted, the
 * eleventh deleted), every line numbered: nothing lost, nothing read twice. {@code bench/run rotation} runs the
 * same with 1,000 rotations.
 */
class FileTailerRotationStressIT extends TailerTestSupport {

    @ParameterizedTest(name = "{0} every {1} ms")
    // copytruncate every 10 ms is measured by bench/run rotation, not asserted here (docs/security.md has the figures).
    @CsvSource({"RENAME, 10", "RENAME, 50", "COPYTRUNCATE, 50", "COPYTRUNCATE, 200"})
    void hundredRotationsAtFiveThousandLinesPerSecondLoseAndRepeatNothing(Mode mode, long everyMillis) throws Exception {
        Result result = RotationStress.run(dir, mode, Duration.ofMillis(everyMillis), 100, 5000);

        assertThat(result.written()).as(result.json()).isGreaterThan(0);
        assertThat(result.lost()).as(result.json()).isZero();
        assertThat(result.duplicated()).as(result.json()).isZero();
        // The rotator copies and truncates with no write in between, so nothing was destroyed: the lost lines the
        // tailer reports equal the lost lines there were, zero.
        assertThat(result.reportedLost()).as(result.json()).isEqualTo(result.lost());
    }
}
