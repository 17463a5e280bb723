package io.trafficviz.source.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** HTTP helpers and fixture lines shared by the intake tests. */
final class IntakeTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private IntakeTestSupport() {
    }

    /** Lines Traefik 3.4 wrote (the concept's recorded logs). */
    static List<String> fixture(String name, int count) {
        try {
            Path path = Path.of(IntakeTestSupport.class.getResource("/fixtures/traefik-3.4/" + name).toURI());
            return Files.readAllLines(path).stream().filter(l -> !l.isBlank()).limit(count).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> post(String url, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> postForBytes(String url, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Requests on edges into {@code target} in a /network_info document. */
    static long requestsInto(JsonNode info, String target) {
        long n = 0;
        for (JsonNode e : info.path("edges")) {
            if (e.path("target").asText().equals(target)) {
                n += e.path("requests").asLong();
            }
        }
        return n;
    }

    static JsonNode source(JsonNode info, String origin) {
        for (JsonNode s : info.path("ingest").path("sources")) {
            if (s.path("path").asText().equals(origin)) {
                return s;
            }
        }
        throw new AssertionError("no source " + origin + " in " + info.path("ingest"));
    }
}
