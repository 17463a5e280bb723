package io.trafficviz.publish.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Login over real HTTP and WebSockets: the session cookie's attributes, redirects to the login page, bearer tokens,
 * the viewer role (masked addresses and query strings in /network_info and both streams, or no access log at all),
 * logout closing the live socket, and the open routes (push, /health and /metrics from loopback).
 */
class AuthIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_PATH = "/account/reset?token=SECRET0123";
    private static final String CALLER = "192.168.99.7";
    private static String adminHash;
    private static String viewerHash;
    private static final String TOKEN = Tokens.generate();

    @TempDir
    Path dir;
    private TrafficvizApp app;
    private String base;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void hashes() {
        adminHash = Passwords.hash("admin-password");
        viewerHash = Passwords.hash("viewer-password");
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private void start(String viewerPolicy) {
        start(viewerPolicy, "");
    }

    private void start(String viewerPolicy, String moreYaml) {
        String yaml = """
                listen: 127.0.0.1:0
                servers:
                  - name: server-a
                    proxies:
                      - name: private-proxy
                        role: private
                        network: private-net
                auth:
                  users:
                    - {name: ada, passwordHash: "%s", role: admin}
                    - {name: vic, passwordHash: "%s", role: viewer}
                  tokens:
                    - {name: script, hash: "%s", role: viewer}
                  viewer: %s
                """.formatted(adminHash, viewerHash, Tokens.configHash(TOKEN), viewerPolicy) + moreYaml;
        app = TrafficvizApp.start(ConfigLoader.parse(yaml, dir));
        base = "http://127.0.0.1:" + app.port();
    }

    @Test
    void withoutLogin_pagesRedirectToTheLoginPage_dataAndSocketsAre401() throws Exception {
        start("{}");
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("login");
        assertThat(get("/access_logs", null).headers().firstValue("Location")).hasValue("login?next=access_logs");
        assertThat(get("/network_info", null).statusCode()).isEqualTo(401);
        assertThat(get("/js/pages/graph-page.js", null).statusCode()).isEqualTo(401);
        assertThat(get("/auth/me", null).statusCode()).isEqualTo(401);
        assertThat(upgradeStatus("/ws/graph", null)).isEqualTo(401);
        assertThat(upgradeStatus("/access_logs", null)).isEqualTo(401);
        // What the login page needs, and the open routes.
        HttpResponse<String> login = get("/login", null);
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("js/pages/login-page.js").doesNotContain("<script>");
        assertThat(get("/js/pages/login-page.js", null).statusCode()).isEqualTo(200);
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
        assertThat(push(List.of(line(CALLER, "/x"))).statusCode()).isEqualTo(200); // loopback push, its own rules
    }

    @Test
    void aWrongPassword_getsNoCookie_andAnUnknownUserLooksTheSame() throws Exception {
        start("{}");
        HttpResponse<String> wrong = login("ada", "not-the-password", null);
        HttpResponse<String> unknown = login("nobody", "whatever-it-is", null);
        for (HttpResponse<String> r : List.of(wrong, unknown)) {
            assertThat(r.statusCode()).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).hasValue("login?failed=1");
            assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void guessingPasswords_isAnswered429WithRetryAfter_afterFiveFailures_evenForTheRightPassword() throws Exception {
        start("{}");
        for (int i = 0; i < 5; i++) {
            assertThat(login("ada", "guess-number-" + i, null).statusCode()).isEqualTo(303);
        }
        HttpResponse<String> shutOut = login("ada", "admin-password", null);
        assertThat(shutOut.statusCode()).isEqualTo(429);
        assertThat(shutOut.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(shutOut.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(shutOut.body()).contains("too many failed logins");
        // A browser's form post gets a page with the way back, not raw JSON.
        HttpResponse<String> page = post("/login", form("ada", "admin-password", null), null, "Accept",
                "text/html,application/xhtml+xml");
        assertThat(page.statusCode()).isEqualTo(429);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("too many failed logins; try again in").contains("href=\"login\"");
    }

    @Test
    void aLoginPostedByAnotherSitesPage_isRefused() throws Exception {
        start("{}");
        for (String origin : List.of("http://evil.example", "null", "http://127.0.0.1.evil.example")) {
            HttpResponse<String> r = post("/login", form("ada", "admin-password", null), null, "Origin", origin);
            assertThat(r.statusCode()).as(origin).isEqualTo(403);
            assertThat(r.headers().firstValue("Set-Cookie")).as(origin).isEmpty();
        }
        HttpResponse<String> same = post("/login", form("ada", "admin-password", null), null, "Origin", base);
        assertThat(same.statusCode()).isEqualTo(303);
        assertThat(same.headers().firstValue("Set-Cookie")).isPresent();
    }

    @Test
    void aLogin_setsAStrictHttpOnlyCookie_thatOpensPagesDataAndSockets_untilLogout() throws Exception {
        start("{}");
        HttpResponse<String> ok = login("ada", "admin-password", "access_logs");
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).hasValue("access_logs");
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("trafficviz_session=").contains("HttpOnly", "SameSite=Strict", "Path=/")
                .doesNotContain("Secure"); // plain HTTP from an untrusted peer
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(get("/", cookie).statusCode()).isEqualTo(200);
        assertThat(get("/network_info", cookie).statusCode()).isEqualTo(200);
        JsonNode me = JSON.readTree(get("/auth/me", cookie).body());
        assertThat(me.path("user").asText()).isEqualTo("ada");
        assertThat(me.path("role").asText()).isEqualTo("admin");

        Socket socket = Socket.open(base, "/ws/graph", "Cookie", cookie);
        socket.await(() -> !socket.messages.isEmpty(), "hello");
        // X-Forwarded-Proto from a peer that is not a trusted proxy changes nothing.
        HttpResponse<String> spoofed = post("/login", form("ada", "admin-password", null), null,
                "X-Forwarded-Proto", "https");
        assertThat(spoofed.headers().firstValue("Set-Cookie").orElseThrow()).doesNotContain("Secure");

        HttpResponse<String> out = post("/logout", "", cookie);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(get("/network_info", cookie).statusCode()).isEqualTo(401);
        socket.await(() -> socket.closedWith == 1008, "the open socket closed after logout");
    }

    @Test
    void theCookieIsSecure_whenATrustedProxySaysTheBrowserCameOverTls() throws Exception {
        start("{}\n  trustedProxies: [127.0.0.1]");
        HttpResponse<String> login = post("/login", form("ada", "admin-password", null), null,
                "X-Forwarded-Proto", "https");
        assertThat(login.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
        HttpResponse<String> plain = post("/login", form("ada", "admin-password", null), null);
        assertThat(plain.headers().firstValue("Set-Cookie").orElseThrow()).doesNotContain("Secure");
    }

    @Test
    void aBearerToken_opensDataAndSockets_aWrongOneDoesNot() throws Exception {
        start("{}");
        String good = "Bearer " + TOKEN;
        assertThat(getWith("/network_info", "Authorization", good).statusCode()).isEqualTo(200);
        assertThat(getWith("/network_info", "Authorization", "Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(getWith("/network_info?access_token=" + TOKEN, "X-Nothing", "1").statusCode()).isEqualTo(401);
        assertThat(upgradeStatus("/ws/graph", "Authorization", good)).isEqualTo(101);
        assertThat(upgradeStatus("/ws/graph", "Authorization", "Bearer nope")).isEqualTo(401);
    }

    @Test
    void aViewer_seesMaskedAddressesAndQueryStrings_inNetworkInfoAndBothStreams_anAdminSeesThemAll() throws Exception {
        start("{}");
        String viewer = cookieOf(login("vic", "viewer-password", null));
        String admin = cookieOf(login("ada", "admin-password", null));
        Socket viewerGraph = Socket.open(base, "/ws/graph", "Cookie", viewer);
        Socket viewerLog = Socket.open(base, "/access_logs", "Cookie", viewer);
        Socket adminLog = Socket.open(base, "/access_logs", "Cookie", admin);
        Socket adminGraph = Socket.open(base, "/ws/graph", "Cookie", admin);
        viewerGraph.await(() -> !viewerGraph.messages.isEmpty(), "viewer hello");
        adminGraph.await(() -> !adminGraph.messages.isEmpty(), "admin hello");
        Thread.sleep(200); // the access-log sockets registered

        assertThat(push(List.of(line(CALLER, SECRET_PATH), line(CALLER, "/plain"))).statusCode()).isEqualTo(200);
        adminLog.await(() -> adminLog.text().contains("SECRET0123"), "the admin's access log");
        adminGraph.await(() -> adminGraph.text().contains("SECRET0123"), "the admin's graph stream");
        viewerLog.await(() -> viewerLog.text().contains("/account/reset?…"), "the viewer's access log");
        viewerGraph.await(() -> viewerGraph.text().contains("/account/reset?…"), "the viewer's graph stream");
        assertThat(adminLog.text()).contains(CALLER);
        for (Socket s : List.of(viewerLog, viewerGraph)) {
            assertThat(s.text()).doesNotContain("SECRET0123").doesNotContain(CALLER).contains("192.168.99.x~");
        }

        String viewerInfo = get("/network_info", viewer).body();
        assertThat(viewerInfo).doesNotContain("SECRET0123").doesNotContain(CALLER).contains("192.168.99.x~")
                .contains("/account/reset?…");
        assertThat(get("/network_info", admin).body()).contains("SECRET0123").contains(CALLER);
        // A viewer who connects now gets a masked hello too.
        Socket late = Socket.open(base, "/ws/graph", "Cookie", viewer);
        late.await(() -> !late.messages.isEmpty(), "late viewer hello");
        assertThat(late.text()).doesNotContain("SECRET0123").doesNotContain(CALLER).contains("192.168.99.x~");
    }

    @Test
    void callers_needALogin_aViewerGetsMaskedCallersAndNoPrefixes_anAdminGetsThePrefixes() throws Exception {
        start("{}");
        assertThat(get("/callers", null).statusCode()).isEqualTo(401);
        String viewer = cookieOf(login("vic", "viewer-password", null));
        String admin = cookieOf(login("ada", "admin-password", null));
        assertThat(push(List.of(line(CALLER, "/plain"), line("203.0.113.7", "/plain"))).statusCode()).isEqualTo(200);

        HttpResponse<String> adminCallers = get("/callers", admin);
        assertThat(adminCallers.statusCode()).isEqualTo(200);
        assertThat(adminCallers.body()).contains(CALLER).contains("\"prefix\":\"203.0.113.0/24\"")
                .contains("\"prefixesHidden\":false");
        HttpResponse<String> viewerCallers = get("/callers", viewer);
        assertThat(viewerCallers.statusCode()).isEqualTo(200);
        assertThat(viewerCallers.body()).doesNotContain(CALLER).doesNotContain("203.0.113").contains("192.168.99.x~")
                .contains("\"prefixes\":null").contains("\"prefixesHidden\":true");
    }

    @Test
    void alerts_needALogin_aViewerGetsMaskedIdsAndNoSummary() throws Exception {
        start("{}", """
                alerts:
                  rules:
                    - {name: new-caller, kind: newCaller, scope: {proxy: private-proxy}}
                """);
        assertThat(get("/alerts", null).statusCode()).isEqualTo(401);
        String viewer = cookieOf(login("vic", "viewer-password", null));
        String admin = cookieOf(login("ada", "admin-password", null));
        assertThat(push(List.of(line(CALLER, "/plain"))).statusCode()).isEqualTo(200);

        long deadline = System.currentTimeMillis() + 10_000;
        String adminAlerts = get("/alerts", admin).body();
        while (!adminAlerts.contains("new-caller") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            adminAlerts = get("/alerts", admin).body();
        }
        assertThat(adminAlerts).contains("\"rule\":\"new-caller\"").contains(CALLER);
        HttpResponse<String> viewerAlerts = get("/alerts", viewer);
        assertThat(viewerAlerts.statusCode()).isEqualTo(200);
        assertThat(viewerAlerts.body()).contains("\"rule\":\"new-caller\"").doesNotContain(CALLER)
                .contains("192.168.99.x~").contains("\"summary\":null");
    }

    @Test
    void aViewerDeniedTheAccessLog_gets403OnItsPageAndSocket_butStillTheGraph() throws Exception {
        start("{accessLog: false}");
        String viewer = cookieOf(login("vic", "viewer-password", null));
        assertThat(get("/access_logs", viewer).statusCode()).isEqualTo(403);
        assertThat(get("/access_logs.html", viewer).statusCode()).isEqualTo(403);
        assertThat(upgradeStatus("/access_logs", "Cookie", viewer)).isEqualTo(403);
        assertThat(upgradeStatus("/access_logs/", "Cookie", viewer)).as("the same route, spelled another way")
                .isEqualTo(403);
        assertThat(get("/access_logs/", viewer).statusCode()).isEqualTo(403);
        assertThat(upgradeStatus("/ws/graph", "Cookie", viewer)).isEqualTo(101);
        assertThat(get("/", viewer).statusCode()).isEqualTo(200);
        String admin = cookieOf(login("ada", "admin-password", null));
        assertThat(upgradeStatus("/access_logs", "Cookie", admin)).isEqualTo(101);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static String line(String client, String path) {
        return ("{\"ClientAddr\":\"%s:40000\",\"ClientHost\":\"%s\",\"DownstreamStatus\":200,\"Duration\":1000000,"
                + "\"RequestHost\":\"shop\",\"RequestMethod\":\"GET\",\"RequestPath\":\"%s\",\"RouterName\":\"shop@file\","
                + "\"ServiceName\":\"shop@file\",\"ServiceURL\":\"http://10.9.0.5:80\",\"StartUTC\":\"%s\"}")
                .formatted(client, client, path, java.time.Instant.now());
    }

    private HttpResponse<String> push(List<String> lines) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/ingest?server=server-a&proxy=private-proxy"))
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String form(String user, String password, String next) {
        String body = "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return next == null ? body : body + "&next=" + next;
    }

    private HttpResponse<String> login(String user, String password, String next) throws Exception {
        return post("/login", form(user, password, next), null);
    }

    private static String cookieOf(HttpResponse<String> login) {
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> post(String path, String body, String cookie, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        return cookie == null ? getWith(path, "X-Nothing", "1") : getWith(path, "Cookie", cookie);
    }

    private HttpResponse<String> getWith(String path, String header, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header(header, value).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** 101 when the upgrade succeeded (the socket is closed again), else the refusal's status. */
    private int upgradeStatus(String path, String header, String value) throws Exception {
        try {
            WebSocket.Builder b = http.newWebSocketBuilder();
            if (header != null) {
                b.header(header, value);
            }
            WebSocket ws = b.buildAsync(URI.create(base.replace("http", "ws") + path), new WebSocket.Listener() {
            }).get(10, TimeUnit.SECONDS);
            ws.abort();
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    private int upgradeStatus(String path, String cookie) throws Exception {
        return cookie == null ? upgradeStatus(path, null, null) : upgradeStatus(path, "Cookie", cookie);
    }

    /** A WebSocket client that keeps every text message. */
    static final class Socket implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        volatile int closedWith = -1;

        static Socket open(String base, String path, String header, String value) {
            Socket s = new Socket();
            try {
                HttpClient.newHttpClient().newWebSocketBuilder().header(header, value)
                        .buildAsync(URI.create(base.replace("http", "ws") + path), s).join();
            } catch (CompletionException e) {
                throw new AssertionError("could not open " + path, e.getCause());
            }
            return s;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closedWith = statusCode;
            return null;
        }

        String text() {
            return String.join("\n", messages);
        }

        void await(BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what + "; got: " + text());
                }
                Thread.sleep(20);
            }
        }
    }
}
