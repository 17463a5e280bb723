package io.trafficviz.publish.wire;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.trafficviz.model.RequestEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Writes a {@link RequestEvent} as the event object of docs/protocol.md. */
public final class EventJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private EventJson() {
    }

    public static String write(RequestEvent e) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toString();
    }

    /** The same, as UTF-8: what goes on the wire, encoded once whatever the number of clients. */
    public static byte[] writeBytes(RequestEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(768);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            write(g, e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, RequestEvent e) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", e.seq());
        g.writeNumberField("time", e.time());
        g.writeStringField("server", e.server());
        g.writeStringField("network", e.network());
        g.writeStringField("proxy", e.proxy());
        g.writeStringField("from", e.from());
        g.writeStringField("to", e.to());
        g.writeStringField("fromId", e.fromId());
        g.writeStringField("proxyId", e.proxyId());
        g.writeStringField("toId", e.toId());
        g.writeArrayFieldStart("hops");
        g.writeString(e.fromId());
        g.writeString(e.proxyId());
        // A gateway forwarding to another proxy: that proxy's own line carries the rest of the journey (from the
        // gateway on), so this event's hops stop at the gateway, as the graph counts that hop once.
        if (!CompactEvents.hopsEndAtProxy(e)) {
            g.writeString(e.toId());
        }
        g.writeEndArray();
        g.writeStringField("method", e.method());
        g.writeStringField("host", e.host());
        g.writeStringField("path", e.path());
        g.writeNumberField("status", e.status());
        g.writeNumberField("durationMs", Math.round(e.durationMs() * 1000) / 1000.0);
        g.writeStringField("outcome", e.error() ? "error" : "ok");
        g.writeStringField("answeredBy", e.answeredByProxy() ? "proxy" : "service");
        g.writeBooleanField("outsider", e.outsider());
        if (e.requestId() != null) {
            g.writeStringField("requestId", e.requestId());
        }
        g.writeEndObject();
    }
}
