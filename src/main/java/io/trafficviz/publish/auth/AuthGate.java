package io.trafficviz.publish.auth;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.trafficviz.publish.wire.Masking;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The login in front of every route (docs/security.md, "Login and roles"): pages redirect to {@code /login}, data
 * answers 401, WebSocket upgrades are refused before they upgrade. Open without a login: the login page and what it
 * loads, the push routes (they check their own ingest token), and {@code /health} and {@code /metrics} from {@code
 * auth.monitoringFrom}. A viewer denied the access log gets 403 on its page and its socket.
 */
public final class AuthGate {
    /** The request attribute that holds the {@link Principal} once the gate let a request through. */
    public static final String PRINCIPAL = "trafficviz.principal";

    private static final Set<String> OPEN = Set.of("/login", "/logout", "/js/pages/login-page.js", "/css/app.css");
    private static final Set<String> PUSH = Set.of("/ingest", "/v1/logs");
    private static final Set<String> MONITORING = Set.of("/health", "/health/live", "/metrics");
    private static final Set<String> ACCESS_LOG = Set.of("/access_logs", "/access_logs.html");
    /** The pages a login may return to: anything else would make the login form an open redirect. */
    private static final Map<String, String> NEXT_PAGES = Map.of("/", ".", "/index.html", ".",
            "/access_logs", "access_logs", "/access_logs.html", "access_logs");

    private final Authenticator auth;

    public AuthGate(Authenticator auth) {
        this.auth = auth;
    }

    public Authenticator authenticator() {
        return auth;
    }

    /** Adds the checks and the login routes; call before any other route is added. */
    public void install(RoutesConfig routes) {
        routes.before(this::check);
        routes.wsBeforeUpgrade(this::checkUpgrade);
        routes.get("/login", ctx -> page(ctx, "/web/login.html"));
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
        routes.get("/auth/me", this::me);
    }

    /** The principal the gate found for this request (login off: everyone, as an admin). */
    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        return p == null ? Principal.NOBODY_NEEDED : p;
    }

    public Masking masking(Principal principal) {
        return auth.masking(principal);
    }

    private void check(Context ctx) {
        String path = route(ctx.path());
        if (!auth.enabled()) {
            return;
        }
        if (OPEN.contains(path) || PUSH.contains(path)) {
            return;
        }
        Credentials credentials = credentials(ctx);
        if (MONITORING.contains(path) && auth.monitoringAllowed(credentials)) {
            return;
        }
        Principal p = auth.identify(credentials);
        if (p == null) {
            String next = NEXT_PAGES.get(path);
            if (next != null && "GET".equals(ctx.method().name())) {
                ctx.redirect(relativeToRoot(path) + "login" + (next.equals(".") ? "" : "?next=" + next),
                        HttpStatus.SEE_OTHER);
                ctx.skipRemainingHandlers();
                return;
            }
            ctx.header("WWW-Authenticate", "Bearer realm=\"trafficviz\"");
            throw new UnauthorizedResponse("sign in first: a session cookie from /login or Authorization: Bearer");
        }
        if (ACCESS_LOG.contains(path) && !auth.mayReadAccessLog(p)) {
            throw new ForbiddenResponse("the viewer role may not read the access log");
        }
        ctx.attribute(PRINCIPAL, p);
    }

    private void checkUpgrade(Context ctx) {
        Principal p = auth.identify(credentials(ctx));
        if (p == null) {
            throw new UnauthorizedResponse("sign in first");
        }
        if (ACCESS_LOG.contains(route(ctx.path())) && !auth.mayReadAccessLog(p)) {
            throw new ForbiddenResponse("the viewer role may not read the access log");
        }
        ctx.attribute(PRINCIPAL, p);
    }

    private void login(Context ctx) {
        refuseCrossSite(ctx);
        if (!auth.hasUsers()) {
            throw new ForbiddenResponse("no built-in users are configured (auth.users)");
        }
        String next = ctx.formParam("next");
        String back = next != null && NEXT_PAGES.containsValue(next) ? next : ".";
        Principal p;
        try {
            p = auth.login(auth.loginAddress(credentials(ctx)), ctx.formParam("user"), ctx.formParam("password"));
        } catch (LoginThrottle.ShutOut e) {
            refuseLogin(ctx, HttpStatus.TOO_MANY_REQUESTS, e.retryAfterSeconds, e.getMessage());
            return;
        } catch (Authenticator.Busy e) {
            refuseLogin(ctx, HttpStatus.SERVICE_UNAVAILABLE, 1, e.getMessage());
            return;
        }
        if (p == null) {
            ctx.redirect("login?failed=1" + (back.equals(".") ? "" : "&next=" + back), HttpStatus.SEE_OTHER);
            return;
        }
        ctx.header("Set-Cookie", cookie(ctx, p.sessionId(), auth.sessionTtlMillis() / 1000));
        ctx.header("Cache-Control", "no-store");
        ctx.redirect(back, HttpStatus.SEE_OTHER);
    }

    /**
     * A login not tried now: {@code Retry-After} and the reason, as JSON for a script, as a page with a way back to the
     * form for a browser (whose form post would otherwise show raw JSON). The reason is this class's own text.
     */
    private static void refuseLogin(Context ctx, HttpStatus status, long retryAfterSeconds, String reason) {
        ctx.header("Retry-After", Long.toString(retryAfterSeconds));
        ctx.header("Cache-Control", "no-store");
        ctx.status(status);
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/html")) {
            ctx.contentType("text/html; charset=utf-8").result("<!doctype html><meta charset=\"utf-8\"><title>trafficviz"
                    + "</title><p>Not signed in: " + reason + ".</p><p><a href=\"login\">Back to the sign-in form</a></p>");
        } else {
            ctx.json(Map.of("error", reason));
        }
    }

    private void logout(Context ctx) {
        refuseCrossSite(ctx);
        auth.logout(auth.identify(credentials(ctx)));
        ctx.header("Set-Cookie", cookie(ctx, "", 0));
        ctx.redirect("login?signedOut=1", HttpStatus.SEE_OTHER);
    }

    private void me(Context ctx) {
        Principal p = principal(ctx);
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("auth", auth.enabled());
        if (auth.enabled()) {
            me.put("user", p.name());
            me.put("role", p.role().wireName());
            me.put("via", p.via());
            me.put("accessLog", auth.mayReadAccessLog(p));
        }
        ctx.header("Cache-Control", "no-store").json(me);
    }

    /**
     * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it, which also
     * keeps a cross-site form from signing someone out), Secure when the browser reached us over TLS.
     */
    private String cookie(Context ctx, String value, long maxAgeSeconds) {
        return Authenticator.SESSION_COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (overTls(ctx) ? "; Secure" : "");
    }

    /** TLS here, or at a trusted proxy that says so; an untrusted peer's X-Forwarded-Proto is ignored. */
    boolean overTls(Context ctx) {
        if (ctx.req().isSecure()) {
            return true;
        }
        return auth.fromTrustedProxy(credentials(ctx))
                && "https".equalsIgnoreCase(String.valueOf(ctx.header("X-Forwarded-Proto")).trim());
    }

    /**
     * A login or logout posted by another site's page (login CSRF: the victim would be signed in as the attacker).
     * Browsers send {@code Origin} with every POST; it must name the host the request was sent to (as a trusted
     * proxy reports it, if one is in front). A request without {@code Origin} is not from a browser's form.
     */
    private void refuseCrossSite(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        String host = ctx.header("Host");
        String forwardedHost = ctx.header("X-Forwarded-Host");
        if (forwardedHost != null && auth.fromTrustedProxy(credentials(ctx))) {
            host = forwardedHost.split(",")[0].trim();
        }
        String authority;
        try {
            authority = java.net.URI.create(origin.trim()).getRawAuthority();
        } catch (IllegalArgumentException e) {
            authority = null;
        }
        if (authority == null || host == null || !authority.equalsIgnoreCase(host.trim())) {
            throw new ForbiddenResponse("a login form from another site (Origin " + (authority == null ? "null"
                    : authority) + ") is not accepted");
        }
    }

    /** The path as the router matches it: {@code /access_logs/} reaches the same handler as {@code /access_logs}. */
    private static String route(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** {@code ../} as many times as {@code path} is deep, so that redirects also work behind a path prefix. */
    private static String relativeToRoot(String path) {
        int depth = (int) path.chars().filter(c -> c == '/').count() - 1;
        return depth <= 0 ? "" : "../".repeat(depth);
    }

    private static Credentials credentials(Context ctx) {
        return new Credentials() {
            @Override
            public String remoteAddress() {
                return ctx.req().getRemoteAddr();
            }

            @Override
            public String header(String name) {
                return ctx.header(name);
            }

            @Override
            public String cookie(String name) {
                return ctx.cookie(name);
            }
        };
    }

    private static void page(Context ctx, String resource) {
        try (InputStream in = AuthGate.class.getResourceAsStream(resource)) {
            if (in == null) {
                ctx.status(404).result("missing " + resource);
                return;
            }
            ctx.header("Cache-Control", "no-store");
            ctx.contentType("text/html; charset=utf-8").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
