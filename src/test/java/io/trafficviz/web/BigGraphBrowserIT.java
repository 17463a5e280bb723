package io.trafficviz.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.publish.wire.HelloParts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.trafficviz.web.BrowserSession.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A graph whose hello is far over one message's 64 KiB: the page gets it in parts and draws every node. */
class BigGraphBrowserIT {
    private static final int SERVICES = 3_000;

    @TempDir
    Path dir;

    @Test
    void aHelloSentInSeveralPartsIsDrawnWhole() throws Exception {
        assumeTrue(BrowserSession.available(), "Chromium and chromedriver are not installed");
        Path log = Files.createFile(dir.resolve("priv.log"));
        try (TrafficvizApp app = TrafficvizApp.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                servers:
                  - name: server-a
                    proxies:
                      - {name: priv, role: private, network: priv-net, accessLog: priv.log}
                """, dir))) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < SERVICES; i++) {
                lines.append("{\"ClientHost\":\"10.7.0.").append(i % 200).append("\",\"DownstreamStatus\":200,")
                        .append("\"OriginStatus\":200,\"Duration\":2345678,\"RequestMethod\":\"GET\",")
                        .append("\"RequestPath\":\"/catalogue/item/").append(i).append("\",")
                        .append("\"RequestHost\":\"shop.example\",\"ServiceName\":\"catalogue-").append(i)
                        .append("@file\",\"ServiceURL\":\"http://172.25.0.9:80\",\"RouterName\":\"r@file\",")
                        .append("\"StartUTC\":\"2025-07-15T13:14:33.5Z\"}\n");
            }
            Files.writeString(log, lines, StandardOpenOption.APPEND);
            await(() -> app.ingest().totals().lines() >= SERVICES, "the log read");

            String base = "http://127.0.0.1:" + app.port();
            HttpResponse<String> info = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/network_info")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(info.body().length()).as("the hello's size, about that of /network_info")
                    .isGreaterThan(4 * HelloParts.MAX_MESSAGE_BYTES);

            long started = System.nanoTime();
            List<String> messages = helloMessages(base);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            long largest = messages.stream().mapToLong(m -> m.getBytes(StandardCharsets.UTF_8).length).max().orElse(0);
            // docs/security.md quotes this line
            System.out.printf("big hello: /network_info %,d bytes; %d helloPart messages, the largest %,d bytes; whole after %d ms%n",
                    info.body().length(), messages.size(), largest, tookMillis);
            assertThat(messages).hasSizeGreaterThan(4);
            for (String message : messages) {
                assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(HelloParts.MAX_MESSAGE_BYTES);
                assertThat(message).startsWith("{\"type\":\"helloPart\"");
            }

            try (BrowserSession browser = new BrowserSession()) {
                browser.open(base + "/");
                await(() -> browser.list("nodes").size() > SERVICES, "every node drawn");
                Set<String> ids = new HashSet<>();
                for (Map<String, Object> node : browser.list("nodes")) {
                    ids.add((String) node.get("id"));
                }
                for (int i = 0; i < SERVICES; i++) {
                    assertThat(ids).contains("service:server-a/catalogue-" + i);
                }
                assertThat(browser.list("edges").size()).isGreaterThanOrEqualTo(SERVICES);
            }
        }
    }

    /** A whole hello, or a hello's last part. */
    private static boolean lastOfHello(String message) {
        try {
            JsonNode m = new ObjectMapper().readTree(message);
            return !"helloPart".equals(m.path("type").asText()) || m.path("part").asInt() == m.path("parts").asInt() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The messages of a /ws/graph hello as a plain WebSocket client receives them, up to its last part. */
    private static List<String> helloMessages(String base) throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> whole = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(base.replace("http:", "ws:") + "/ws/graph"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            String message = text.toString();
                            text.setLength(0);
                            messages.add(message);
                            if (lastOfHello(message)) {
                                whole.complete(null);
                            }
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        whole.get(20, TimeUnit.SECONDS);
        socket.abort();
        return messages;
    }
}
