package io.trafficviz.publish.wire;

import io.trafficviz.model.RequestEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a viewer sees of client addresses and query strings. */
class MaskingTest {
    private final Masking both = Masking.of(true, true);

    @Test
    void anAddress_keepsItsNetwork_andATagThatTellsCallersApart() {
        String a = both.address("192.168.99.7");
        assertThat(a).startsWith("192.168.99.x~").hasSize("192.168.99.x~".length() + 6).doesNotContain(".7~");
        assertThat(both.address("192.168.99.7")).isEqualTo(a);
        assertThat(both.address("192.168.99.8")).startsWith("192.168.99.x~").isNotEqualTo(a);
        assertThat(Masking.of(true, true).address("192.168.99.7")).isNotEqualTo(a); // a key per process
        assertThat(both.address("2001:db8:1:2::42")).startsWith("2001:db8:1::x~");
        assertThat(both.address("other")).isEqualTo("other");
        assertThat(Masking.NONE.address("192.168.99.7")).isEqualTo("192.168.99.7");
        assertThat(Masking.of(false, true).address("192.168.99.7")).isEqualTo("192.168.99.7");
    }

    @Test
    void aPath_losesItsQueryString() {
        assertThat(both.path("/account/reset?token=SECRET")).isEqualTo("/account/reset?…");
        assertThat(both.path("/plain")).isEqualTo("/plain");
        assertThat(Masking.of(true, false).path("/a?b=c")).isEqualTo("/a?b=c");
    }

    @Test
    void nodeIds_onlyAnUnrecognisedCallersCarryAnAddress() {
        assertThat(both.nodeId("unrecognised:a/net/10.1.2.3")).startsWith("unrecognised:a/net/10.1.2.x~");
        assertThat(both.nodeId("unrecognised:a/net/other")).isEqualTo("unrecognised:a/net/other");
        assertThat(both.nodeId("service:a/shop")).isEqualTo("service:a/shop");
    }

    @Test
    void anEvent_andAWholeDocument_areMaskedWhereverAnAddressOrQueryAppears() {
        String caller = "unrecognised:a/net/10.1.2.3";
        RequestEvent e = new RequestEvent(1, 2, "a", "net", "p", "host.example", "shop", caller, "proxy:a/p",
                "service:a/shop", "GET", "shop", "/x?k=SECRET", 200, 1.0, false, false, true);
        RequestEvent m = both.event(e);
        assertThat(m.fromId()).isEqualTo(both.nodeId(caller));
        assertThat(m.from()).isEqualTo(both.address("10.1.2.3")); // a reverse-DNS label says who it is as well
        assertThat(m.path()).isEqualTo("/x?…");
        assertThat(both.paths(List.of(e)).get(0).fromId()).isEqualTo(caller); // the stream refers by index

        NetworkInfoDoc doc = new NetworkInfoDoc(1, null, "hops", List.of(),
                List.of(new NodeDto(caller, "unrecognised", "10.1.2.3", "a", "net", List.of("10.1.2.3"), true, 4)),
                List.of(new EdgeDto(caller + "->proxy:a/p", caller, "proxy:a/p", 1, 0, null, 0, 0, 0, 0, 0, 0, 0, 0,
                        List.of(new EdgeDto.TopPath("/x?k=SECRET", 1)))),
                new NetworkInfoDoc.Overflow(0, 0),
                new NetworkInfoDoc.Outsiders(1, List.of(), List.of(new NetworkInfoDoc.Outsider(1, "a", "p", "10.1.2.3",
                        caller, "10.1.2.3", "GET", "/x?k=SECRET", 200))),
                new NetworkInfoDoc.Ingest(1, 1, null, List.of(new NetworkInfoDoc.Source("push:a/p", "json", null, 1, 1,
                        null, List.of("{\"ClientHost\":\"10.1.2.3\"}"), Map.of("lastSender", "10.1.2.3")))));
        String masked = new String(Messages.hello(both.document(doc)), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(masked).doesNotContain("10.1.2.3").doesNotContain("SECRET").contains("10.1.2.x~")
                .contains("\"ix\":4");
        assertThat(new String(Messages.hello(Masking.NONE.document(doc)), java.nio.charset.StandardCharsets.UTF_8))
                .contains("10.1.2.3").contains("SECRET");
    }
}
