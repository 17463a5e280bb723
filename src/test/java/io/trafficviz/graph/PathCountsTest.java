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
        PathCounts counts = new PathCounts(new PathPool());
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
            counts.add(path, 100);
        }
        Map<String, Long> actual = counts.toMap().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue()[0]));
        expected.put(EdgeStats.OTHER_PATHS, other);
        assertThat(actual).isEqualTo(expected);
        assertThat(counts.size()).isEqualTo(101);
    }

    @Test
    void topIsTheBusiestFirstOtherIncluded() {
        PathCounts counts = new PathCounts(new PathPool());
        for (int p = 1; p <= 9; p++) {
            for (int i = 0; i < p * 10; i++) {
                counts.add("/p" + p, 6);
            }
        }
        List<Map.Entry<String, Long>> top = counts.top(3);
        // /p7, /p8, /p9 went to (other): 70 + 80 + 90 = 240
        assertThat(top).extracting(Map.Entry::getKey).containsExactly(EdgeStats.OTHER_PATHS, "/p6", "/p5");
        assertThat(top).extracting(Map.Entry::getValue).containsExactly(240L, 60L, 50L);
        assertThat(counts.top(10)).hasSize(7);
        assertThat(new PathCounts(new PathPool()).top(5)).isEmpty();
    }

    @Test
    void aCountPastFourBillionCarriesOver() {
        PathCounts counts = new PathCounts(new PathPool());
        counts.add("/busy", 10);
        counts.setCountForTest("/busy", 0xFFFF_FFFEL);
        for (int i = 0; i < 3; i++) {
            counts.add("/busy", 10);
        }
        assertThat(counts.toMap().get("/busy")[0]).isEqualTo(0xFFFF_FFFEL + 3);
        assertThat(counts.top(1).get(0).getValue()).isEqualTo(0xFFFF_FFFEL + 3);
    }

    @Test
    void edgesOfOnePoolHoldOneCopyOfEachText() {
        PathPool pool = new PathPool();
        PathCounts a = new PathCounts(pool);
        PathCounts b = new PathCounts(pool);
        a.add(new String("/same"), 10);
        b.add(new String("/same"), 10);
        b.add("/only-b", 10);
        assertThat(pool.size()).isEqualTo(2);
        assertThat(a.toMap().keySet().iterator().next()).isSameAs(b.toMap().keySet().iterator().next());
    }
}
