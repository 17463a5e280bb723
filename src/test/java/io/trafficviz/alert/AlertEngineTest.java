package io.trafficviz.alert;

import io.trafficviz.ingest.EventListener;
import io.trafficviz.ingest.LiveRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Firing and resolved, deduplication, a rule's minInterval, what the graph held at start, per-request cost. */
class AlertEngineTest {
    @TempDir
    Path dir;

    private static final String OUTSIDER = """
            alerts:
              rules:
                - {name: outsider, kind: outsider, scope: {proxy: private-proxy}, window: 10m, minInterval: 0s}
            """;

    @Test
    void anOutsiderIsToldOnceThenOncePerWindowWhileItGoesOn_andResolvesAWindowAfterItStops() throws Exception {
        try (AlertRig rig = new AlertRig(dir, OUTSIDER)) {
            rig.routed("priv.log", "203.0.113.7", "billing", 200, 5, 3);
            rig.tick(250);
            rig.routed("priv.log", "203.0.113.7", "billing", 200, 5, 3);
            rig.tick(60_000);
            assertThat(rig.told).extracting(Alert::rule, Alert::firing).containsExactly(tuple("outsider", true));
            Alert first = rig.told.get(0);
            assertThat(first.fromId()).isEqualTo("external:server-a/priv-net");
            assertThat(first.toId()).isEqualTo("service:server-a/billing");
            assertThat(first.summary()).contains("called private proxy server-a/private-proxy");

            rig.routed("priv.log", "203.0.113.7", "billing", 200, 5, 1);
            rig.tick(5 * 60_000);
            assertThat(rig.told).hasSize(1);
            rig.routed("priv.log", "203.0.113.7", "billing", 200, 5, 1);
            rig.tick(5 * 60_000); // a window after it was told, still calling: told again, as the same alert
            assertThat(rig.told).extracting(Alert::firing).containsExactly(true, true);
            assertThat(rig.told.get(1).startsAt()).isEqualTo(first.startsAt());

            rig.tick(10 * 60_000); // a window without: resolved
            assertThat(rig.told).extracting(Alert::firing).containsExactly(true, true, false);
            assertThat(rig.told.get(2).endsAt()).isEqualTo(rig.now);
            assertThat(rig.engine.firing()).isEmpty();
        }
    }

    @Test
    void aConditionFiresOnceWhileItHolds_resolvesWhenTheWindowIsClean_andAFlapInsideMinIntervalIsNotTold()
            throws Exception {
        try (AlertRig rig = new AlertRig(dir, """
                alerts:
                  rules:
                    - {name: errors, kind: errorShare, window: 1m, threshold: 0.1, minRequests: 10, minInterval: 10m}
                """)) {
            rig.routed("pub.log", "203.0.113.8", "shop", 502, 5, 5);
            rig.routed("pub.log", "203.0.113.8", "shop", 200, 5, 15);
            rig.tick(1_000);
            rig.tick(1_000);
            assertThat(rig.told).extracting(Alert::rule, Alert::firing).containsExactly(tuple("errors", true));
            assertThat(rig.told.get(0).summary()).contains("25.0 % errors over 1m (5 of 20 requests)");
            assertThat(rig.engine.firing()).hasSize(1);

            rig.tick(70_000); // the errors left the window: resolved, but inside minInterval it waits
            assertThat(rig.engine.firing()).isEmpty();
            rig.routed("pub.log", "203.0.113.8", "shop", 502, 5, 20); // and it is back before anyone was told
            rig.tick(1_000);
            rig.tick(500_000);
            rig.routed("pub.log", "203.0.113.8", "shop", 502, 5, 20);
            rig.tick(30_000); // minInterval has passed
            assertThat(rig.told).hasSize(1); // the flap was never told: firing is what was said and what is

            rig.routed("pub.log", "203.0.113.8", "shop", 200, 5, 1);
            rig.tick(2 * 60_000);
            assertThat(rig.told).extracting(Alert::firing).containsExactly(true, false);
        }
    }

    @Test
    void whatTheGraphHeldAtStartIsNotNew() throws Exception {
        try (AlertRig rig = new AlertRig(dir, """
                alerts:
                  rules:
                    - {name: edge, kind: newEdge}
                    - {name: caller, kind: newCaller}
                """)) {
            rig.ingest.setListener(EventListener.NONE);
            rig.routed("pub.log", "203.0.113.8", "shop", 200, 5, 1);
            rig.engine.seed(rig.ingest.snapshot(true, rig.now));
            rig.ingest.setListener(rig.engine);
            rig.routed("pub.log", "203.0.113.8", "shop", 200, 5, 1);
            rig.tick(250);
            assertThat(rig.told).isEmpty();
            rig.routed("pub.log", "203.0.113.8", "cart", 200, 5, 1);
            rig.tick(250);
            assertThat(rig.told).extracting(Alert::rule, Alert::toId)
                    .containsExactly(tuple("edge", "service:server-a/cart"));
        }
    }

    /** Alertmanager forgets a firing alert that is not told again: firing ones are refreshed every minute, once told. */
    @Test
    void firingAlertsAreRefreshedEveryMinute_resolvedOnesAreNot() throws Exception {
        try (AlertRig rig = new AlertRig(dir, OUTSIDER)) {
            rig.tick(AlertEngine.RESEND_MILLIS); // a refresh round with nothing firing
            rig.routed("priv.log", "203.0.113.7", "billing", 200, 5, 1);
            rig.tick(250);
            assertThat(rig.refreshed).isEmpty();
            rig.routed("priv.log", "203.0.113.7", "billing", 200, 5, 1);
            rig.tick(AlertEngine.RESEND_MILLIS);
            assertThat(rig.refreshed).extracting(Alert::rule, Alert::firing).containsExactly(tuple("outsider", true));
            rig.tick(10 * 60_000); // resolved a window later
            rig.tick(AlertEngine.RESEND_MILLIS);
            assertThat(rig.refreshed).hasSize(1);
            assertThat(rig.told).extracting(Alert::firing).containsExactly(true, false);
        }
    }

    /** An alert told in a refresh round (here the engine's first look) goes to Alertmanager once, not twice at once. */
    @Test
    void anAlertFiringInARefreshRound_isToldOnceThen() throws Exception {
        try (AlertRig rig = new AlertRig(dir, OUTSIDER)) {
            rig.routed("priv.log", "203.0.113.7", "billing", 200, 5, 1);
            rig.tick(AlertEngine.RESEND_MILLIS);
            assertThat(rig.told).extracting(Alert::firing).containsExactly(true);
            assertThat(rig.refreshed).isEmpty();
        }
    }

    /** A window rule keeps slots for the subjects busy in its window only: its memory follows traffic. */
    @Test
    void aWindowRuleForgetsSubjectsWhoseWindowIsEmpty() throws Exception {
        try (AlertRig rig = new AlertRig(dir, """
                alerts:
                  rules:
                    - {name: slow, kind: latencyP95, window: 1m}
                    - {name: scan, kind: noRouterSurge, window: 1m}
                """)) {
            rig.routed("pub.log", "203.0.113.8", "shop", 200, 5, 3);
            rig.routed("pub.log", "203.0.113.8", "cart", 200, 5, 3);
            rig.unrouted("pub.log", "198.51.100.4", 3);
            rig.tick(1_000);
            assertThat(rig.engine.windowSubjects(0)).isEqualTo(3); // the two edges, and the proxy's own answers
            assertThat(rig.engine.windowSubjects(1)).isEqualTo(1);
            rig.routed("pub.log", "203.0.113.8", "shop", 200, 5, 1);
            rig.tick(40_000);
            rig.tick(30_000);
            assertThat(rig.engine.windowSubjects(0)).isEqualTo(1);
            assertThat(rig.engine.windowSubjects(1)).isZero();
            rig.tick(60_000);
            assertThat(rig.engine.windowSubjects(0)).isZero();
        }
    }

    /** Ingest's thread only counts: a known route costs no allocation, with 50 rules as with none. */
    @Test
    void aRequestOnAKnownRouteAllocatesNothing() throws Exception {
        StringBuilder rules = new StringBuilder("alerts:\n  rules:\n");
        for (int i = 0; i < 50; i++) {
            String kind = switch (i % 5) {
                case 0 -> "errorShare";
                case 1 -> "latencyP95";
                case 2 -> "outsider";
                case 3 -> "noRouterSurge";
                default -> "newEdge";
            };
            rules.append("    - {name: r").append(i).append(", kind: ").append(kind).append("}\n");
        }
        try (AlertRig rig = new AlertRig(dir, rules.toString())) {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] allocated = new long[2];
            rig.ingest.setListener(new EventListener() {
                @Override
                public boolean wantsEvents() {
                    return true;
                }

                @Override
                public void onRequest(LiveRequest request) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    rig.engine.onRequest(request);
                    long after = threads.getCurrentThreadAllocatedBytes();
                    allocated[0] += after - before;
                    allocated[1]++;
                }
            });
            rig.routed("pub.log", "203.0.113.8", "shop", 200, 5, 20_000); // known, and the JIT has seen it
            allocated[0] = 0;
            allocated[1] = 0;
            rig.routed("pub.log", "203.0.113.8", "shop", 200, 5, 10_000);
            rig.routed("priv.log", "203.0.113.9", "billing", 502, 5, 10_000);
            assertThat(allocated[1]).isEqualTo(20_000);
            // the two routes' first sight allocates its counters (a few KB); nothing per request after that
            assertThat(allocated[0]).isLessThan(20_000);
        }
    }
}
