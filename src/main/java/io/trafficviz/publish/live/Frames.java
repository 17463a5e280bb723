package io.trafficviz.publish.live;

import io.trafficviz.publish.wire.JsonBytes;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * One message of a stream for every client that gets it: a head that differs by dropped count (a few bytes), then a
 * body encoded once. Clients with the same count share one buffer; another count costs a copy of the body, not an
 * encoding.
 */
final class Frames {
    private final String head;
    private final JsonBytes body;
    private final Map<Long, ByteBuffer> byDropped = new HashMap<>(4);

    /** @param body what follows the dropped count and its comma */
    Frames(String head, JsonBytes body) {
        this.head = head;
        this.body = body;
    }

    ByteBuffer with(long dropped) {
        ByteBuffer shared = byDropped.computeIfAbsent(dropped, this::build);
        return shared.duplicate(); // same bytes, this client's own position
    }

    /** This client's own message with {@code dropped} in front, not kept for other clients. */
    ByteBuffer once(long dropped) {
        return build(dropped);
    }

    /** The size of a message of these frames, give or take the dropped count's digits. */
    int length() {
        return head.length() + 24 + body.length();
    }

    private ByteBuffer build(long dropped) {
        JsonBytes out = new JsonBytes(head.length() + 24 + body.length());
        out.raw(head).number(dropped).raw(',');
        out.raw(body.array(), 0, body.length());
        return ByteBuffer.wrap(out.array(), 0, out.length());
    }
}
