package io.trafficviz.publish.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.trafficviz.history.Gaps;
import io.trafficviz.history.HistoryQueries;
import io.trafficviz.history.HistoryWriter;
import io.trafficviz.model.RequestEvent;
import io.trafficviz.publish.auth.AuthGate;
import io.trafficviz.publish.auth.Principal;
import io.trafficviz.publish.wire.Masking;

import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The store's side of the HTTP API (docs/protocol.md, "History"): {@code /history/timeline} and
 * {@code /history/requests}, and the window of {@code /network_info?from&to}. Behind the same login as the rest; a
 * principal that may not read the access log may not page through its history either.
 */
public final class HistoryRoutes {
    private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{1,15}");
    private static final Pattern STATUS_CLASS = Pattern.compile("[1-5]xx|error");
    /** A timeline step finer than this is widened: buckets under a second are not what a time bar draws. */
    static final long MIN_STEP_MILLIS = 1000;

    private final HistoryQueries queries;
    private final HistoryWriter writer;
    private final AuthGate gate;

    public HistoryRoutes(HistoryQueries queries, HistoryWriter writer, AuthGate gate) {
        this.queries = queries;
        this.writer = writer;
        this.gate = gate;
    }

    /** Adds the routes; after {@link AuthGate#install}. */
    public void install(RoutesConfig routes) {
        routes.get("/history/timeline", this::timeline);
        routes.get("/history/requests", this::requests);
    }

    /** A bad request parameter: answered 400 with the parameter named. */
    static final class BadParameter extends RuntimeException {
        BadParameter(String parameter, String problem) {
            super(parameter + ": " + problem);
        }
    }

    static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        return m;
    }

    /** A time parameter: ISO-8601 ({@code 2026-12-07T03:10:00Z}, with an offset) or epoch milliseconds. */
    static Long time(Context ctx, String name, boolean required) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            if (required) {
                throw new BadParameter(name, "required (ISO-8601 like 2026-12-07T03:10:00Z, or epoch milliseconds)");
            }
            return null;
        }
        text = text.trim();
        if (EPOCH_MILLIS.matcher(text).matches()) {
            return Long.parseLong(text);
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeException e2) {
                throw new BadParameter(name, "not a time: use ISO-8601 with a zone (2026-12-07T03:10:00Z) or epoch "
                        + "milliseconds (was '" + clip(text) + "')");
            }
        }
    }

    private static String clip(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    /** {@code [from, to)} from the request, both required, {@code from} before {@code to}. */
    static long[] window(Context ctx) {
        long from = time(ctx, "from", true);
        long to = time(ctx, "to", true);
        if (to <= from) {
            throw new BadParameter("to", "must be after from");
        }
        return new long[] {from, to};
    }

    private void timeline(Context ctx) {
        answer(ctx, () -> {
            long[] range = queries.range();
            Long from = time(ctx, "from", false);
            Long to = time(ctx, "to", false);
            long start = from != null ? from : range == null ? 0 : range[0];
            long end = to != null ? to : range == null ? 0 : range[1] + 1;
            if (end < start) {
                throw new BadParameter("to", "must be after from");
            }
            String stepText = ctx.queryParam("step");
            long step;
            if (stepText == null || stepText.isBlank()) {
                step = Math.max(MIN_STEP_MILLIS, (end - start) / 500 + 1);
            } else {
                if (!EPOCH_MILLIS.matcher(stepText.trim()).matches() || Long.parseLong(stepText.trim()) < 1) {
                    throw new BadParameter("step", "must be a positive number of milliseconds (was '"
                            + clip(stepText) + "')");
                }
                step = Long.parseLong(stepText.trim());
            }
            // Never more than MAX_BUCKETS buckets, however fine the step asked for.
            step = Math.max(Math.max(step, MIN_STEP_MILLIS), (end - start) / HistoryQueries.MAX_BUCKETS + 1);
            List<long[]> buckets = new ArrayList<>();
            for (HistoryQueries.Bucket b : queries.timeline(start, end, step)) {
                buckets.add(new long[] {b.start(), b.requests(), b.errors()});
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("from", start);
            doc.put("to", end);
            doc.put("step", step);
            doc.put("retained", range == null ? null : Map.of("from", range[0], "to", range[1]));
            doc.put("columns", List.of("start", "requests", "errors"));
            doc.put("buckets", buckets);
            doc.put("gaps", gaps(start, end));
            return doc;
        });
    }

    private void requests(Context ctx) {
        Principal principal = AuthGate.principal(ctx);
        if (principal != null && !gate.authenticator().mayReadAccessLog(principal)) {
            ctx.status(403).json(error("the viewer role may not read the access log"));
            return;
        }
        answer(ctx, () -> {
            String status = blankToNull(ctx.queryParam("status"));
            if (status != null && !STATUS_CLASS.matcher(status).matches()) {
                throw new BadParameter("status", "must be 1xx to 5xx, or error (was '" + clip(status) + "')");
            }
            Long cursor = null;
            String cursorText = blankToNull(ctx.queryParam("cursor"));
            if (cursorText != null) {
                if (!EPOCH_MILLIS.matcher(cursorText).matches()) {
                    throw new BadParameter("cursor", "must be the next value of a previous page (was '"
                            + clip(cursorText) + "')");
                }
                cursor = Long.parseLong(cursorText);
            }
            int limit = 100;
            String limitText = blankToNull(ctx.queryParam("limit"));
            if (limitText != null) {
                if (!EPOCH_MILLIS.matcher(limitText).matches() || Long.parseLong(limitText) < 1
                        || Long.parseLong(limitText) > HistoryQueries.MAX_PAGE) {
                    throw new BadParameter("limit", "must be 1 to " + HistoryQueries.MAX_PAGE + " (was '"
                            + clip(limitText) + "')");
                }
                limit = Integer.parseInt(limitText);
            }
            HistoryQueries.Filter filter = new HistoryQueries.Filter(blankToNull(ctx.queryParam("caller")),
                    blankToNull(ctx.queryParam("target")), status, blankToNull(ctx.queryParam("path")),
                    time(ctx, "from", false), time(ctx, "to", false), cursor);
            String order = blankToNull(ctx.queryParam("order"));
            if (order != null && !order.equals("asc") && !order.equals("desc")) {
                throw new BadParameter("order", "must be asc (oldest first) or desc (was '" + clip(order) + "')");
            }
            HistoryQueries.Page page = queries.requests(filter, limit, "asc".equals(order));
            Masking masking = gate.masking(principal);
            List<RequestEvent> rows = masking.masksNothing() ? page.rows() : masking.events(page.rows());
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("rows", rows);
            doc.put("next", page.next());
            return doc;
        });
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The gaps that overlap {@code [from, to)}, for a window's or a timeline's reader. */
    List<Map<String, Object>> gaps(long from, long to) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Gaps.Gap g : writer.gaps().all()) {
            if (g.fromMillis() < to && g.toMillis() >= from) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("from", g.fromMillis());
                m.put("to", g.toMillis());
                m.put("requests", g.requests());
                m.put("reason", g.reason());
                out.add(m);
            }
        }
        return out;
    }

    /** What the store is doing, for {@code /network_info}'s {@code history} field. */
    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stored", writer.stored());
        m.put("dropped", writer.gaps().droppedTotal());
        m.put("failure", writer.failure());
        m.put("gaps", gaps(Long.MIN_VALUE, Long.MAX_VALUE));
        return m;
    }

    HistoryQueries queries() {
        return queries;
    }

    interface Query {
        Object run() throws SQLException;
    }

    static void answer(Context ctx, Query query) {
        try {
            ctx.json(query.run());
        } catch (BadParameter e) {
            ctx.status(400).json(error(e.getMessage()));
        } catch (SQLException e) {
            ctx.status(503).json(error("the history store could not answer: " + e.getMessage()));
        }
    }
}
