package io.trafficviz.publish.live;

import io.javalin.websocket.WsContext;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** One live client as {@link LiveHub} sees it: somewhere to send text frames that are already UTF-8. */
interface Peer {
    /**
     * Sends {@code utf8} (a complete JSON message) as one text frame, asynchronously. The buffer's content may be
     * shared with other peers; its position and limit are this peer's own. {@code done} runs once, with whether the
     * write succeeded.
     */
    void sendText(ByteBuffer utf8, Done done);

    /**
     * Ends the connection of a client that stopped reading: the close frame is sent if it still can be, and the
     * connection is cut either way, since a frame queued behind what the client never read would never arrive.
     */
    void close(int code, String reason);

    /** Sends a ping, so a quiet connection is not taken for idle by the client, a proxy or the server's timeout. */
    default void ping() {
    }

    interface Done {
        void done(boolean ok);
    }

    /** A Javalin 7/Jetty 12 WebSocket. */
    static Peer of(WsContext ctx) {
        Session session = ctx.session;
        return new Peer() {
            @Override
            public void sendText(ByteBuffer utf8, Done done) {
                // Jetty 12's public API takes text only as a String, which it encodes to UTF-8 again: for each client
                // the shared bytes are copied twice (to a String, back to bytes). Both are plain copies for ASCII,
                // which the JSON nearly always is (docs/performance.md has the cost).
                session.sendText(decode(utf8), Callback.from(() -> done.done(true), x -> done.done(false)));
            }

            @Override
            public void close(int code, String reason) {
                session.close(code, reason, Callback.NOOP);
                session.disconnect();
            }

            @Override
            public void ping() {
                session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
            }
        };
    }

    /** The text of {@code utf8} from its position to its limit, without moving them. */
    static String decode(ByteBuffer utf8) {
        if (utf8.hasArray()) {
            return new String(utf8.array(), utf8.arrayOffset() + utf8.position(), utf8.remaining(),
                    StandardCharsets.UTF_8);
        }
        return StandardCharsets.UTF_8.decode(utf8.duplicate()).toString();
    }
}
