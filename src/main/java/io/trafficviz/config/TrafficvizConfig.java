package io.trafficviz.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, validated. Built by {@link ConfigLoader}.
 *
 * @param names         static names: an address or CIDR mapped to a node name, checked in file order
 * @param networkHeader the kept request header naming the proxy network ({@code request_<header>} in the log), used to
 *                      tell apart the proxies that share one access-log file
 * @param stateDir      where tail offsets are persisted, or null for none
 * @param ingestToken   the bearer token {@code POST /ingest} and {@code POST /v1/logs} require, or null: then only
 *                      loopback callers may push
 * @param ingestMaxBodyBytes the largest pushed request body accepted, counted after decompression
 * @param auth          who may see the graph ({@link AuthConfig#NONE} without an {@code auth:} section)
 * @param http          the {@code http:} section: allowed origins and hosts, connections per address
 * @param history       the {@code history:} section: the request store, its file, retention and size
 * @param alerts        the {@code alerts:} section: rules and where their notifications go ({@link AlertsConfig#NONE})
 * @param serviceGraph  the {@code serviceGraph:} section: Tempo-named per-edge series on {@code /metrics} (off)
 * @param kafka         the {@code kafka:} section: topics to consume, or null without one
 */
public record TrafficvizConfig(String listenHost, int listenPort, List<ServerConfig> servers, Map<Cidr, String> names,
                               boolean reverseDns, boolean startAtBeginning, Path stateDir, String networkHeader,
                               long discoveryIntervalMillis, Limits limits, String ingestToken,
                               long ingestMaxBodyBytes, AuthConfig auth,
                               HttpConfig http, HistoryConfig history, AlertsConfig alerts,
                               ServiceGraphConfig serviceGraph, KafkaConfig kafka) {
    /** 10 MiB: far above what Vector (1 MB batches) or Fluent Bit send in one request. */
    public static final long DEFAULT_INGEST_MAX_BODY_BYTES = 10L * 1024 * 1024;


    /** Caps that keep memory bounded whatever the logs contain. */
    public record Limits(int maxNodes, int maxEdges, int maxUnknownPerGroup, int maxPathsPerEdge) {
        public static final Limits DEFAULTS = new Limits(5_000, 20_000, 50, 100);
    }

    public TrafficvizConfig withListen(String host, int port) {
        return new TrafficvizConfig(host, port, servers, names, reverseDns, startAtBeginning, stateDir, networkHeader,
                discoveryIntervalMillis, limits, ingestToken, ingestMaxBodyBytes, auth, http, history, alerts, serviceGraph, kafka);
    }

    public TrafficvizConfig withStartAtBeginning(boolean beginning) {
        return new TrafficvizConfig(listenHost, listenPort, servers, names, reverseDns, beginning, stateDir,
                networkHeader, discoveryIntervalMillis, limits, ingestToken, ingestMaxBodyBytes, auth, http, history, alerts, serviceGraph, kafka);
    }

    public TrafficvizConfig withStateDir(Path dir) {
        return new TrafficvizConfig(listenHost, listenPort, servers, names, reverseDns, startAtBeginning, dir,
                networkHeader, discoveryIntervalMillis, limits, ingestToken, ingestMaxBodyBytes, auth, http, history, alerts, serviceGraph, kafka);
    }

    public TrafficvizConfig withHistory(HistoryConfig h) {
        return new TrafficvizConfig(listenHost, listenPort, servers, names, reverseDns, startAtBeginning, stateDir,
                networkHeader, discoveryIntervalMillis, limits, ingestToken, ingestMaxBodyBytes, auth, http, h, alerts, serviceGraph, kafka);
    }

    public TrafficvizConfig withKafka(KafkaConfig k) {
        return new TrafficvizConfig(listenHost, listenPort, servers, names, reverseDns, startAtBeginning, stateDir,
                networkHeader, discoveryIntervalMillis, limits, ingestToken, ingestMaxBodyBytes, auth, http, history,
                alerts, serviceGraph, k);
    }
}
