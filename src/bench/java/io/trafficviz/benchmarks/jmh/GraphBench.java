package io.trafficviz.benchmarks.jmh;

import io.trafficviz.dev.generate.LogGenerator;
import io.trafficviz.config.ConfigLoader;
import io.trafficviz.config.TrafficvizConfig;
import io.trafficviz.graph.Node;
import io.trafficviz.model.NodeId;
import io.trafficviz.source.LineBatch;
import io.trafficviz.graph.TrafficGraph;
import io.trafficviz.ingest.Ingest;
import io.trafficviz.resolve.AddressBook;
import io.trafficviz.resolve.RequestResolver;
import io.trafficviz.resolve.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The graph update alone ({@link TrafficGraph#recordRequest}: three edges, status classes, latency histogram, rate ring,
 * per-edge path counts), and a whole line through the pipeline (parse + resolve + graph) on the generated topology.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GraphBench {
    static final int LINES = 4096;

    private TrafficGraph graph;
    private Node[] clients;
    private Node[] proxies;
    private Node[] targets;
    private String[] paths;
    private byte[][] logPaths;
    private int[] statuses;
    private long[] durations;
    private long clock;

    private Ingest pipeline;
    private String[] origins;
    private LineBatch[] batches;

    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() throws IOException {
        graph = new TrafficGraph(5_000, 20_000, 100);
        SplittableRandom r = new SplittableRandom(7);
        clients = new Node[LINES];
        proxies = new Node[LINES];
        targets = new Node[LINES];
        paths = new String[LINES];
        statuses = new int[LINES];
        durations = new long[LINES];
        logPaths = new byte[LINES][];
        for (int i = 0; i < LINES; i++) {
            int server = r.nextInt(40);
            proxies[i] = graph.ensureNode(NodeId.proxy("s" + server, "private-proxy", false), "private-net");
            int caller = r.nextInt(18);
            int callee = (caller + new int[]{1, 3, 7}[r.nextInt(3)]) % 18; // the generator's mesh
            clients[i] = graph.ensureNode(NodeId.service("s" + server, "svc-" + caller), "private-net");
            targets[i] = graph.ensureNode(NodeId.service("s" + server, "svc-" + callee), "private-net");
            paths[i] = "/api/items/" + r.nextInt(1_000_000);
            // As the generator's logs: 3 resources per target, half the requests on 100 ids, 30% on 10,000.
            int dice = r.nextInt(100);
            int id = r.nextInt(dice < 50 ? 100 : dice < 80 ? 10_000 : 1_000_000);
            logPaths[i] = ("/api/res" + (callee * 7 + r.nextInt(3)) % 12 + "/" + id)
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            statuses[i] = r.nextInt(10) == 0 ? 500 : 200;
            durations[i] = 1_000_000L + r.nextInt(50_000_000);
        }

        // The whole pipeline on the generator's topology, discovery applied by hand (no threads).
        Path dir = Files.createTempDirectory("graphbench");
        LogGenerator generator = new LogGenerator(40, 18, 1_000_000, 1);
        Path config = dir.resolve("trafficviz.yml");
        Files.writeString(config, generator.trafficvizConfig(LogGenerator.Format.JSON, "127.0.0.1:0", dir, null));
        TrafficvizConfig cfg = ConfigLoader.load(config);
        AddressBook book = new AddressBook();
        for (LogGenerator.Proxy p : generator.proxies()) {
            Map<String, Workload> addresses = new HashMap<>();
            for (int k = 0; k < 18; k++) {
                addresses.put(LogGenerator.serviceIp(p.server(), k),
                        new Workload(p.serverName(), LogGenerator.serviceName(k), p.network()));
            }
            book.replace(p.serverName() + "/" + p.name(), addresses);
        }
        TrafficGraph pipelineGraph = new TrafficGraph(5_000, 20_000, 100);
        RequestResolver resolver = new RequestResolver(cfg, book, null);
        pipeline = new Ingest(pipelineGraph, resolver, book, System::currentTimeMillis, true);
        origins = new String[generator.proxies().size()];
        List<String>[] lists = new List[origins.length];
        for (LogGenerator.Proxy p : generator.proxies()) {
            origins[p.index()] = dir.resolve(p.logFileName()).toString();
            pipeline.register(origins[p.index()], List.of(p.serverName() + "/" + p.name()), "json");
            lists[p.index()] = new java.util.ArrayList<>();
        }
        for (int i = 0; i < LINES; i++) {
            LogGenerator.Generated g = generator.next(LogGenerator.DEFAULT_START_MILLIS + i);
            lists[g.proxy().index()].add(g.line(LogGenerator.Format.JSON));
        }
        batches = new LineBatch[origins.length];
        for (int k = 0; k < origins.length; k++) {
            batches[k] = LineBatch.of(origins[k], lists[k]);
        }
    }

    /** Per request (score divided by {@value #LINES}). */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void recordRequest() {
        long now = clock += 1000;
        for (int i = 0; i < LINES; i++) {
            graph.recordRequest(clients[i], proxies[i], targets[i], statuses[i], durations[i], durations[i] - 40_000,
                    1234, paths[i], now + i / 8);
        }
    }

    /**
     * As {@link #recordRequest}, with paths as in the generated logs (skewed: some hot, most rare) and, as from the
     * parser, a new String each line (so hashed each line); the copy is part of the score (~10 ns).
     */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void recordRequestLogPaths() {
        long now = clock += 1000;
        for (int i = 0; i < LINES; i++) {
            graph.recordRequest(clients[i], proxies[i], targets[i], statuses[i], durations[i], durations[i] - 40_000,
                    1234, new String(logPaths[i], java.nio.charset.StandardCharsets.ISO_8859_1), now + i / 8);
        }
    }

    /** Per line: parse + resolve + graph, as replay does it (score divided by {@value #LINES}). */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public void pipelineLine() {
        for (int i = 0; i < batches.length; i++) {
            pipeline.accept(batches[i]);
        }
    }
}
