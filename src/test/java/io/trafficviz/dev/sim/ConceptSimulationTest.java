package io.trafficviz.dev.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulation tells the concept's story: communicating services answer 200 with what their callees returned, so
 * the red sits on the edges into the non-communicating service; propagating is an option.
 */
class ConceptSimulationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS = 400;

    /** One outside user's request: the public proxy's line and the private proxy's lines it caused. */
    record Request(JsonNode publicLine, List<JsonNode> privateLines) {
        int publicStatus() {
            return publicLine.path("DownstreamStatus").asInt();
        }

        List<Integer> statusesOf(String router) {
            return privateLines.stream().filter(l -> l.path("RouterName").asText().equals(router + "@file"))
                    .map(l -> l.path("DownstreamStatus").asInt()).toList();
        }
    }

    private static List<Request> simulate(Path dir, boolean propagate) throws IOException {
        List<Request> requests = new ArrayList<>();
        try (ConceptSimulation sim = new ConceptSimulation(dir, 42, propagate)) {
            int publicSeen = 0;
            int privateSeen = 0;
            for (int i = 0; i < USERS; i++) {
                sim.userRequest(1_700_000_000_000L + i);
                List<String> pub = Files.readAllLines(sim.publicLogPath());
                List<String> priv = Files.readAllLines(sim.privateLogPath());
                List<JsonNode> privateLines = new ArrayList<>();
                for (String l : priv.subList(privateSeen, priv.size())) {
                    privateLines.add(JSON.readTree(l));
                }
                assertThat(pub).hasSize(publicSeen + 1);
                requests.add(new Request(JSON.readTree(pub.get(publicSeen)), privateLines));
                publicSeen = pub.size();
                privateSeen = priv.size();
            }
        }
        return requests;
    }

    private static Map<Integer, Integer> count(List<Integer> statuses) {
        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach(s -> counts.merge(s, 1, Integer::sum));
        return counts;
    }

    @Test
    void communicatingServicesAnswer200WhateverTheirCalleesAnswered(@TempDir Path dir) throws IOException {
        List<Request> requests = simulate(dir, false);

        List<Integer> leaf = new ArrayList<>();
        List<Integer> mids = new ArrayList<>();
        for (Request r : requests) {
            leaf.addAll(r.statusesOf(ConceptSimulation.LEAF.name()));
            mids.addAll(r.statusesOf(ConceptSimulation.PRIVATE_1.name()));
            mids.addAll(r.statusesOf(ConceptSimulation.PRIVATE_2.name()));
            // a user's answer is 200 unless they gave up (499): no leaf failure, no gone backend reaches them
            assertThat(r.publicStatus()).isIn(200, 499);
        }
        // the seeded run: about 40% of the leaf's answers are 400, and they are the only red besides the rare
        // gone backend (502 on the private proxy's edge into private-communicating-service-2) and unrouted 404s
        assertThat(count(leaf)).isEqualTo(Map.of(200, 481, 400, 319));
        assertThat(count(mids)).isEqualTo(Map.of(200, 785, 502, 15));
        assertThat(count(requests.stream().map(Request::publicStatus).toList())).isEqualTo(Map.of(200, 387, 499, 13));
    }

    @Test
    void withPropagationAFailedCallMakesEveryCallerAbove502(@TempDir Path dir) throws IOException {
        List<Request> requests = simulate(dir, true);

        for (Request r : requests) {
            List<Integer> leaf = r.statusesOf(ConceptSimulation.LEAF.name());
            List<Integer> mids = new ArrayList<>(r.statusesOf(ConceptSimulation.PRIVATE_1.name()));
            mids.addAll(r.statusesOf(ConceptSimulation.PRIVATE_2.name()));
            for (int i = 0; i < 2; i++) {
                if (leaf.get(i) == 400) {
                    assertThat(mids.get(i)).isEqualTo(502);
                }
            }
            if (r.publicStatus() != 499) {
                assertThat(r.publicStatus()).isEqualTo(mids.contains(502) ? 502 : 200);
            }
        }
        // the same seeded traffic as above, now mostly red at the top
        assertThat(count(requests.stream().map(Request::publicStatus).toList())).isEqualTo(Map.of(200, 135, 499, 13, 502, 252));
    }
}
