package io.trafficviz.dev.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DemoServicesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BoundHttpClient client = new BoundHttpClient(null, 2000, 5000);

    private static InetSocketAddress anyPort() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    @Test
    void leafAnswers400AtTheConfiguredRateReproduciblyAndCountsWhatItAnswered() {
        int[] failures = new int[2];
        for (int run = 0; run < 2; run++) {
            try (LeafService leaf = new LeafService("leaf", anyPort(), 0.4, 7L, 0, 0)) {
                leaf.start();
                for (int i = 0; i < 200; i++) {
                    HttpResult r = client.get(leaf.baseUri().resolve("/data"));
                    assertThat(r.status()).isIn(200, 400);
                    if (r.status() == 400) {
                        failures[run]++;
                    }
                }
                ServiceStats.Snapshot s = leaf.stats().snapshot();
                assertThat(s.received()).isEqualTo(200);
                assertThat(s.answered(400)).isEqualTo(failures[run]);
                assertThat(s.answered(200)).isEqualTo(200 - failures[run]);
            }
        }
        assertThat(failures[0]).isEqualTo(failures[1]).isBetween(60, 100);
    }

    @Test
    void statsAndHealthAreServedButNotCounted() throws Exception {
        try (LeafService leaf = new LeafService("leaf", anyPort(), 0.0, 1L, 0, 0)) {
            leaf.start();
            client.get(leaf.baseUri().resolve("/a"));
            assertThat(client.get(leaf.baseUri().resolve("/_health")).status()).isEqualTo(200);
            JsonNode stats = JSON.readTree(client.get(leaf.baseUri().resolve("/_stats")).bodyText());
            assertThat(stats.path("name").asText()).isEqualTo("leaf");
            assertThat(stats.path("received").asLong()).isEqualTo(1);
            assertThat(stats.path("answered").path("200").asLong()).isEqualTo(1);
        }
    }

    @Test
    void communicatingServiceCallsEveryDownstreamAndAnswers200WithWhatTheyReturnedFailuresIncluded() throws Exception {
        try (LeafService ok = new LeafService("ok", anyPort(), 0.0, 1L, 0, 5);
             LeafService bad = new LeafService("bad", anyPort(), 1.0, 1L, 0, 5)) {
            ok.start();
            bad.start();
            try (CommunicatingService both = new CommunicatingService("both", anyPort(),
                    InetAddress.getByName("127.0.0.1"), List.of(
                    new CommunicatingService.Downstream("ok", ok.baseUri().resolve("/x")),
                    new CommunicatingService.Downstream("bad", bad.baseUri().resolve("/y"))), 5000,
                    CommunicatingService.Failures.REPORT)) {
                both.start();

                HttpResult reported = client.get(both.baseUri().resolve("/"));

                // the concept's prototype: the callee's 400 is in the body, the caller's answer is 200
                assertThat(reported.status()).isEqualTo(200);
                JsonNode body = JSON.readTree(reported.bodyText());
                assertThat(body.path("ok").asBoolean()).isFalse();
                assertThat(body.path("calls").get(0).path("status").asInt()).isEqualTo(200);
                assertThat(body.path("calls").get(1).path("status").asInt()).isEqualTo(400);
                ServiceStats.Snapshot s = both.stats().snapshot();
                assertThat(s.answered()).isEqualTo(Map.of(200, 1L));
                assertThat(s.callsTo("bad", 400)).isEqualTo(1);

                bad.close();
                HttpResult refused = client.get(both.baseUri().resolve("/"));
                assertThat(refused.status()).isEqualTo(200);
                assertThat(JSON.readTree(refused.bodyText()).path("calls").get(1).path("status").asInt())
                        .isEqualTo(HttpResult.NO_RESPONSE);
                assertThat(both.stats().snapshot().answered()).isEqualTo(Map.of(200, 2L));
            }
        }
    }

    @Test
    void communicatingServiceCallsEveryDownstreamFromItsSourceAddressAndPropagatesFailuresAs502WhenAsked() throws Exception {
        try (LeafService ok = new LeafService("ok", anyPort(), 0.0, 1L, 0, 5);
             LeafService bad = new LeafService("bad", anyPort(), 1.0, 1L, 0, 5)) {
            ok.start();
            bad.start();
            try (CommunicatingService both = new CommunicatingService("both", anyPort(),
                    InetAddress.getByName("127.0.0.1"), List.of(
                    new CommunicatingService.Downstream("ok", ok.baseUri().resolve("/x")),
                    new CommunicatingService.Downstream("bad", bad.baseUri().resolve("/y"))), 5000,
                    CommunicatingService.Failures.PROPAGATE);
                 CommunicatingService onlyOk = new CommunicatingService("only-ok", anyPort(), null, List.of(
                         CommunicatingService.Downstream.parse("ok=" + ok.baseUri().resolve("/z"))), 5000,
                         CommunicatingService.Failures.PROPAGATE)) {
                both.start();
                onlyOk.start();

                HttpResult failed = client.get(both.baseUri().resolve("/"));
                HttpResult fine = client.get(onlyOk.baseUri().resolve("/"));

                assertThat(failed.status()).isEqualTo(502);
                JsonNode body = JSON.readTree(failed.bodyText());
                assertThat(body.path("ok").asBoolean()).isFalse();
                assertThat(body.path("calls").get(0).path("status").asInt()).isEqualTo(200);
                assertThat(body.path("calls").get(1).path("status").asInt()).isEqualTo(400);
                assertThat(fine.status()).isEqualTo(200);

                ServiceStats.Snapshot s = both.stats().snapshot();
                assertThat(s.received()).isEqualTo(1);
                assertThat(s.answered(502)).isEqualTo(1);
                assertThat(s.callsTo("ok", 200)).isEqualTo(1);
                assertThat(s.callsTo("bad", 400)).isEqualTo(1);
                assertThat(onlyOk.stats().snapshot().callsTo("ok", 200)).isEqualTo(1);

                bad.close();
                HttpResult refused = client.get(both.baseUri().resolve("/"));
                assertThat(refused.status()).isEqualTo(502);
                assertThat(both.stats().snapshot().callsTo("bad", HttpResult.NO_RESPONSE)).isEqualTo(1);

                bad.start(); // restarts on the same port
                assertThat(client.get(both.baseUri().resolve("/")).status()).isEqualTo(502);
                assertThat(both.stats().snapshot().callsTo("bad", 400)).isEqualTo(2);
            }
        }
    }

    @Test
    void downstreamParsing() {
        assertThat(CommunicatingService.Downstream.parse("leaf=http://p/leaf"))
                .isEqualTo(new CommunicatingService.Downstream("leaf", URI.create("http://p/leaf")));
        assertThat(CommunicatingService.Downstream.parse("http://p/a?b=c").name()).isEqualTo("http://p/a?b=c");
    }

    @Test
    void loadGeneratorCountsWhatItSentAndGot() {
        try (LeafService leaf = new LeafService("leaf", anyPort(), 0.5, 3L, 0, 2)) {
            leaf.start();
            try (LoadGenerator load = new LoadGenerator(leaf.baseUri().resolve("/"), "public.localhost", null, 4, 5000)) {
                List<HttpResult> results = load.send(50);
                assertThat(results).hasSize(50);
                ServiceStats.Snapshot s = load.stats().snapshot();
                assertThat(s.callsTo("public.localhost")).isEqualTo(50);
                assertThat(s.callsTo("public.localhost", 400)).isEqualTo(leaf.stats().snapshot().answered(400));

                load.startSteady(200);
                sleep(300);
                load.stopSteady();
                long after = load.stats().snapshot().callsTo("public.localhost");
                assertThat(after).isGreaterThan(50);
                assertThat(leaf.stats().snapshot().received()).isEqualTo(after);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
