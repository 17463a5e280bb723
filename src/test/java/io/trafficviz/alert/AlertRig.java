package io.trafficviz.alert;

import io.trafficviz.app.TrafficvizApp;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.discovery.AddressIndex;
import io.trafficviz.discovery.ProxyInventory;
import io.trafficviz.discovery.Service;
import io.trafficviz.ingest.Ingest;
import io.trafficviz.source.LineBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real pipeline (parse, resolve, graph) with the example's two proxies, whose ingest feeds an {@link AlertEngine}
 * driven by a hand-set clock: each {@link #tick} is one look of the engine's thread. Notifications are recorded.
 */
final class AlertRig implements AutoCloseable {
    static final String SERVERS = """
            listen: 127.0.0.1:0
            servers:
              - name: server-a
                proxies:
                  - {name: public-proxy, role: public, network: pub-net, accessLog: pub.log}
                  - {name: private-proxy, role: private, network: priv-net, accessLog: priv.log}
            """;

    final TrafficvizApp app;
    final Ingest ingest;
    final AlertEngine engine;
    final List<Alert> told = new ArrayList<>();
    final List<Alert> refreshed = new ArrayList<>();
    final Map<String, Boolean> apiUp = new HashMap<>();
    long now = 1_000_000_000L;

    AlertRig(Path dir, String alertsYaml) throws Exception {
        Files.writeString(dir.resolve("pub.log"), "");
        Files.writeString(dir.resolve("priv.log"), "");
        TrafficvizConfig config = ConfigLoader.parse(SERVERS + alertsYaml, dir);
        app = TrafficvizApp.create(config, false);
        app.hub().close();
        ingest = app.ingest();
        List<String> origins = new ArrayList<>(app.logFiles().keySet());
        origins.add("never-written.log");
        engine = new AlertEngine(config.alerts().rules(), (alert, refresh) -> (refresh ? refreshed : told).add(alert),
                () -> now, () -> Map.copyOf(apiUp), origins);
        ingest.setListener(engine);
    }

    String log(String name) {
        return app.logFiles().keySet().stream().filter(p -> p.endsWith(name)).findFirst().orElseThrow();
    }

    /** {@code n} routed requests from {@code client} to {@code service} through the proxy of {@code file}. */
    void routed(String file, String client, String service, int status, long durationMillis, int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"ClientHost\":\"" + client + "\",\"DownstreamStatus\":" + status + ",\"OriginStatus\":" + status
                    + ",\"RouterName\":\"r@docker\",\"Duration\":" + durationMillis * 1_000_000 + ","
                    + "\"RequestMethod\":\"GET\",\"RequestPath\":\"/p\",\"RequestHost\":\"h\","
                    + "\"ServiceName\":\"" + service + "@docker\",\"ServiceURL\":\"http://172.25.0.50:80\"}");
        }
        ingest.accept(LineBatch.of(log(file), lines));
    }

    /** {@code n} requests no router matched: Traefik's own 404. */
    void unrouted(String file, String client, int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"ClientHost\":\"" + client + "\",\"DownstreamStatus\":404,\"OriginStatus\":0,\"Duration\":20000,"
                    + "\"RequestMethod\":\"GET\",\"RequestPath\":\"/.env\",\"RequestHost\":\"x\"}");
        }
        ingest.accept(LineBatch.of(log(file), lines));
    }

    /** The proxy's discovery found {@code service} at {@code address}. */
    void discovered(String proxyKey, String service, String address) {
        ProxyInventory inventory = new ProxyInventory("3.6", List.of(), List.of(new Service(service + "@docker",
                Service.TYPE_LOAD_BALANCER, "docker", List.of("http://" + address + ":80"), "enabled", List.of())),
                List.of(), now);
        ingest.applyInventory(proxyKey, inventory, AddressIndex.build(inventory));
    }

    void tick(long advanceMillis) {
        now += advanceMillis;
        engine.tick(now);
    }

    List<String> firedRules() {
        return told.stream().filter(Alert::firing).map(Alert::rule).distinct().sorted().toList();
    }

    @Override
    public void close() {
        app.close();
    }
}
