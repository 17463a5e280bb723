package io.trafficviz.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.Select;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.trafficviz.web.BrowserSession.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Issue 19, items 2 and 3: the view in a link, and the exports, in a real Chromium against a live server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViewLinkAndExportBrowserIT {
    private static final String PRIVATE_PROXY = "proxy:server-a/private-proxy";
    private static final String NON_COMMUNICATING = "service:server-a/private-non-communicating-service";

    @TempDir
    static Path dir;
    private LiveDemo demo;
    private BrowserSession browser;

    @BeforeAll
    void start() {
        assumeTrue(BrowserSession.available(), "Chromium and chromedriver are not installed");
        demo = new LiveDemo(dir);
        browser = new BrowserSession();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @BeforeEach
    void freshPage() {
        demo.pauseTraffic(false);
        browser.open(demo.url("/"));
        browser.js("localStorage.clear()");
        browser.open(demo.url("/"));
        awaitSettled(browser);
    }

    @Test
    void aCopiedLinkReproducesFiltersSearchSelectionAndZoomInAFreshBrowser() {
        String network = (String) nodesById(browser).get(PRIVATE_PROXY).get("network");
        new Select(browser.driver.findElement(By.id("filter-network"))).selectByVisibleText(network);
        browser.driver.findElement(By.cssSelector(".status-toggles [data-status='3xx']")).click();
        browser.driver.findElement(By.id("search")).sendKeys("non-comm");
        browser.js("window.trafficviz.select(arguments[0])", PRIVATE_PROXY);
        BrowserSession.sleep(600); // the search centres on its hit after a pause in typing: zoom after that
        WebElement canvas = browser.driver.findElement(By.id("graph"));
        new Actions(browser.driver).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(canvas, -100, 50), 0, -240)
                .perform();
        await(() -> browser.js("return window.trafficviz.linkedView()") != null, "the user's zoom taken as the view");

        browser.driver.findElement(By.id("copy-link")).click();
        WebElement field = browser.driver.findElement(By.id("link-field"));
        await(() -> field.isDisplayed() && !field.getAttribute("value").isEmpty(), "the link shown");
        String link = field.getAttribute("value");
        assertThat(link).contains("sel=").contains("view=").contains("status=2xx%2C4xx%2C5xx").contains("q=non-comm")
                .contains("network=");
        assertThat(link.length()).isLessThanOrEqualTo(2048);
        assertThat(browser.driver.findElement(By.id("link-status")).getText()).containsAnyOf("Link copied", "Ctrl+C");
        browser.screenshot("view-link");
        @SuppressWarnings("unchecked")
        Map<String, Object> view = (Map<String, Object>) browser.js("return window.trafficviz.linkedView()");
        Set<String> shown = nodesById(browser).keySet();

        try (BrowserSession fresh = new BrowserSession()) {
            fresh.open(link);
            await(() -> Boolean.TRUE.equals(fresh.js("return window.trafficviz.linkRestored()")), "the link applied");
            assertThat(fresh.snapshot().get("selected")).isEqualTo(PRIVATE_PROXY);
            assertThat(new Select(fresh.driver.findElement(By.id("filter-network"))).getFirstSelectedOption().getText())
                    .isEqualTo(network);
            assertThat(fresh.driver.findElement(By.cssSelector(".status-toggles [data-status='3xx']"))
                    .getAttribute("aria-pressed")).isEqualTo("false");
            assertThat(fresh.driver.findElement(By.cssSelector(".status-toggles [data-status='4xx']"))
                    .getAttribute("aria-pressed")).isEqualTo("true");
            assertThat(fresh.driver.findElement(By.id("search")).getAttribute("value")).isEqualTo("non-comm");
            @SuppressWarnings("unchecked")
            List<String> matches = (List<String>) fresh.snapshot().get("searchMatches");
            assertThat(matches).containsExactly(NON_COMMUNICATING);
            assertThat(nodesById(fresh).keySet()).isEqualTo(shown);
            @SuppressWarnings("unchecked")
            Map<String, Object> freshView = (Map<String, Object>) fresh.js("return window.trafficviz.linkedView()");
            for (String key : List.of("fx", "fy", "k")) {
                assertThat(((Number) freshView.get(key)).doubleValue()).as(key)
                        .isCloseTo(((Number) view.get(key)).doubleValue(), offset(1e-3));
            }
            // The page writes the same view back: the link stays what it was.
            assertThat((String) fresh.js("return window.trafficviz.link()")).isEqualTo(link);
            fresh.screenshot("view-link-opened");
        }
    }

    @Test
    void theExportedSvgParsesAndNamesTheNodesOnScreenWithLegendAndCaption() throws Exception {
        browser.js("window.trafficviz.select(arguments[0])", NON_COMMUNICATING);
        BrowserSession.sleep(700); // the view slides the selection out from under the panel
        String svgText = (String) browser.js("return window.trafficviz.exportText('svg')");
        Document svg = parseXml(svgText);
        Element root = svg.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");

        Set<String> labels = new HashSet<>();
        Set<String> ids = new HashSet<>();
        Set<String> fullNames = new HashSet<>();
        List<String> legendAndCaption = new ArrayList<>();
        NodeList texts = svg.getElementsByTagNameNS("*", "text");
        for (int i = 0; i < texts.getLength(); i++) {
            Element text = (Element) texts.item(i);
            if ("node-label".equals(text.getAttribute("class"))) {
                labels.add(text.getTextContent());
                ids.add(text.getAttribute("data-id"));
            } else {
                legendAndCaption.add(text.getTextContent());
            }
        }
        NodeList shapes = svg.getElementsByTagNameNS("*", "path");
        for (int i = 0; i < shapes.getLength(); i++) {
            Element shape = (Element) shapes.item(i);
            if ("node".equals(shape.getAttribute("class"))) {
                fullNames.add(shape.getTextContent()); // its <title>
            }
        }
        List<Map<String, Object>> onScreen = browser.list("nodes").stream().filter(n -> {
            double x = ((Number) n.get("x")).doubleValue();
            double y = ((Number) n.get("y")).doubleValue();
            return x >= 0 && y >= 0 && x <= BrowserSession.WIDTH && y <= BrowserSession.HEIGHT;
        }).toList();
        assertThat(onScreen).hasSizeGreaterThan(5);
        assertThat(ids).containsAll(onScreen.stream().map(n -> (String) n.get("id")).toList());
        assertThat(fullNames).containsAll(onScreen.stream().map(n -> (String) n.get("label")).toList());
        // Labels as the canvas writes them: one over 32 characters cut to 31 and an ellipsis (the title has it whole).
        for (Map<String, Object> node : onScreen) {
            String label = (String) node.get("label");
            assertThat(labels).contains(label.length() <= 32 ? label : label.substring(0, 31) + "…");
        }
        assertThat(legendAndCaption).contains("proxy (Traefik)", "failing (≥ 50% errors)", "▣ server-a");
        assertThat(legendAndCaption).anyMatch(t -> t.startsWith("trafficviz · ") && t.contains(" UTC · "));
        assertThat(legendAndCaption).anyMatch(t -> t.contains("server: all") && t.contains("status: all")
                && t.contains("selected: private-non-communicating-service"));

        // The PNG is the same picture rasterised at twice the size.
        String dataUrl = (String) browser.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1]; window.trafficviz.exportPng().then(done, (e) => done('' + e));");
        assertThat(dataUrl).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        double canvasWidth = ((Number) ((Map<?, ?>) browser.snapshot().get("canvas")).get("width")).doubleValue();
        assertThat(image.getWidth()).isEqualTo((int) Math.round(canvasWidth * 2));
        Path shots = Files.createDirectories(Path.of("target", "browser-screenshots"));
        Files.write(shots.resolve("export.png"), png);
        Files.writeString(shots.resolve("export.svg"), svgText);
    }

    @Test
    void theEdgesCsvTotalsEqualNetworkInfos() throws Exception {
        demo.pauseTraffic(true);
        // Counts hold still once the last lines are read; the page has them within a second or two (edge rows).
        await(() -> {
            long[] server = networkInfoTotals();
            long[] page = csvTotals((String) browser.js("return window.trafficviz.exportText('edges-csv')"));
            return server[0] > 0 && server[0] == page[0] && server[1] == page[1] && server[2] == page[2]
                    && Arrays.equals(server, networkInfoTotals());
        }, () -> "edge CSV totals " + Arrays.toString(csvTotals(
                (String) browser.js("return window.trafficviz.exportText('edges-csv')")))
                + " vs /network_info " + Arrays.toString(networkInfoTotals()));
        JsonNode json = new ObjectMapper().readTree((String) browser.js("return window.trafficviz.exportText('edges-json')"));
        long[] server = networkInfoTotals();
        assertThat(json.get("totals").get("requests").asLong()).isEqualTo(server[0]);
        assertThat(json.get("totals").get("errors").asLong()).isEqualTo(server[1]);
        assertThat(json.get("edgeCount").asLong()).isEqualTo(server[2]);
    }

    @Test
    void theAccessLogCsvHoldsTheFilteredRowsWithAttackerTextDefused() {
        browser.open(demo.url("/access_logs"));
        await(() -> ((List<?>) browser.snapshot().get("rows")).size() > 20, "rows arrived");
        browser.driver.findElement(By.cssSelector(".status-toggles [data-status='2xx']")).click();
        // The table and the export are compared row for row: no request may arrive in between.
        demo.pauseTraffic(true);
        long[] received = {-1};
        await(() -> {
            long now = ((Number) browser.snapshot().get("received")).longValue();
            boolean still = now == received[0];
            received[0] = now;
            BrowserSession.sleep(400);
            return still;
        }, "the table holds still");
        List<List<String>> csv = parseCsv((String) browser.js("return window.trafficviz.exportCsv()"));
        List<String> header = csv.get(0);
        int status = header.indexOf("status");
        int path = header.indexOf("path");
        assertThat(csv).hasSizeGreaterThan(2);
        assertThat(csv.subList(1, csv.size())).allMatch(row -> !row.get(status).startsWith("2"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) browser.snapshot().get("rows");
        List<String> tablePaths = rows.stream().map(r -> String.valueOf(r.get("path"))).toList();
        List<String> csvPaths = csv.subList(1, csv.size()).stream().map(r -> r.get(path)).toList();
        assertThat(csvPaths.subList(csvPaths.size() - tablePaths.size(), csvPaths.size())).isEqualTo(tablePaths);

        browser.js("window.trafficviz.injectEntries({entries: [{time: 1765148400000, server: 'server-a', network: 'n',"
                + " from: '@evil', to: 'x', proxy: 'p', method: 'GET', host: 'a,b', path: '=HYPERLINK(\"http://x\",\"y\")',"
                + " status: 404, durationMs: 1, outcome: 'error', answeredBy: 'proxy'}]})");
        List<List<String>> after = parseCsv((String) browser.js("return window.trafficviz.exportCsv()"));
        List<String> last = after.get(after.size() - 1);
        assertThat(last.get(path)).isEqualTo("'=HYPERLINK(\"http://x\",\"y\")");
        assertThat(last.get(header.indexOf("from"))).isEqualTo("'@evil");
        assertThat(last.get(header.indexOf("host"))).isEqualTo("a,b");
    }

    // ------------------------------------------------------------------ helpers

    private static void awaitSettled(BrowserSession session) {
        await(() -> nodesById(session).keySet().containsAll(List.of(PRIVATE_PROXY, NON_COMMUNICATING))
                && session.list("edges").size() >= 4, "graph drawn");
        await(() -> Boolean.FALSE.equals(session.snapshot().get("layoutRunning")), "layout settled");
        BrowserSession.sleep(300);
    }

    private static Map<String, Map<String, Object>> nodesById(BrowserSession session) {
        return session.list("nodes").stream().collect(Collectors.toMap(n -> (String) n.get("id"), n -> n, (a, b) -> a));
    }

    /** {requests, errors, edges} of /network_info. */
    private long[] networkInfoTotals() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(demo.url("/network_info"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode edges = new ObjectMapper().readTree(response.body()).get("edges");
            long requests = 0;
            long errors = 0;
            for (JsonNode edge : edges) {
                requests += edge.get("requests").asLong();
                errors += edge.get("errors").asLong();
            }
            return new long[] {requests, errors, edges.size()};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long[] csvTotals(String text) {
        List<List<String>> rows = parseCsv(text);
        int requests = rows.get(0).indexOf("requests");
        int errors = rows.get(0).indexOf("errors");
        long r = 0;
        long e = 0;
        for (List<String> row : rows.subList(1, rows.size())) {
            r += Long.parseLong(row.get(requests));
            e += Long.parseLong(row.get(errors));
        }
        return new long[] {r, e, rows.size() - 1};
    }

    /** RFC 4180, as a spreadsheet reads it: quoted cells, doubled quotes, a line break between rows. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' || c == '\n') {
                // WebDriver hands strings back with line ends made '\n': accept both.
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else {
                cell.append(c);
            }
        }
        return rows;
    }

    private static Document parseXml(String text) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
