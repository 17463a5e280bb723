package io.trafficviz.publish.live;

import io.javalin.websocket.WsContext;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

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

    void close(int code, String reason);

    interface Done {
        void done(boolean ok);
    }

    /** A Javalin/Jetty 11 WebSocket. */
    static Peer of(WsContext ctx) {
        return new Peer() {
            @Override
            public void sendText(ByteBuffer utf8, Done done) {
                // Jetty's RemoteEndpoint only takes a String for text, and encodes it to UTF-8 for every client. Its
                // core session takes the frame's payload as bytes: the bytes every client shares.
                if (ctx.session instanceof WebSocketSession session) {
                    CoreSession core = session.getCoreSession();
                    core.sendFrame(new Frame(OpCode.TEXT, utf8), Callback.from(() -> done.done(true),
                            x -> done.done(false)), false);
                    return;
                }
                ctx.session.getRemote().sendString(StandardCharsets.UTF_8.decode(utf8).toString(), new WriteCallback() {
                    @Override
                    public void writeSuccess() {
                        done.done(true);
                    }

                    @Override
                    public void writeFailed(Throwable x) {
                        done.done(false);
                    }
                });
            }

            @Override
            public void close(int code, String reason) {
                ctx.closeSession(code, reason);
            }
        };
    }
}
