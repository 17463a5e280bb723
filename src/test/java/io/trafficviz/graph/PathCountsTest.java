package io.trafficviz.graph;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class PathCountsTest {
    @Test
    void countsLikeAMapUpToTheCapThenUnderOther() {
        PathCounts counts = new PathCounts();
        Map<String, Long> expected = new HashMap<>();
        Random r = new Random(3);
        long other = 0;
        for (int i = 0; i < 20_000; i++) {
            String path = "/p" + r.nextInt(300);
            if (expected.containsKey(path) || expected.size() < 100) {
                expected.merge(path, 1L, Long::sum);
            } else {
                other++;
            }
            counts.add(path, 100, null);
        }
        Map<String, Long> actual = counts.toMap().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue()[0]));
        expected.put(EdgeStats.OTHER_PATHS, other);
        assertThat(actual).isEqualTo(expected);
        assertThat(counts.size()).isEqualTo(101);
    }

    @Test
    void topIsTheBusiestFirstOtherIncluded() {
        PathCounts counts = new PathCounts();
        for (int p = 1; p <= 9; p++) {
            for (int i = 0; i < p * 10; i++) {
                counts.add("/p" + p, 6, null);
            }
        }
        List<Map.Entry<String, Long>> top = counts.top(3);
        // /p7, /p8, /p9 went to (other): 70 + 80 + 90 = 240
        assertThat(top).extracting(Map.Entry::getKey).containsExactly(EdgeStats.OTHER_PATHS, "/p6", "/p5");
        assertThat(top).extracting(Map.Entry::getValue).containsExactly(240L, 60L, 50L);
        assertThat(counts.top(10)).hasSize(7);
        assertThat(new PathCounts().top(5)).isEmpty();
    }
}
