package io.trafficviz.publish.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PeerTest {
    @Test
    void peerDecodesOnlyItsOwnPartOfASharedBuffer() {
        byte[] shared = "xx{\"path\":\"/caf\u00e9\"}yy".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(shared, 1, shared.length - 2).slice();
        view.position(1).limit(view.limit() - 1);
        assertThat(Peer.decode(view)).isEqualTo("{\"path\":\"/caf\u00e9\"}");
        assertThat(view.position()).isEqualTo(1);
    }
}
