package io.trafficviz.publish;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.trafficviz.publish.http.NetworkInfo;
import io.trafficviz.publish.live.LiveHub;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The HTTP side: {@code /network_info}, {@code /health}, {@code /metrics}, the live WebSockets and the web UI.
 * Extra routes (push intake, say) are added through {@code extraRoutes}.
 */
public final class WebServer implements AutoCloseable {
    /** Log-derived text reaches the pages; a strict policy makes any that slipped into markup inert. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'";

    private final Javalin app;

    public WebServer(NetworkInfo networkInfo, LiveHub hub, Supplier<String> metrics, Supplier<Boolean> healthy,
                     Consumer<Javalin> extraRoutes) {
        ServletContextHandler[] context = new ServletContextHandler[1];
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson());
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
            });
            cfg.staticFiles.enableWebjars();
            cfg.http.defaultContentType = "application/json";
            cfg.jetty.modifyServletContextHandler(handler -> context[0] = handler);
            // No permessage-deflate (which browsers always ask for): it compresses every message once per client, so
            // a hundred viewers would cost a hundred compressions of the same bytes. The live streams are encoded once
            // and shared (see LiveHub); the graph stream's compact form is what keeps it small instead.
            cfg.jetty.modifyWebSocketServletFactory(factory -> WebSocketServerComponents
                    .getWebSocketComponents(context[0].getServletContext()).getExtensionRegistry()
                    .unregister("permessage-deflate"));
        });
        app.before(ctx -> {
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
        });
        app.get("/network_info", ctx -> ctx.json(
                networkInfo.document("logical".equals(ctx.queryParam("view")), System.currentTimeMillis())));
        app.get("/health", ctx -> {
            boolean ok = healthy.get();
            ctx.status(ok ? 200 : 503).json(java.util.Map.of("status", ok ? "ok" : "degraded"));
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get()));
        app.get("/access_logs", ctx -> page(ctx, "/web/access_logs.html"));
        app.ws("/access_logs", ws -> {
            ws.onConnect(ctx -> hub.connect(ctx, LiveHub.Channel.ACCESS_LOG));
            ws.onClose(ctx -> hub.disconnect(ctx));
            ws.onError(ctx -> hub.disconnect(ctx));
        });
        app.ws("/ws/graph", ws -> {
            ws.onConnect(ctx -> hub.connect(ctx, LiveHub.Channel.GRAPH));
            ws.onClose(ctx -> hub.disconnect(ctx));
            ws.onError(ctx -> hub.disconnect(ctx));
        });
        if (extraRoutes != null) {
            extraRoutes.accept(app);
        }
    }

    private static void page(Context ctx, String resource) {
        try (InputStream in = WebServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                ctx.status(404).result("missing " + resource);
                return;
            }
            ctx.contentType("text/html; charset=utf-8").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
