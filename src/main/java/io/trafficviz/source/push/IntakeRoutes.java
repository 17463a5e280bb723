package io.trafficviz.source.push;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.trafficviz.source.LineSink;
import io.trafficviz.source.SourceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Remote intake: access-log lines pushed over HTTP instead of read from a local file, so the server running trafficviz
 * needs no other server's logs on its disk.
 *
 * <ul>
 *   <li>{@code POST /ingest?server=S&proxy=P} (or headers {@value #SERVER_HEADER} / {@value #PROXY_HEADER}): lines
 *       as Vector, Fluent Bit or curl send them (see {@link PushPayload}); answers
 *       {@code {"accepted": n, "rejected": m}}. Source {@code push:S/P} in {@code /network_info}.</li>
 *   <li>{@code POST /v1/logs}: an OTLP/HTTP logs receiver (protobuf or JSON) for Traefik's own
 *       {@code accessLog.otlp} export (see {@link TraefikOtlpRecord}); the proxy is named by the resource attributes
 *       {@value #SERVER_ATTRIBUTE} / {@value #PROXY_ATTRIBUTE}, the same request parameters or headers, or
 *       {@code service.name} when it is a configured proxy's name. Source {@code otlp:S/P}.</li>
 * </ul>
 *
 * Both take {@code Content-Encoding: gzip}, need {@code Authorization: Bearer <ingest.token>} when a token is
 * configured and accept only loopback callers without proxy headers when none is, and refuse bodies over
 * {@code ingest.maxBodyBytes} (after decompression) with 413. Bodies are read as streams and reach ingest in
 * {@link PushBatches}, so a push costs about {@link PushOptions#BYTES_PER_OPEN_BODY} whatever its size; how many are
 * read at once comes from the heap, and a batch that finds ingest behind ends its push with 503. Naming only a
 * server (no proxy) attributes each line among that server's proxies by its network header, as for a log file
 * several proxies share.
 */
public final class IntakeRoutes implements Consumer<RoutesConfig> {
    public static final String SERVER_HEADER = "X-Trafficviz-Server";
    public static final String PROXY_HEADER = "X-Trafficviz-Proxy";
    public static final String SERVER_ATTRIBUTE = "trafficviz.server";
    public static final String PROXY_ATTRIBUTE = "trafficviz.proxy";
    /** Pushes handing a batch to ingest at once; the tailers take ingest's lock too. */
    static final int INGEST_SLOTS = 4;
    /** How long a batch waits for an ingest slot before the push is refused with 503: ingest is behind. */
    static final long INGEST_WAIT_MILLIS = 5_000;
    /** How long a push waits for a slot to be read in before it is refused with 503. */
    static final long OPEN_WAIT_MILLIS = 1_000;
    /**
     * How long the unread rest of a push refused with 503 is read and dropped before the answer goes out. Jetty closes
     * a connection whose request left bytes unread, and a socket closed with bytes unread is reset, which can destroy
     * the answer on its way: senders of refused 10 MB pushes saw "no response" instead of 503 and Retry-After (1 to 2
     * in 12, StreamedPushTest). Bounded in time (and by ingest.maxBodyBytes), so a refused sender holds a thread
     * briefly; what arrives later is Jetty's to reset.
     */
    static final long DISCARD_MILLIS = 2_000;
    private static final int DISCARD_BUFFER_BYTES = 16 * 1024;
    static final String RETRY_AFTER_SECONDS = "2";
    /** Headers (lower case) that reverse proxies add, besides any X-Forwarded-* and X-Original-*. */
    private static final java.util.Set<String> PROXY_HEADERS = java.util.Set.of("forwarded", "x-real-ip", "via",
            "x-client-ip", "true-client-ip", "cf-connecting-ip", "x-cluster-client-ip", "client-ip", "fastly-client-ip",
            "x-proxyuser-ip");
    private static final Logger log = LoggerFactory.getLogger(IntakeRoutes.class);
    private static final String PROTOBUF = "application/x-protobuf";

    private final PushOptions options;
    private final LineSink sink;
    private final SourceRegistry registry;
    private final byte[] tokenDigest;
    private final long maxBodyBytes;
    private final Semaphore openBodies;
    private final Semaphore ingestSlots = new Semaphore(INGEST_SLOTS, true);
    private final Map<String, PushSource> sources = new ConcurrentHashMap<>();
    /** When a refusal was last logged, by sender and status: a misconfigured shipper retries often. */
    private final Map<String, Long> lastWarning = new ConcurrentHashMap<>();

    /** Per push source: what the tailers' offset and state are for files. */
    private static final class PushSource {
        final AtomicLong requests = new AtomicLong();
        volatile long lastRequestMillis;
        volatile String lastSender;
    }

    private record Target(String origin, List<String> proxies) {
    }

    public IntakeRoutes(PushOptions options, LineSink sink, SourceRegistry registry) {
        this.options = options;
        this.sink = sink;
        this.registry = registry;
        this.tokenDigest = options.token() == null ? null : sha256(options.token());
        this.maxBodyBytes = options.maxBodyBytes();
        this.openBodies = new Semaphore(options.maxOpenBodies(), true);
    }

    @Override
    public void accept(RoutesConfig routes) {
        routes.post("/ingest", this::ingest);
        routes.post("/v1/logs", this::otlp);
    }

    /** Extra {@code /network_info} fields of a push source, or null for an origin that is not one. */
    public Map<String, Object> sourceDetails(String origin) {
        PushSource s = sources.get(origin);
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", "push");
        m.put("requests", s.requests.get());
        m.put("lastRequestTime", s.lastRequestMillis);
        m.put("lastSender", s.lastSender);
        return m;
    }

    // ---- POST /ingest

    private void ingest(Context ctx) {
        try {
            authorize(ctx);
            Target target = target("push:", param(ctx, "server", SERVER_HEADER), param(ctx, "proxy", PROXY_HEADER));
            String type = mediaType(ctx);
            if (type.equals(PROTOBUF) || type.contains("msgpack") || type.equals("application/octet-stream")) {
                throw new IntakeException(400, "Content-Type " + type + " is not text: /ingest takes access-log "
                        + "lines or JSON events (Fluent Bit: Format json_lines); OTLP protobuf goes to /v1/logs");
            }
            acquireOpenBody();
            PushBatches batches = new PushBatches(sink, ingestSlots, INGEST_WAIT_MILLIS);
            try {
                batches.origin(target.origin());
                InputStream body = openBody(ctx);
                try {
                    PushPayload.read(body, new PushPayload.Lines() {
                        @Override
                        public void bytes(byte[] buf, int from, int length) throws IntakeException {
                            batches.add(buf, from, length);
                        }

                        @Override
                        public void text(String line) throws IntakeException {
                            batches.add(line);
                        }
                    });
                } catch (IntakeException e) {
                    throw e.status() == 400 ? drained(body, e) : e;
                }
                batches.flush();
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("accepted", batches.accepted());
                result.put("rejected", batches.rejected());
                ctx.status(200).json(result);
            } catch (IOException e) {
                throw partly(BoundedBody.refusal(e, ctx.header("Content-Encoding")), batches);
            } catch (IntakeException e) {
                throw partly(e, batches);
            } finally {
                noteRequests(ctx, batches);
                openBodies.release();
            }
        } catch (IntakeException e) {
            warn(ctx, "/ingest", e);
            if (e.status() == 401) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"trafficviz\"");
            }
            if (e.status() == 503) {
                discardUnread(ctx);
                ctx.header("Retry-After", RETRY_AFTER_SECONDS);
            }
            ctx.status(e.status()).json(Map.of("error", e.getMessage()));
        }
    }

    /**
     * A body found malformed is read on to its end (without keeping it), so that one over the size limit is refused
     * for that, as before bodies were streamed: the sender must send smaller batches, not different ones.
     */
    private static IntakeException drained(InputStream body, IntakeException malformed) {
        try {
            body.skip(Long.MAX_VALUE);
            while (body.read() >= 0) {
                body.skip(Long.MAX_VALUE);
            }
        } catch (BoundedBody.LimitException e) {
            return e.refusal().status() == 413 ? e.refusal() : malformed;
        } catch (IOException e) {
            return malformed;
        }
        return malformed;
    }

    /** Reads what is left of a refused push's body and drops it, for at most {@link #DISCARD_MILLIS}. */
    private void discardUnread(Context ctx) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DISCARD_MILLIS);
        byte[] dropped = new byte[DISCARD_BUFFER_BYTES];
        long left = maxBodyBytes;
        try {
            InputStream raw = ctx.req().getInputStream();
            int n = 0;
            while (left > 0 && n >= 0 && System.nanoTime() < deadline) {
                n = raw.read(dropped, 0, (int) Math.min(dropped.length, left));
                left -= Math.max(0, n);
            }
        } catch (IOException | RuntimeException gone) {
            // The sender went away, or Jetty gave up on its pace: there is nobody left to answer.
        }
    }

    /** A refusal that came after some of the body's lines were counted says so: a retry counts them again. */
    private static IntakeException partly(IntakeException e, PushBatches batches) {
        String counted = batches.countedSoFar();
        return counted.isEmpty() ? e : new IntakeException(e.status(), e.getMessage() + counted);
    }

    // ---- POST /v1/logs (OTLP/HTTP)

    private void otlp(Context ctx) {
        String type = mediaType(ctx);
        boolean json = type.equals("application/json");
        try {
            authorize(ctx);
            if (!json && !type.equals(PROTOBUF)) {
                throw new IntakeException(415, "Content-Type must be application/x-protobuf or application/json "
                        + "(OTLP/HTTP), was '" + (type.isEmpty() ? "none" : type) + "'");
            }
            acquireOpenBody();
            PushBatches batches = new PushBatches(sink, ingestSlots, INGEST_WAIT_MILLIS);
            try {
                OtlpStream.Records records = new OtlpRecords(ctx, batches);
                InputStream body = openBody(ctx);
                try {
                    if (json) {
                        OtlpStream.json(body, records, PushPayload.MAX_LINE_BYTES);
                    } else {
                        OtlpStream.protobuf(body, records, PushPayload.MAX_LINE_BYTES);
                    }
                } catch (OtlpLogs.DecodeException e) {
                    throw drained(body, new IntakeException(400, e.getMessage()));
                }
                batches.flush();
                otlpSuccess(ctx, json, batches.rejected(), batches.accepted() + batches.rejected());
            } catch (IOException e) {
                throw partly(BoundedBody.refusal(e, ctx.header("Content-Encoding")), batches);
            } catch (IntakeException e) {
                throw partly(e, batches);
            } finally {
                noteRequests(ctx, batches);
                openBodies.release();
            }
        } catch (IntakeException e) {
            warn(ctx, "/v1/logs", e);
            if (e.status() == 503) {
                discardUnread(ctx);
            }
            otlpError(ctx, json, e);
        }
    }

    /**
     * Hands each record to the batches under the proxy its resource names. A resource comes before its records on
     * the wire (every OTLP encoder writes fields in order); records without one go by the request's parameters.
     */
    private final class OtlpRecords implements OtlpStream.Records {
        private final Context ctx;
        private final PushBatches batches;
        private Target target;
        private boolean byParameters;

        OtlpRecords(Context ctx, PushBatches batches) {
            this.ctx = ctx;
            this.batches = batches;
        }

        @Override
        public void startResourceLogs() {
            target = null;
            byParameters = false;
        }

        @Override
        public void resource(Map<String, Object> attributes) throws IntakeException {
            Target named = otlpTarget(ctx, attributes);
            if (target != null && byParameters && !named.origin().equals(target.origin())) {
                throw new IntakeException(400, "a resource came after log records of its own that were attributed "
                        + "without it: send the resource first");
            }
            target = named;
            byParameters = false;
            batches.origin(named.origin());
        }

        @Override
        public void record(OtlpLogs.LogRecord record) throws IntakeException {
            ensureTarget();
            batches.add(TraefikOtlpRecord.line(record));
        }

        @Override
        public void oversized() throws IntakeException {
            ensureTarget();
            batches.reject();
        }

        private void ensureTarget() throws IntakeException {
            if (target == null) {
                target = otlpTarget(ctx, Map.of());
                byParameters = true;
                batches.origin(target.origin());
            }
        }

        @Override
        public void endResourceLogs() {
            // the next resource may go to the same proxy: its lines join the same batch
        }
    }

    private Target otlpTarget(Context ctx, Map<String, Object> attributes) throws IntakeException {
        String server = text(attributes.get(SERVER_ATTRIBUTE));
        if (server == null) {
            server = param(ctx, "server", SERVER_HEADER);
        }
        String proxy = text(attributes.get(PROXY_ATTRIBUTE));
        if (proxy == null) {
            proxy = param(ctx, "proxy", PROXY_HEADER);
        }
        String serviceName = text(attributes.get("service.name"));
        if (proxy == null && serviceName != null) {
            List<String> servers = serversWithProxy(serviceName);
            if (server == null ? !servers.isEmpty() : servers.contains(server)) {
                proxy = serviceName;
            }
        }
        if (server == null && proxy == null) {
            throw new IntakeException(400, "cannot tell which proxy sent these logs: no " + PROXY_ATTRIBUTE
                    + " resource attribute, and service.name " + (serviceName == null ? "is missing"
                    : "'" + clip(serviceName) + "' is no configured proxy's name")
                    + ". Set Traefik's accesslog.otlp.serviceName to the proxy's name, or "
                    + "accesslog.otlp.resourceAttributes." + PROXY_ATTRIBUTE + " (and ." + SERVER_ATTRIBUTE + ")");
        }
        return target("otlp:", server, proxy);
    }

    // ---- shared

    /**
     * The source for {@code server}/{@code proxy}, registered with ingest on first use. When {@code server} is
     * missing, {@code proxy} must be unique across servers.
     */
    private Target target(String prefix, String server, String proxy) throws IntakeException {
        if (server == null && proxy == null) {
            throw new IntakeException(400, "say which proxy these lines come from: ?server=<name>&proxy=<name>, "
                    + "or the headers " + SERVER_HEADER + " and " + PROXY_HEADER);
        }
        if (server == null) {
            List<String> servers = serversWithProxy(proxy);
            if (servers.size() != 1) {
                throw new IntakeException(400, servers.isEmpty()
                        ? "unknown proxy '" + clip(proxy) + "': no configured server has it (configured proxies: "
                        + allProxies() + ")"
                        : "proxy '" + clip(proxy) + "' exists on servers " + String.join(", ", servers)
                        + ": name the server too");
            }
            server = servers.get(0);
        }
        List<String> serverProxies = options.proxiesByServer().get(server);
        if (serverProxies == null) {
            throw new IntakeException(400, "unknown server '" + clip(server) + "' (configured servers: "
                    + String.join(", ", options.proxiesByServer().keySet()) + ")");
        }
        List<String> proxies = new ArrayList<>();
        String origin;
        if (proxy == null) {
            for (String p : serverProxies) {
                proxies.add(server + "/" + p);
            }
            origin = prefix + server;
        } else {
            if (!serverProxies.contains(proxy)) {
                throw new IntakeException(400, "unknown proxy '" + clip(proxy) + "' on server '" + server
                        + "' (its proxies: " + String.join(", ", serverProxies) + ")");
            }
            proxies.add(server + "/" + proxy);
            origin = prefix + server + "/" + proxy;
        }
        registry.register(origin, proxies, "auto");
        return new Target(origin, proxies);
    }

    private List<String> serversWithProxy(String proxy) {
        List<String> out = new ArrayList<>();
        options.proxiesByServer().forEach((server, proxies) -> {
            if (proxies.contains(proxy)) {
                out.add(server);
            }
        });
        return out;
    }

    private String allProxies() {
        List<String> out = new ArrayList<>();
        options.proxiesByServer().forEach((server, proxies) -> proxies.forEach(p -> out.add(server + "/" + p)));
        return String.join(", ", out);
    }

    private void authorize(Context ctx) throws IntakeException {
        // Browsers send Origin with every cross-site POST, log shippers never do: a web page must not be able to
        // feed the graph through a visitor's browser (a "simple" text/plain POST needs no CORS preflight).
        if (ctx.header("Origin") != null) {
            throw new IntakeException(403, "pushes from web pages (requests with an Origin header) are refused");
        }
        if (tokenDigest == null) {
            // Behind a reverse proxy on this machine every caller looks local: then a token is needed. Any header a
            // proxy adds says so (nginx adds X-Real-IP or X-Forwarded-Host alone in common setups).
            String proxyHeader = proxyHeader(ctx);
            if (proxyHeader != null) {
                throw new IntakeException(403, "no ingest.token is configured, so pushed logs are accepted only from "
                        + "this machine (loopback) directly; this request came through a proxy (it has "
                        + proxyHeader + "): set ingest.token and send 'Authorization: Bearer <token>'");
            }
            if (!isLoopback(ctx.req().getRemoteAddr())) {
                throw new IntakeException(403, "no ingest.token is configured, so pushed logs are accepted only from "
                        + "this machine (loopback); set ingest.token and send 'Authorization: Bearer <token>' to "
                        + "accept other servers");
            }
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new IntakeException(401, "missing 'Authorization: Bearer <token>' (ingest.token is configured)");
        }
        String presented = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        // Digests first: equal lengths, so the comparison time says nothing about the token either.
        if (!MessageDigest.isEqual(sha256(presented), tokenDigest)) {
            throw new IntakeException(401, "wrong bearer token");
        }
    }

    private static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        String literal = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
        // Jetty reports the peer as an IP literal; anything else is refused rather than looked up.
        if (literal.indexOf(':') < 0 && !literal.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress(); // a literal: no DNS look-up
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The first header that a proxy adds, when the request has one. */
    static String proxyHeader(Context ctx) {
        java.util.Enumeration<String> names = ctx.req().getHeaderNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            String lower = name.toLowerCase(Locale.ROOT);
            if (PROXY_HEADERS.contains(lower) || lower.startsWith("x-forwarded-") || lower.startsWith("x-original-")) {
                return name;
            }
        }
        return null;
    }

    /**
     * A slot to read a body in. Slots are few (bounded by the heap) but freed fast: a body is read in bounded
     * batches, one that trickles is cut off (408, see {@link BoundedBody}), so waiting for one is short; none free
     * means that many pushes are being read right now, and the sender retries.
     */
    private void acquireOpenBody() throws IntakeException {
        try {
            if (!openBodies.tryAcquire(OPEN_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IntakeException(503, "too many pushes at once; retry shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntakeException(503, "shutting down");
        }
    }

    private InputStream openBody(Context ctx) throws IntakeException {
        try {
            return BoundedBody.open(ctx.req().getInputStream(), ctx.header("Content-Encoding"),
                    ctx.req().getContentLengthLong(), maxBodyBytes);
        } catch (IOException e) {
            throw new IntakeException(400, "could not read the request body: " + e.getMessage());
        }
    }

    private void noteRequests(Context ctx, PushBatches batches) {
        batches.linesByOrigin().forEach((origin, lines) -> noteRequest(ctx, origin, lines));
    }

    private void noteRequest(Context ctx, String origin, long lines) {
        PushSource s = sources.computeIfAbsent(origin, o -> {
            log.info("first push to {}: {} lines from {}", o, lines, ctx.req().getRemoteAddr());
            return new PushSource();
        });
        s.requests.incrementAndGet();
        s.lastRequestMillis = System.currentTimeMillis();
        s.lastSender = ctx.req().getRemoteAddr();
    }

    /** Refused pushes are logged, at most once a minute per sender and status, since senders keep retrying. */
    private void warn(Context ctx, String endpoint, IntakeException e) {
        String sender = ctx.req().getRemoteAddr();
        long now = System.currentTimeMillis();
        Long last = lastWarning.get(sender + " " + e.status());
        if (last != null && now - last < 60_000) {
            return;
        }
        if (lastWarning.size() > 1000) {
            lastWarning.clear();
        }
        lastWarning.put(sender + " " + e.status(), now);
        log.warn("refused a push to {} from {} with {}: {}", endpoint, sender, e.status(), e.getMessage());
    }

    private static String param(Context ctx, String query, String header) {
        String v = ctx.queryParam(query);
        if (v == null || v.isBlank()) {
            v = ctx.header(header);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String mediaType(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return "";
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s.trim() : null;
    }

    /** Names echoed in errors come from the request: keep them short. */
    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static void otlpSuccess(Context ctx, boolean json, long rejected, long total) {
        String message = rejected == 0 ? null : rejected + " of " + total
                + " log records were not Traefik access-log entries (see /network_info ingest.sources)";
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            if (message != null) {
                doc.put("partialSuccess", Map.of("rejectedLogRecords", Long.toString(rejected),
                        "errorMessage", message));
            }
            ctx.status(200).json(doc);
        } else {
            ProtoWriter response = new ProtoWriter(); // ExportLogsServiceResponse
            if (message != null) {
                response.message(1, new ProtoWriter().varint(1, rejected).string(2, message));
            }
            ctx.status(200).result(response.toByteArray());
            protobufContentType(ctx);
        }
    }

    /** Errors as the OTLP/HTTP spec wants them: a google.rpc.Status in the request's encoding. */
    private static void otlpError(Context ctx, boolean json, IntakeException e) {
        int code = switch (e.status()) {
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7;  // PERMISSION_DENIED
            case 413 -> 8;  // RESOURCE_EXHAUSTED
            case 503 -> 14; // UNAVAILABLE
            default -> 3;   // INVALID_ARGUMENT
        };
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"trafficviz\"");
        }
        if (e.status() == 503) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        if (json) {
            ctx.status(e.status()).json(Map.of("code", code, "message", e.getMessage()));
        } else {
            ctx.status(e.status()).result(new ProtoWriter().varint(1, code).string(2, e.getMessage()).toByteArray());
            protobufContentType(ctx);
        }
    }

    /**
     * Exactly {@code application/x-protobuf}: Jetty would append {@code ;charset=utf-8}, and Go's OTLP exporter reads a
     * partial-success response only when the header equals the bare media type.
     */
    private static void protobufContentType(Context ctx) {
        ctx.res().setCharacterEncoding(null);
        ctx.res().setContentType(PROTOBUF);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
