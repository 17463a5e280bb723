package io.trafficviz.publish.live;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Backpressure: what a busy client misses is counted for it; one stalled too long is disconnected. */
class ClientRegistryTest {
    /** A peer whose writes never complete, and which remembers how it was closed. */
    private static final class Stuck implements Peer {
        final List<String> closed = new ArrayList<>();
        int pings;

        @Override
        public void ping() {
            pings++;
        }

        @Override
        public void sendText(ByteBuffer utf8, Done done) {
        }

        @Override
        public void close(int code, String reason) {
            closed.add(code + " " + reason);
        }
    }

    @Test
    void aBusyClientIsCountedItsDropsAndAStalledOneDisconnected() {
        ClientRegistry clients = new ClientRegistry();
        Stuck peer = new Stuck();
        Client client = new Client("k", peer, LiveHub.Channel.GRAPH);
        clients.add(client);
        assertThat(clients.graphOnly()).isTrue();
        assertThat(clients.disconnectIfStalled(client, System.currentTimeMillis() + ClientRegistry.STALL_MILLIS + 1))
                .as("nothing in flight yet").isFalse();

        clients.send(client, ByteBuffer.wrap(new byte[] {'{', '}'}));
        long sentAt = client.inFlightSince;
        assertThat(client.inFlightBytes).isEqualTo(2);
        clients.countDropped(client, 5);
        assertThat(clients.disconnectIfStalled(client, sentAt + 10)).isFalse();
        assertThat(client.dropped).isEqualTo(5);
        assertThat(clients.count(LiveHub.Channel.GRAPH)).isEqualTo(1);

        clients.countDropped(client, 3);
        assertThat(clients.disconnectIfStalled(client, sentAt + ClientRegistry.STALL_MILLIS + 1)).isTrue();
        assertThat(clients.isEmpty()).isTrue();
        assertThat(clients.watched()).isFalse();
        assertThat(peer.closed).singleElement().asString().startsWith("1008 too slow");
        assertThat(clients.stats().droppedEvents()).isEqualTo(8);
        assertThat(clients.stats().slowDisconnects()).isEqualTo(1);
    }

    @Test
    void aFailedWriteForgetsTheClientAndAGoodOneIsCounted() {
        ClientRegistry clients = new ClientRegistry();
        Client ok = new Client("ok", new LiveHubTest.FakePeer(true), LiveHub.Channel.ACCESS_LOG);
        Client bad = new Client("bad", new Peer() {
            @Override
            public void sendText(ByteBuffer utf8, Done done) {
                done.done(false);
            }

            @Override
            public void close(int code, String reason) {
            }
        }, LiveHub.Channel.GRAPH);
        clients.add(ok);
        clients.add(bad);
        assertThat(clients.graphOnly()).isFalse();
        clients.send(ok, ByteBuffer.wrap(new byte[] {'[', ']'}));
        clients.send(bad, ByteBuffer.wrap(new byte[] {'[', ']'}));
        assertThat(clients.count(LiveHub.Channel.GRAPH)).isZero();
        assertThat(clients.stats().sentMessages()).isEqualTo(1);
        assertThat(clients.stats().sentBytes()).isEqualTo(2);
        assertThat(ok.inFlight).isFalse();
    }

    /** A stalled client is found even when no new message comes to skip it, and only quiet clients are pinged. */
    @Test
    void theSweepDisconnectsAStalledClientAndPingsQuietOnes() {
        ClientRegistry clients = new ClientRegistry();
        Stuck stalled = new Stuck();
        Stuck quiet = new Stuck();
        Client busy = new Client("stalled", stalled, LiveHub.Channel.ACCESS_LOG);
        Client idle = new Client("quiet", quiet, LiveHub.Channel.GRAPH);
        clients.add(busy);
        clients.add(idle);
        clients.send(busy, ByteBuffer.wrap(new byte[] {'{', '}'}));
        long t0 = busy.inFlightSince;
        long start = idle.lastActivity;

        clients.sweep(start + ClientRegistry.PING_MILLIS - 1);
        assertThat(quiet.pings).as("not quiet long enough yet").isZero();
        clients.sweep(start + ClientRegistry.PING_MILLIS);
        assertThat(quiet.pings).isEqualTo(1);
        clients.sweep(start + ClientRegistry.PING_MILLIS + 1_000);
        assertThat(quiet.pings).as("one ping per interval").isEqualTo(1);
        assertThat(stalled.pings).as("a client busy writing is not pinged").isZero();

        clients.sweep(t0 + ClientRegistry.STALL_MILLIS + 1);
        assertThat(stalled.closed).singleElement().asString().startsWith("1008 too slow");
        assertThat(clients.count(LiveHub.Channel.ACCESS_LOG)).isZero();
        assertThat(clients.count(LiveHub.Channel.GRAPH)).isEqualTo(1);
        assertThat(clients.graphOnly()).isTrue();
        clients.sweep(t0 + ClientRegistry.STALL_MILLIS + 2_000);
        assertThat(clients.stats().slowDisconnects()).as("disconnected once").isEqualTo(1);
        assertThat(ClientRegistry.STALL_MILLIS + LiveHub.SWEEP_MILLIS).as("gone within 10 s").isLessThan(10_000);
    }
}
