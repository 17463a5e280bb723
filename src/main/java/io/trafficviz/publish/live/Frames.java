package io.trafficviz.publish.live;

import io.trafficviz.publish.wire.JsonBytes;
import io.trafficviz.publish.wire.Messages;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The messages of one flush for one stream: a head that differs by dropped count (a few bytes), then a body encoded
 * once. Clients with the same count share one buffer; another count costs a copy of the body, not an encoding.
 */
final class Frames {
    private final String head;
    private final byte[] nodes; // graph batches: the "nodes" part, which lagging clients get more of
    private final JsonBytes body;
    private final Map<Long, ByteBuffer> byDropped = new HashMap<>(4);

    Frames(String head, JsonBytes body) {
        this(head, null, body);
    }

    Frames(String head, byte[] nodes, JsonBytes body) {
        this.head = head;
        this.nodes = nodes;
        this.body = body;
    }

    ByteBuffer with(long dropped) {
        ByteBuffer shared = byDropped.computeIfAbsent(dropped, d -> build(d, nodes));
        return shared.duplicate(); // same bytes, this client's own position
    }

    /** This client's own message with {@code dropped} in front, not kept for other clients. */
    ByteBuffer once(long dropped) {
        return build(dropped, nodes);
    }

    /** The size of a message of these frames, give or take the dropped count's digits. */
    int length() {
        return head.length() + 24 + (nodes == null ? 0 : nodes.length + 10) + body.length();
    }

    /** This client's own message: the batch with other nodes (those it was owed and this batch's). */
    ByteBuffer withNodes(long dropped, byte[] nodesJson) {
        return build(dropped, nodesJson);
    }

    private ByteBuffer build(long dropped, byte[] nodesJson) {
        JsonBytes out = new JsonBytes(head.length() + 24 + (nodesJson == null ? 0 : nodesJson.length + 10)
                + body.length());
        out.raw(head).number(dropped);
        if (nodesJson != null) {
            out.raw(Messages.NODES_KEY).raw(nodesJson);
        } else {
            out.raw(',');
        }
        out.raw(body.array(), 0, body.length());
        return ByteBuffer.wrap(out.array(), 0, out.length());
    }
}
