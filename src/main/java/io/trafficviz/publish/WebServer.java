package io.trafficviz.publish;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import io.trafficviz.publish.http.NetworkInfo;
import io.trafficviz.publish.live.LiveHub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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

    public WebServer(NetworkInfo networkInfo, LiveHub hub, Supplier<String> metrics,
                     Supplier<Map<String, Object>> health,
                     Consumer<RoutesConfig> extraRoutes) {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson());
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
            });
            cfg.staticFiles.enableWebjars();
            cfg.http.defaultContentType = "application/json";
            // No permessage-deflate (which browsers always ask for): it compresses every message once per client, so
            // a hundred viewers would cost a hundred compressions of the same bytes. The live streams are encoded once
            // and shared (see LiveHub); the graph stream's compact form is what keeps it small instead. The set is
            // Jetty's live view of the extensions this context negotiates (LiveServerTest checks none is).
            cfg.jetty.modifyWebSocketServletFactory(factory ->
                    factory.getAvailableExtensionNames().remove("permessage-deflate"));
            // Javalin 7 reads the HTTP session's attributes at every WebSocket upgrade, which creates a session, and
            // Jetty keeps sessions in memory forever by default: each page load or reconnect would leak one. Nothing
            // here uses sessions: they are dropped when the upgrade ends, and no cookie is set for them.
            cfg.jetty.modifyServletContextHandler(context -> {
                SessionHandler sessions = context.getSessionHandler();
                NullSessionCache none = new NullSessionCache(sessions);
                none.setSessionDataStore(new NullSessionDataStore());
                sessions.setSessionCache(none);
                sessions.setUsingCookies(false);
            });
            RoutesConfig routes = cfg.routes;
            routes.before(ctx -> {
                ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
            });
            routes.get("/network_info", ctx -> ctx.json(
                    networkInfo.document("logical".equals(ctx.queryParam("view")), System.currentTimeMillis())));
            routes.get("/health", ctx -> {
                Map<String, Object> doc = health.get();
                ctx.status("ok".equals(doc.get("status")) ? 200 : 503).json(doc);
            });
            routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.get()));
            routes.get("/access_logs", ctx -> page(ctx, "/web/access_logs.html"));
            routes.ws("/access_logs", ws -> {
                ws.onConnect(ctx -> hub.connect(ctx, LiveHub.Channel.ACCESS_LOG));
                ws.onClose(ctx -> hub.disconnect(ctx));
                ws.onError(ctx -> hub.disconnect(ctx));
            });
            routes.ws("/ws/graph", ws -> {
                ws.onConnect(ctx -> hub.connect(ctx, LiveHub.Channel.GRAPH));
                ws.onClose(ctx -> hub.disconnect(ctx));
                ws.onError(ctx -> hub.disconnect(ctx));
            });
            if (extraRoutes != null) {
                extraRoutes.accept(routes);
            }
        });
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
