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
    void pathsOfOneCount_areListedByTheirTextsCodePoints_whateverOrderTheyCameIn() {
        // "\uFB01" sorts after "\uD83D\uDE00" by char but before it by code point (as the store's UTF-8 compares).
        List<String> paths = List.of("/b", "/a", "/\uD83D\uDE00", "/\uFB01", "/c");
        for (List<String> order : List.of(paths, List.of("/c", "/\uFB01", "/\uD83D\uDE00", "/a", "/b"))) {
            PathCounts counts = new PathCounts(new PathPool());
            order.forEach(p -> counts.add(p, 100));
            counts.add("/busy", 100);
            counts.add("/busy", 100);
            assertThat(counts.top(4)).extracting(Map.Entry::getKey)
                    .containsExactly("/busy", "/a", "/b", "/c");
            assertThat(counts.top(6)).extracting(Map.Entry::getKey)
                    .containsExactly("/busy", "/a", "/b", "/c", "/\uFB01", "/\uD83D\uDE00");
        }
    }

    @Test
    void countsAddedAtOnce_areThoseAddedOneByOne() {
        PathCounts oneByOne = new PathCounts(new PathPool());
        PathCounts atOnce = new PathCounts(new PathPool());
        Random r = new Random(5);
        for (int i = 0; i < 40; i++) {
            String path = "/p" + r.nextInt(30);
            long n = 1 + r.nextInt(5);
            for (int k = 0; k < n; k++) {
                oneByOne.add(path, 10);
            }
            atOnce.add(path, n, 10);
        }
        atOnce.add("/late", 0xFFFF_FFFFL + 7, 10);
        for (int k = 0; k < 7; k++) {
            oneByOne.add("/late", 10);
        }
        oneByOne.addOther(0xFFFF_FFFFL);
        assertThat(atOnce.toMap().keySet()).isEqualTo(oneByOne.toMap().keySet());
        assertThat(atOnce.top(20)).isEqualTo(oneByOne.top(20));
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
