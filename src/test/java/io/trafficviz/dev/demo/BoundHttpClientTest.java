package io.trafficviz.dev.demo;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundHttpClientTest {
    private HttpServer server;
    private final AtomicReference<String> seenFrom = new AtomicReference<>();
    private final AtomicReference<String> seenHost = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            seenFrom.set(ex.getRemoteAddress().getAddress().getHostAddress());
            seenHost.set(ex.getRequestHeaders().getFirst("Host"));
            byte[] body = ("{\"path\":\"" + ex.getRequestURI() + "\"}").getBytes(StandardCharsets.UTF_8);
            boolean chunked = ex.getRequestURI().getPath().contains("chunked");
            ex.sendResponseHeaders(ex.getRequestURI().getPath().contains("teapot") ? 418 : 200, chunked ? 0 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void connectsFromTheBoundSourceAddress() throws Exception {
        BoundHttpClient client = new BoundHttpClient(InetAddress.getByName("127.0.0.77"), 2000, 2000);

        HttpResult r = client.get(uri("/x?a=1"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("{\"path\":\"/x?a=1\"}");
        assertThat(seenFrom.get()).isEqualTo("127.0.0.77");
        assertThat(seenHost.get()).isEqualTo("127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void sendsAGivenHostHeaderAndReadsChunkedBodiesAndErrorStatuses() {
        BoundHttpClient client = new BoundHttpClient(null, 2000, 2000);

        HttpResult chunked = client.get(uri("/chunked"), "public.localhost", Map.of());
        HttpResult teapot = client.get(uri("/teapot"));

        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.header("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
        assertThat(chunked.bodyText()).isEqualTo("{\"path\":\"/chunked\"}");
        assertThat(teapot.status()).isEqualTo(418);
        assertThat(teapot.ok()).isFalse();
    }

    @Test
    void hostHeaderOverride() {
        new BoundHttpClient(null, 2000, 2000).get(uri("/"), "public.localhost", Map.of());
        assertThat(seenHost.get()).isEqualTo("public.localhost");
    }

    @Test
    void connectionRefusedIsANoResponseResult() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        HttpResult r = new BoundHttpClient(null, 1000, 1000).get(URI.create("http://127.0.0.1:" + port + "/"));

        assertThat(r.status()).isEqualTo(HttpResult.NO_RESPONSE);
        assertThat(r.error()).contains("ConnectException");
    }

    @Test
    void parsesContentLengthAndRejectsGarbage() throws IOException {
        HttpResult r = BoundHttpClient.readResponse(new ByteArrayInputStream(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nX-A: 1\r\n\r\nabcdef".getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.bodyText()).isEqualTo("abc");
        assertThat(r.header("x-a")).isEqualTo("1");

        assertThatThrownBy(() -> BoundHttpClient.readResponse(new ByteArrayInputStream(
                "SSH-2.0-OpenSSH\r\n".getBytes(StandardCharsets.ISO_8859_1)))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> BoundHttpClient.readResponse(new ByteArrayInputStream(
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1))))
                .isInstanceOf(IOException.class).hasMessageContaining("3 of 10");
    }
}
