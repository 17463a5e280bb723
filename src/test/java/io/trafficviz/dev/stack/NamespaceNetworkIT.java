package io.trafficviz.dev.stack;

import io.trafficviz.dev.demo.BoundHttpClient;
import io.trafficviz.dev.demo.HttpResult;
import io.trafficviz.dev.demo.LeafService;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NamespaceNetworkIT {
    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void makesReachableNamespacesAndRemovesThemAndTheirLeftovers() throws Exception {
        assumeTrue(NamespaceNetwork.available(), "network namespaces unavailable (needs root and ip)");
        NamespaceNetwork net = NamespaceNetwork.create(Map.of("a", 5, "b", 6));
        String nsA = net.namespace("a");
        try {
            assertThat(run("ip", "netns", "list")).contains(nsA, net.namespace("b"));
            // From inside namespace a, the host's bridge address answers: a service there is reachable.
            try (LeafService host = new LeafService("host", new InetSocketAddress(net.hostAddress(), 0), 0, 1, 0, 0)) {
                host.start();
                String out = run("ip", "netns", "exec", nsA, "bash", "-c",
                        "exec 3<>/dev/tcp/" + net.hostAddress() + "/" + host.address().getPort()
                                + " && printf 'GET /x HTTP/1.0\\r\\n\\r\\n' >&3 && head -c 12 <&3");
                assertThat(out).startsWith("HTTP/1.1 200");
                assertThat(host.stats().snapshot().received()).isEqualTo(1);
            }
            // The caller address on the bridge is usable from this JVM.
            HttpResult refused = new BoundHttpClient(SourceAddresses.literal(net.callerAddress()), 1000, 1000)
                    .get(java.net.URI.create("http://" + net.address("b") + ":9/"));
            assertThat(refused.status()).isEqualTo(HttpResult.NO_RESPONSE);

            // Pretend the owner was killed: a later run removes what it left.
            Process dead = new ProcessBuilder("true").start();
            dead.waitFor();
            Files.writeString(NamespaceNetwork.OWNERS.resolve(net.address("a").split("\\.")[2]), String.valueOf(dead.pid()));
            NamespaceNetwork.removeStale();
            assertThat(run("ip", "netns", "list")).doesNotContain(nsA);
            assertThat(run("ip", "-o", "link", "show")).doesNotContain("tvzb" + net.address("a").split("\\.")[2] + ":");
        } finally {
            net.close();
        }
        assertThat(run("ip", "netns", "list")).doesNotContain(nsA);
        assertThat(List.of(net.describe())).isNotEmpty();
    }
}
