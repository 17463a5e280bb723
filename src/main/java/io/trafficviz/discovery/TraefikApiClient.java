package io.trafficviz.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Reads a proxy's routing from the Traefik API ({@code --api}; the insecure mode on port 8080 or any URL that
 * reaches {@code /api/...}). Every list endpoint is paginated the way Traefik does it: {@code ?page=N&per_page=M},
 * with the next page number in the {@code X-Next-Page} response header ({@code 1} on the last page).
 *
 * <p>Credentials written into the URL ({@code http://user:pass@host:8080}) are sent as Basic authorization and are
 * never shown in messages. Thread-safe: one instance may be used by several threads.
 */
public final class TraefikApiClient {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Traefik's own default page size. */
    public static final int DEFAULT_PAGE_SIZE = 100;

    private static final Logger LOG = LoggerFactory.getLogger(TraefikApiClient.class);
    private static final String NEXT_PAGE_HEADER = "X-Next-Page";
    /** Far above any real routing table; only there so a wrong URL cannot fill the heap. */
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    /** Stops a server whose X-Next-Page never says "last page" from keeping us busy forever. */
    static final int MAX_PAGES = 1_000;
    /**
     * Entries kept per list (entry points, routers, services): four times the graph's default node cap, more than any
     * real proxy has. An API that pages on past it (hundreds of pages, 662 k routers) is cut here, and that is said,
     * rather than read into a heap it would fill.
     */
    static final int MAX_ITEMS = 20_000;
    private static final int SNIPPET_CHARS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiEndpoint endpoint;
    private final Duration requestTimeout;
    private final int pageSize;
    /** Lists cut short during the current fetch (the poller's one thread fetches). */
    private final List<String> cuts = new ArrayList<>();
    private volatile String lastCut;
    private final HttpClient http;

    /** A client with the default 2 s connect / 5 s request timeouts and Traefik's page size. */
    public TraefikApiClient(String apiUrl) {
        this(apiUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_PAGE_SIZE);
    }

    /**
     * @param apiUrl         e.g. {@code http://127.0.0.1:8080} or {@code http://user:pass@traefik:8080}
     * @param connectTimeout how long to wait for the TCP connection
     * @param requestTimeout how long to wait for one complete response
     * @param pageSize       {@code per_page} to ask for
     * @throws IllegalArgumentException when the URL is unusable, saying why
     */
    public TraefikApiClient(String apiUrl, Duration connectTimeout, Duration requestTimeout, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be at least 1, got " + pageSize);
        }
        this.endpoint = ApiEndpoint.parse(apiUrl);
        this.requestTimeout = requestTimeout;
        this.pageSize = pageSize;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The API base URL, without credentials: safe to log or show. */
    public String displayUrl() {
        return endpoint.display();
    }

    /**
     * Fetches version, entry points, HTTP routers and HTTP services. The overview is fetched too, only to warn
     * when the lists came back shorter than the totals it announces (which would mean paging went wrong).
     *
     * @throws DiscoveryException when any required endpoint fails; the message names the URL and the reason
     */
    public ProxyInventory fetchInventory() throws DiscoveryException {
        cuts.clear();
        String version = fetchVersion();
        Optional<JsonNode> overview = fetchOverviewQuietly();
        List<EntryPoint> entryPoints = fetchEntryPoints();
        List<Router> routers = fetchRouters();
        List<Service> services = fetchServices();
        overview.ifPresent(o -> {
            warnIfShort("routers", routers.size(), ApiDocuments.overviewTotal(o, "routers"));
            warnIfShort("services", services.size(), ApiDocuments.overviewTotal(o, "services"));
        });
        lastCut = cuts.isEmpty() ? null : String.join("; ", cuts);
        if (lastCut != null) {
            LOG.warn("{}: {}", endpoint.display(), lastCut);
        }
        return new ProxyInventory(version, routers, services, entryPoints, System.currentTimeMillis());
    }

    /** What the last {@link #fetchInventory} left unread because the API paged past a bound, or null. */
    public String lastCut() {
        return lastCut;
    }

    /** {@code GET /api/version}: the Traefik version, or null when the document has none. */
    public String fetchVersion() throws DiscoveryException {
        JsonNode document = getJson("/api/version").body();
        if (!document.isObject()) {
            throw new DiscoveryException("GET " + endpoint.resolve("/api/version")
                    + ": expected a JSON object, got " + describe(document));
        }
        return ApiDocuments.version(document);
    }

    /** {@code GET /api/overview}: the raw document (totals per kind, features, providers). */
    public JsonNode fetchOverview() throws DiscoveryException {
        return getJson("/api/overview").body();
    }

    /** {@code GET /api/entrypoints}, all pages. */
    public List<EntryPoint> fetchEntryPoints() throws DiscoveryException {
        return fetchAllPages("/api/entrypoints", ApiDocuments::entryPoint);
    }

    /** {@code GET /api/http/routers}, all pages. */
    public List<Router> fetchRouters() throws DiscoveryException {
        return fetchAllPages("/api/http/routers", ApiDocuments::router);
    }

    /** {@code GET /api/http/services}, all pages. */
    public List<Service> fetchServices() throws DiscoveryException {
        return fetchAllPages("/api/http/services", ApiDocuments::service);
    }

    private <T> List<T> fetchAllPages(String path, Function<JsonNode, Optional<T>> convert)
            throws DiscoveryException {
        List<T> items = new ArrayList<>();
        Set<Integer> seenPages = new HashSet<>();
        int page = 1;
        boolean cut = false;
        while (seenPages.add(page)) {
            if (seenPages.size() > MAX_PAGES || items.size() >= MAX_ITEMS) {
                cut = true;
                break;
            }
            String pathAndQuery = path + "?page=" + page + "&per_page=" + pageSize;
            JsonResponse response = getJson(pathAndQuery);
            if (!response.body().isArray()) {
                throw new DiscoveryException("GET " + endpoint.resolve(pathAndQuery)
                        + ": expected a JSON array, got " + describe(response.body()));
            }
            int before = items.size();
            for (JsonNode element : response.body()) {
                if (items.size() < MAX_ITEMS) {
                    convert.apply(element).ifPresent(items::add);
                } else {
                    cut = true;
                }
            }
            if (items.size() - before < response.body().size()) {
                LOG.debug("{}: skipped {} element(s) without a name", endpoint.resolve(pathAndQuery),
                        response.body().size() - (items.size() - before));
            }
            Integer next = parseNextPage(response.nextPage());
            // Traefik says "1" on the last page; a missing/garbled header or a page we already fetched also ends it.
            if (next == null || next <= page || response.body().isEmpty()) {
                break;
            }
            page = next;
        }
        if (cut) {
            cuts.add(path + " was cut after " + items.size() + " entries (" + (seenPages.size() - 1) + " pages): the "
                    + "API pages on past the bound of " + MAX_ITEMS + " entries or " + MAX_PAGES + " pages");
        }
        return List.copyOf(items);
    }

    private Optional<JsonNode> fetchOverviewQuietly() {
        try {
            return Optional.of(fetchOverview());
        } catch (DiscoveryException e) {
            // The overview only cross-checks paging; the inventory does not depend on it.
            LOG.debug("overview not available: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private void warnIfShort(String kind, int fetched, int announced) {
        if (announced > fetched) {
            LOG.warn("{}: the overview announces {} HTTP {} but the paged list had only {}"
                    + " (changed in between, or paging is broken)", endpoint.display(), announced, kind, fetched);
        }
    }

    private static Integer parseNextPage(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private record JsonResponse(JsonNode body, String nextPage) {
    }

    private JsonResponse getJson(String pathAndQuery) throws DiscoveryException {
        URI uri = endpoint.resolve(pathAndQuery);
        HttpResponse<byte[]> response = send(uri);
        byte[] body = response.body();
        if (response.statusCode() < 200 || response.statusCode() > 299) {
            String hint = response.statusCode() == 401 || response.statusCode() == 403
                    ? " (check the user:password in the API URL)" : "";
            throw new DiscoveryException("GET " + uri + ": HTTP " + response.statusCode() + hint
                    + bodySnippet(body));
        }
        JsonNode document;
        try {
            document = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new DiscoveryException("GET " + uri + ": response is not JSON" + bodySnippet(body), e);
        } catch (IOException e) {
            throw new DiscoveryException("GET " + uri + ": could not read the response: " + e.getMessage(), e);
        }
        if (document == null || document.isMissingNode()) {
            throw new DiscoveryException("GET " + uri + ": response is not JSON (empty body)");
        }
        return new JsonResponse(document, response.headers().firstValue(NEXT_PAGE_HEADER).orElse(null));
    }

    private HttpResponse<byte[]> send(URI uri) throws DiscoveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .GET();
        if (endpoint.authorization() != null) {
            request.header("Authorization", endpoint.authorization());
        }
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request.build(), CappedBodySubscriber.handler(MAX_BODY_BYTES));
        try {
            // The request timeout covers the wait for headers; this bound also covers a body that trickles.
            return future.get(requestTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new DiscoveryException("GET " + uri + ": interrupted");
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DiscoveryException("GET " + uri + ": no complete response within " + seconds(requestTimeout));
        } catch (ExecutionException e) {
            throw new DiscoveryException("GET " + uri + ": " + describeFailure(e.getCause(), uri), e.getCause());
        }
    }

    private String describeFailure(Throwable failure, URI uri) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host " + uri.getHost();
            }
        }
        if (failure instanceof HttpConnectTimeoutException) {
            return "could not connect within " + seconds(http.connectTimeout().orElse(DEFAULT_CONNECT_TIMEOUT));
        }
        if (failure instanceof HttpTimeoutException) {
            return "no response within " + seconds(requestTimeout);
        }
        if (failure instanceof ConnectException) {
            // java.net.http reports a refused connection as a ConnectException without a message.
            return failure.getMessage() == null || failure.getMessage().isBlank()
                    ? "connection refused" : "cannot connect: " + failure.getMessage();
        }
        String message = failure == null ? null : failure.getMessage();
        String kind = failure == null ? "unknown error" : failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : kind + ": " + message;
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The start of a body, on one line and with control characters escaped: enough to recognise what answered. */
    private static String bodySnippet(byte[] body) {
        if (body == null || body.length == 0) {
            return " (empty body)";
        }
        String text = new String(body, 0, Math.min(body.length, SNIPPET_CHARS * 4), StandardCharsets.UTF_8).strip();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < SNIPPET_CHARS; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        boolean cut = text.length() > SNIPPET_CHARS || body.length > SNIPPET_CHARS * 4;
        return ": \"" + out.toString().strip() + (cut ? "…" : "") + "\"";
    }
}
