package io.trafficviz.ingest;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.publish.http.CallersDoc;
import io.trafficviz.publish.wire.Masking;
import io.trafficviz.source.LineBatch;
import io.trafficviz.telemetry.CallerTraffic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What the page's noise switch and prefix split read ({@code /callers}): requests per caller and proxy, how many
 * matched no router, and the external callers by client prefix; a masked viewer gets no prefixes.
 */
class CallerTrafficTest {
    private static final String EXTERNAL = "external:a/pub-net";
    private static final String PUBLIC_PROXY = "proxy:a/pub";
    private static final String PRIVATE_PROXY = "proxy:a/priv";

    @TempDir
    Path dir;
    private TrafficvizApp app;
    private Ingest ingest;

    @BeforeEach
    void start() throws Exception {
        Files.createFile(dir.resolve("pub.log"));
        Files.createFile(dir.resolve("priv.log"));
        app = TrafficvizApp.create(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  - name: a
                    proxies:
                      - {name: pub, role: public, network: pub-net, accessLog: pub.log}
                      - {name: priv, role: private, network: priv-net, accessLog: priv.log}
                """, dir), true);
        app.hub().close();
        ingest = app.ingest();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private String log(String name) {
        return app.logFiles().keySet().stream().filter(p -> p.endsWith(name)).findFirst().orElseThrow();
    }

    /** A routed request to a service. */
    private void routed(String file, String client, int status) {
        ingest.accept(LineBatch.of(log(file), List.of("{\"ClientHost\":\"" + client + "\",\"DownstreamStatus\":" + status
                + ",\"OriginStatus\":" + status + ",\"RouterName\":\"r@file\",\"Duration\":2000000,"
                + "\"RequestMethod\":\"GET\",\"RequestPath\":\"/p\",\"RequestHost\":\"h\","
                + "\"ServiceName\":\"api@file\",\"ServiceURL\":\"http://172.25.0.9:80\"}")));
    }

    /** What Traefik logs for a request no router matched: no router, no service, its own 404. */
    private void unrouted(String file, String client, int status) {
        ingest.accept(LineBatch.of(log(file), List.of("{\"ClientHost\":\"" + client + "\",\"DownstreamStatus\":" + status
                + ",\"OriginStatus\":0,\"Duration\":20000,\"RequestMethod\":\"GET\",\"RequestPath\":\"/.env\","
                + "\"RequestHost\":\"x\"}")));
    }

    @Test
    void countsRequestsAndUnroutedOnesPerCallerAndProxyAndExternalCallersByPrefix() {
        routed("pub.log", "203.0.113.7", 200);
        routed("pub.log", "203.0.113.8", 502);
        unrouted("pub.log", "203.0.113.8", 404);
        unrouted("pub.log", "198.51.100.9", 404);
        unrouted("pub.log", "198.51.100.10", 404);
        unrouted("pub.log", "2001:db8:1:2::5", 404);
        // Traefik answering itself otherwise (a redirect, no healthy server) is not "no router matched".
        unrouted("pub.log", "192.0.2.1", 503);
        unrouted("priv.log", "10.0.0.99", 404);

        CallerTraffic traffic = ingest.callerTraffic();
        assertThat(traffic.callers()).extracting(CallerTraffic.Caller::callerId, CallerTraffic.Caller::proxyId,
                        CallerTraffic.Caller::requests, CallerTraffic.Caller::unrouted)
                .containsExactlyInAnyOrder(
                        tuple(EXTERNAL, PUBLIC_PROXY, 7L, 4L),
                        tuple("unrecognised:a/priv-net/10.0.0.99", PRIVATE_PROXY, 1L, 1L));
        assertThat(traffic.prefixes()).extracting(CallerTraffic.Prefix::externalId, CallerTraffic.Prefix::prefix,
                        CallerTraffic.Prefix::requests, CallerTraffic.Prefix::unrouted, CallerTraffic.Prefix::errors)
                .containsExactlyInAnyOrder(
                        tuple(EXTERNAL, "203.0.113.0/24", 3L, 1L, 2L),
                        tuple(EXTERNAL, "198.51.100.0/24", 2L, 2L, 2L),
                        tuple(EXTERNAL, "2001:db8:1::/48", 1L, 1L, 1L),
                        tuple(EXTERNAL, "192.0.2.0/24", 1L, 0L, 1L));
        assertThat(traffic.untracked()).isZero();
    }

    @Test
    void aViewerWithMaskedAddressesGetsMaskedCallersAndNoPrefixes() {
        routed("pub.log", "203.0.113.7", 200);
        unrouted("priv.log", "10.0.0.99", 404);
        CallerTraffic traffic = ingest.callerTraffic();

        Map<String, Object> admin = CallersDoc.document(traffic, Masking.NONE);
        assertThat(admin.get("prefixesHidden")).isEqualTo(false);
        assertThat((List<?>) admin.get("prefixes")).hasSize(1);

        Map<String, Object> viewer = CallersDoc.document(traffic, Masking.of(true, true));
        assertThat(viewer.get("prefixesHidden")).isEqualTo(true);
        assertThat(viewer.get("prefixes")).isNull();
        assertThat(viewer.toString()).doesNotContain("203.0.113", "10.0.0.99");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> callers = (List<Map<String, Object>>) viewer.get("callers");
        assertThat(callers).extracting(c -> (String) c.get("caller"))
                .anyMatch(id -> id.startsWith("unrecognised:a/priv-net/10.0.0.x~"));
    }

    @Test
    void prefixesOfV4AndV6() {
        assertThat(CallerTally.prefix("203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(CallerTally.prefix("2001:db8:abcd:12::1")).isEqualTo("2001:db8:abcd::/48");
        assertThat(CallerTally.prefix("::ffff:203.0.113.5")).isNotNull();
        assertThat(CallerTally.prefix("example.org")).isNull();
    }
}
