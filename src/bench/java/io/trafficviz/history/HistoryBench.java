package io.trafficviz.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.trafficviz.model.NodeFact;
import io.trafficviz.model.NodeId;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The history store's query budgets (issue 15): a store of {@code ROWS} requests spread evenly over {@code HOURS}
 * hours (40 servers, a public and a private proxy each, 18 services each, 2,000 regular public callers, 100,000
 * distinct paths with queries, 3% errors), then, each the median of 7 runs after 2 warm-ups:
 * <ul>
 *   <li>one hour as a graph ({@link HistoryQueries#window}, what {@code /network_info?from&to} answers);</li>
 *   <li>the timeline over the whole range, 500 buckets ({@code /history/timeline});</li>
 *   <li>a page of 100 access-log rows, newest first, unfiltered and filtered by status class and path substring
 *       ({@code /history/requests}).</li>
 * </ul>
 * Usage: {@code HistoryBench DIR [ROWS] [HOURS]}; the store is built once in DIR and reused when it holds ROWS rows.
 * Prints one JSON line.
 */
public final class HistoryBench {
    private static final long T0 = 1_752_580_800_000L;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        int hours = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        Files.createDirectories(dir);
        Path file = dir.resolve("history-" + rows + "-" + hours + "h.duckdb");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", rows);
        out.put("hours", hours);
        try (HistoryStore store = HistoryStore.open(file)) {
            long have;
            try (var c = store.reader(); var rs = c.createStatement().executeQuery("SELECT count(*) FROM requests")) {
                rs.next();
                have = rs.getLong(1);
            }
            if (have != rows) {
                long started = System.nanoTime();
                fill(store, rows, hours);
                store.checkpoint();
                out.put("fillSeconds", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
                out.put("fillRowsPerSecond", Math.round(rows / ((System.nanoTime() - started) / 1e9)));
            }
            store.closeAppender();
            out.put("fileBytes", store.fileBytes());
            out.put("bytesPerRequest", Math.round(store.fileBytes() * 10.0 / rows) / 10.0);
            out.put("requestsPerGB", Math.round(rows * 1e9 / store.fileBytes()));
            List<NodeFact> proxies = new ArrayList<>();
            HistoryQueries q = new HistoryQueries(store, proxies, 5_000, 20_000, 100);
            long end = T0 + hours * 3_600_000L;
            long hourFrom = T0 + (hours / 2) * 3_600_000L;
            long[] windowRows = new long[1];
            out.put("windowHourMillis", median(() -> windowRows[0] = q.window(hourFrom, hourFrom + 3_600_000L, false)
                    .totals().lines()));
            out.put("windowHourRows", windowRows[0]);
            out.put("timelineMillis", median(() -> q.timeline(T0, end, (end - T0) / 500 + 1).size()));
            out.put("pageMillis", median(() -> q.requests(new HistoryQueries.Filter(null, null, null, null, null, null,
                    null), 100).rows().size()));
            out.put("pageFilteredMillis", median(() -> q.requests(new HistoryQueries.Filter(null, "svc-03", "5xx",
                    "/api/items/1", null, null, null), 100).rows().size()));
        }
        System.out.println(new ObjectMapper().writeValueAsString(out));
    }

    interface Query {
        long run() throws Exception;
    }

    private static double median(Query q) throws Exception {
        q.run();
        q.run();
        double[] ms = new double[7];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            q.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return Math.round(ms[3] * 10) / 10.0;
    }

    private static void fill(HistoryStore store, long rows, int hours) throws Exception {
        SplittableRandom r = new SplittableRandom(15);
        String[] regular = new String[2000];
        for (int i = 0; i < regular.length; i++) {
            regular[i] = "203.0." + (i / 250) + "." + (i % 250);
        }
        List<HistoryRow> batch = new ArrayList<>(16_384);
        double step = hours * 3_600_000.0 / rows;
        for (long i = 0; i < rows; i++) {
            int server = 1 + r.nextInt(40);
            String s = String.format("s%03d", server);
            boolean pub = r.nextInt(3) == 0;
            String proxyName = pub ? "public-proxy" : "private-proxy";
            String network = pub ? "public-net" : "private-net";
            NodeId proxy = NodeId.proxy(s, proxyName, false);
            NodeId caller = pub ? NodeId.external(s, network)
                    : NodeId.service(s, String.format("svc-%02d", r.nextInt(18)));
            NodeId target = NodeId.service(s, String.format("svc-%02d", r.nextInt(18)));
            int status = r.nextInt(100) < 3 ? 500 + r.nextInt(4) : 200;
            String path = "/api/items/" + r.nextInt(100_000) + "?page=" + r.nextInt(10);
            batch.add(new HistoryRow("/var/log/traefik/" + s + "-" + proxyName + ".log", T0 + (long) (i * step), s,
                    network, proxyName, caller, network, proxy, target, "private-net", false, status,
                    (long) (r.nextDouble() * r.nextDouble() * 200_000_000L), 0, 200 + r.nextInt(5000), "GET",
                    s + ".example.com", path));
            if (batch.size() == 16_384) {
                store.append(batch);
                batch.clear();
            }
        }
        store.append(batch);
    }
}
