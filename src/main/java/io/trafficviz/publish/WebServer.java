package io.trafficviz.publish;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.websocket.WsContext;
import io.trafficviz.publish.auth.AuthGate;
import io.trafficviz.publish.auth.Principal;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import io.trafficviz.config.HttpConfig;
import io.trafficviz.publish.http.AlertsDoc;
import io.trafficviz.publish.http.CallersDoc;
import io.trafficviz.publish.http.NetworkInfo;
import io.trafficviz.publish.live.LiveHub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
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

    /** An open connection with nothing to read or write for this long is closed (a quiet WebSocket is pinged). */
    static final long IDLE_TIMEOUT_MILLIS = 30_000;
    /**
     * A request body slower than this is cut off with 408, checked from its first second on: a push trickling a byte
     * every few seconds would otherwise hold one of the few body slots (IntakeRoutes) for as long as it likes. Low,
     * because the rate is measured over the request's whole life, so it also falls while trafficviz itself holds a
     * push back (a batch may wait up to 5 s for ingest): at 64 KiB/s, pushes met such a wait with 408 (HostilePushIT).
     */
    static final long MIN_REQUEST_BYTES_PER_SECOND = 1024;

    /**
     * The kernel's send buffer per connection (Linux doubles it for its bookkeeping). Left to autotuning, it grew to
     * ~4 MB for a WebSocket client that stopped reading: memory held for a peer that reads nothing. This much still
     * carries ~1.3 MB/s to a browser 100 ms away, ~13 MB/s at 10 ms.
     */
    static final int SEND_BUFFER_BYTES = 64 * 1024;

    private final Javalin app;

    public WebServer(NetworkInfo networkInfo, LiveHub hub, Supplier<String> metrics,
                     Supplier<Map<String, Object>> health,
                     AlertsDoc alerts, Consumer<RoutesConfig> extraRoutes, HttpConfig http, AuthGate gate) {
        AccessGuard guard = new AccessGuard(http);
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
                // Before every route and before any WebSocket upgrade (Javalin upgrades inside its servlet).
                context.addFilter(new FilterHolder(guard), "/*", EnumSet.of(DispatcherType.REQUEST));
            });
            cfg.jetty.modifyHttpConfiguration(httpConfig -> {
                httpConfig.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
                httpConfig.setMinRequestDataRate(MIN_REQUEST_BYTES_PER_SECOND);
            });
            cfg.jetty.addConnector((server, httpConfig) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                connector.setHost(cfg.jetty.host); // set by start(host, port) before the server builds its connectors
                connector.setPort(cfg.jetty.port);
                connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
                connector.setAcceptedSendBufferSize(SEND_BUFFER_BYTES);
                connector.addEventListener(new ConnectionGuard(http.maxConnectionsPerAddress(), server.getScheduler()));
                return connector;
            });
            RoutesConfig routes = cfg.routes;
            routes.before(ctx -> {
                ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                ctx.header("X-Content-Type-Options", "nosniff");
                // Nothing leaves for other sites; same-origin (not no-referrer, under which browsers send "Origin:
                // null" with every form POST) lets the login and logout forms show where they come from (AuthGate).
                ctx.header("Referrer-Policy", "same-origin");
            });
            gate.install(routes);
            routes.get("/network_info", ctx -> networkInfo.serve(ctx, gate.masking(AuthGate.principal(ctx))));
            routes.get("/callers", ctx -> ctx.json(CallersDoc.document(networkInfo.callerTraffic(),
                    gate.masking(AuthGate.principal(ctx)))));
            routes.get("/alerts", ctx -> ctx.json(alerts.document(gate.masking(AuthGate.principal(ctx)))));
            routes.get("/health", ctx -> {
                Map<String, Object> doc = health.get();
                ctx.status("ok".equals(doc.get("status")) ? 200 : 503).json(doc);
            });
            // Liveness for a supervisor that restarts on failure (Docker's HEALTHCHECK, a Kubernetes liveness probe):
            // only a dead worker fails it. A file or state directory trafficviz cannot write is "degraded" on /health,
            // and a restart would not fix it.
            routes.get("/health/live", ctx -> {
                Map<String, Object> doc = health.get();
                boolean alive = !"failed".equals(doc.get("status"));
                Map<String, Object> live = new java.util.LinkedHashMap<>();
                live.put("status", alive ? "ok" : "failed");
                live.put("health", doc.get("status"));
                if (!alive) {
                    live.put("deadWorkers", doc.get("deadWorkers"));
                }
                ctx.status(alive ? 200 : 503).json(live);
            });
            routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.get()));
            routes.get("/access_logs", ctx -> page(ctx, "/web/access_logs.html"));
            routes.ws("/access_logs", ws -> {
                ws.onConnect(ctx -> connect(hub, gate, ctx, LiveHub.Channel.ACCESS_LOG));
                ws.onClose(ctx -> hub.disconnect(ctx));
                ws.onError(ctx -> hub.disconnect(ctx));
            });
            routes.ws("/ws/graph", ws -> {
                ws.onConnect(ctx -> connect(hub, gate, ctx, LiveHub.Channel.GRAPH));
                ws.onClose(ctx -> hub.disconnect(ctx));
                ws.onError(ctx -> hub.disconnect(ctx));
            });
            // Jetty's verdict on a request it could not read (a body under MIN_REQUEST_BYTES_PER_SECOND: 408), as
            // Jetty meant it, rather than a 500 and a stack trace a slow client could have logged at will.
            routes.exception(BadMessageException.class, (e, ctx) -> ctx.status(e.getCode())
                    .json(java.util.Map.of("error", String.valueOf(e.getReason()))));
            if (extraRoutes != null) {
                extraRoutes.accept(routes);
            }
        });
    }

    /** A live client sees what its login lets it see, for as long as the login holds. */
    private static void connect(LiveHub hub, AuthGate gate, WsContext ctx, LiveHub.Channel channel) {
        Principal principal = ctx.attribute(AuthGate.PRINCIPAL);
        if (principal == null) {
            ctx.closeSession(1008, "not signed in"); // the upgrade check sets it; never reached without one
            return;
        }
        if (channel == LiveHub.Channel.ACCESS_LOG && !gate.authenticator().mayReadAccessLog(principal)) {
            ctx.closeSession(1008, "the viewer role may not read the access log"); // the upgrade check's twin
            return;
        }
        hub.connect(ctx, channel, gate.masking(principal), () -> gate.authenticator().stillValid(principal));
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
