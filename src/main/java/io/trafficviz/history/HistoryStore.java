package io.trafficviz.history;

import io.trafficviz.model.NodeId;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The DuckDB file of every request (docs/adr/0006-duckdb-history-store.md). One row per request in {@code requests},
 * which names its route by number; the routes (caller, proxy, target, networks: few, repeated by every request) are
 * in {@code routes}. Written by one thread ({@link HistoryWriter}'s) with DuckDB's appender; read by any, each query on
 * a connection of its own.
 */
public final class HistoryStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryStore.class);
    private static final DateTimeFormatter ASIDE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Path file;
    private final DuckDBConnection connection;
    /** Writer's thread only: the routes already in {@code routes}, by their key. */
    private final Map<RouteKey, Integer> routeIds = new HashMap<>();
    private final Map<Integer, RouteKey> routesById = new java.util.concurrent.ConcurrentHashMap<>();
    private DuckDBAppender appender;
    private PreparedStatement insertRoute;
    /** Writer's thread only: routes first seen in the batch being appended, stored together before its requests. */
    private final List<Map.Entry<Integer, RouteKey>> newRoutes = new java.util.ArrayList<>();
    private long nextSeq;
    /** Writer's thread only: the first seq of the batch being appended. */
    private long batchFirstSeq;
    /** Writer's thread only: the seq of each source's last appended request. */
    private final Map<String, Long> lastSeqByOrigin = new HashMap<>();

    /** A route as stored: everything the graph needs to place a request, but its numbers. */
    record RouteKey(String origin, String server, String network, String proxyName, String caller, String callerNetwork,
                    String proxy, String target, String targetNetwork, boolean outsider) {
    }

    /** The store could not be opened and was not moved aside either (another process holds it). */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private HistoryStore(Path file, DuckDBConnection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS routes (id INTEGER PRIMARY KEY, origin VARCHAR, server VARCHAR,"
                    + " network VARCHAR,"
                    + " proxy_name VARCHAR, caller VARCHAR, caller_network VARCHAR, proxy VARCHAR, target VARCHAR,"
                    + " target_network VARCHAR, outsider BOOLEAN)");
            // seq: arrival order (the order a replay of the same lines counts them in), and the page cursor.
            st.execute("CREATE TABLE IF NOT EXISTS requests (seq BIGINT, time_ms BIGINT, route INTEGER,"
                    + " status SMALLINT, duration_us BIGINT, origin_us BIGINT, bytes BIGINT, method VARCHAR,"
                    + " host VARCHAR, path VARCHAR)");
            st.execute("CREATE TABLE IF NOT EXISTS gaps (from_ms BIGINT, to_ms BIGINT, requests BIGINT,"
                    + " reason VARCHAR)");
            // Files loaded by `import`, by the fingerprint of their content: a file imported again is skipped.
            st.execute("CREATE TABLE IF NOT EXISTS imports (fingerprint VARCHAR PRIMARY KEY, path VARCHAR,"
                    + " lines BIGINT, imported_ms BIGINT)");
            // How far each source had been read when its last stored request was: see trimToOffsets.
            st.execute("CREATE TABLE IF NOT EXISTS offsets (origin VARCHAR PRIMARY KEY, state VARCHAR,"
                    + " last_seq BIGINT)");
            try (ResultSet rs = st.executeQuery("SELECT id, origin, server, network, proxy_name, caller,"
                    + " caller_network, proxy, target, target_network, outsider FROM routes")) {
                while (rs.next()) {
                    RouteKey key = new RouteKey(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getBoolean(11));
                    routeIds.put(key, rs.getInt(1));
                    routesById.put(rs.getInt(1), key);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM requests")) {
                rs.next();
                nextSeq = rs.getLong(1) + 1;
            }
            // A source's next offset may come with no request of its own (a quiet rotation, only malformed lines):
            // it then covers the same requests as the one stored before, not "none" (which trimToOffsets would read
            // as: delete every request of this source).
            try (ResultSet rs = st.executeQuery("SELECT origin, last_seq FROM offsets")) {
                while (rs.next()) {
                    lastSeqByOrigin.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        insertRoute = connection.prepareStatement("INSERT INTO routes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /**
     * Opens (or creates) the store at {@code file}. A file DuckDB cannot read (garbage, a newer format) is moved
     * aside, said with both paths, and an empty store takes its place; one another process holds open is not touched.
     */
    public static HistoryStore open(Path file) {
        return open(file, Runtime.getRuntime().maxMemory());
    }

    /** {@link #open(Path)} as if the JVM's heap were {@code maxHeapBytes}, which sizes DuckDB's memory. */
    static HistoryStore open(Path file, long maxHeapBytes) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UnavailableException("cannot create the directory of the history store " + file + ": " + e, e);
        }
        try {
            return new HistoryStore(file, connect(file, maxHeapBytes));
        } catch (SQLException first) {
            if (heldByAnother(first)) {
                throw new UnavailableException("the history store " + file + " is open in another process ("
                        + first.getMessage() + ")", first);
            }
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + ASIDE.format(Instant.now()));
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
                Path wal = file.resolveSibling(file.getFileName() + ".wal");
                if (Files.exists(wal)) {
                    Files.move(wal, aside.resolveSibling(aside.getFileName() + ".wal"), StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new UnavailableException("cannot open the history store " + file + " (" + first.getMessage()
                        + ") nor move it aside: " + e, first);
            }
            log.warn("The history store {} could not be opened ({}); it was moved to {} and an empty store started",
                    file, first.getMessage(), aside);
            try {
                return new HistoryStore(file, connect(file, maxHeapBytes));
            } catch (SQLException again) {
                throw new UnavailableException("cannot create the history store " + file + ": " + again.getMessage(),
                        again);
            }
        }
    }

    private static DuckDBConnection connect(Path file, long maxHeapBytes) throws SQLException {
        Properties props = new Properties();
        props.setProperty("memory_limit", (memoryLimitBytes(maxHeapBytes) >> 20) + "MiB");
        props.setProperty("threads", "2");
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:"
                + file.toAbsolutePath(), props);
        NativeLibraryFile.unlinkLoadedCopy();
        return connection;
    }

    /**
     * DuckDB's memory is native, on top of the JVM's: half of the heap the JVM was given, between 32 and 256 MiB. The
     * heap is sized to the box (40% of a 256 MiB container: 104 MiB, so 52 MiB here; docs/performance.md), and
     * appends and deletes of an hour need little of it; a big heap is no reason to let a cache grow past 256 MiB
     * beside it. A window's query result is materialised by the driver (not streamed), so a window over much of a big
     * store may hit the limit: DuckDB then spills or fails that query (a 500 for that window, a warning and an empty
     * graph at a restart's restore), and a failed append is a gap, never a killed process.
     */
    static long memoryLimitBytes(long maxHeapBytes) {
        return Math.min(256L << 20, Math.max(32L << 20, maxHeapBytes / 2));
    }

    /** DuckDB's own words for its memory limit (e.g. "52.0 MiB"). */
    String memoryLimitSetting() throws SQLException {
        try (Connection c = reader(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('memory_limit')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean heldByAnother(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Could not set lock") || m.contains("Conflicting lock");
    }

    /** The sources some stored request came from (a replay of one of them would store its lines twice). */
    public java.util.Set<String> originsWithRequests() throws SQLException {
        java.util.Set<String> out = new java.util.TreeSet<>();
        try (Connection c = reader(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT DISTINCT origin FROM routes WHERE id IN"
                     + " (SELECT DISTINCT route FROM requests)")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    public Path file() {
        return file;
    }

    /**
     * Writer's thread only: appends the requests of {@code items} and commits them, with the routes first seen among
     * them, then records the sources' offsets among them, each with the last request of its source stored before it. A
     * crash between the two leaves requests past the recorded offsets, which {@link #trimToOffsets} removes at the next
     * start.
     */
    void append(List<? extends Queued> items) throws SQLException {
        if (appender == null) {
            // DuckDB's appender belongs to the thread that made it: the writer's.
            appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "requests");
        }
        batchFirstSeq = nextSeq;
        // The routes first: the appender commits every 2,048 rows on its own, and a request stored before its route
        // would point at a number that a failed batch gives back and a later route takes.
        for (Queued item : items) {
            if (item instanceof HistoryRow r) {
                routeId(r);
            }
        }
        storeNewRoutes();
        Map<String, Long> offsetSeqs = appendRows(items);
        appender.flush();
        if (offsetSeqs != null) {
            storeOffsets(items, offsetSeqs);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    /** The requests into the appender; returns the seq each offset among them was taken at, by origin, or null. */
    private Map<String, Long> appendRows(List<? extends Queued> items) throws SQLException {
        Map<String, Long> offsetSeqs = null;
        for (Queued item : items) {
            if (item instanceof Queued.Offset o) {
                if (offsetSeqs == null) {
                    offsetSeqs = new HashMap<>();
                }
                offsetSeqs.put(o.origin(), lastSeqByOrigin.getOrDefault(o.origin(), 0L));
                continue;
            }
            HistoryRow r = (HistoryRow) item;
            lastSeqByOrigin.put(r.origin(), nextSeq);
            int route = routeId(r);
            appender.beginRow();
            appender.append(nextSeq++);
            appender.append(r.time());
            appender.append(route);
            appender.append((short) r.status());
            appender.append(r.durationNanos() / 1000);
            if (r.originNanos() > 0) {
                appender.append(r.originNanos() / 1000);
            } else {
                appender.appendNull();
            }
            appender.append(r.bytes());
            appender.append(r.method());
            appender.append(r.host());
            appender.append(r.path());
            appender.endRow();
        }
        return offsetSeqs;
    }

    /** Each origin's last offset among {@code items}, with the seq it was taken at. */
    private void storeOffsets(List<? extends Queued> items, Map<String, Long> offsetSeqs) throws SQLException {
        Map<String, Queued.Offset> last = new HashMap<>();
        for (Queued item : items) {
            if (item instanceof Queued.Offset o) {
                last.put(o.origin(), o);
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT OR REPLACE INTO offsets VALUES (?, ?, ?)")) {
            for (Queued.Offset o : last.values()) {
                ps.setString(1, o.origin());
                ps.setString(2, o.state());
                ps.setLong(3, offsetSeqs.get(o.origin()));
                ps.executeUpdate();
            }
        }
    }

    /**
     * At start, before anything is written: removes the requests stored after their source's last recorded offset
     * (their lines are read again from that offset), and returns the offsets by origin, as their readers wrote them.
     */
    public Map<String, String> trimToOffsets() throws SQLException {
        Map<String, String> states = new HashMap<>();
        Map<String, Long> lastSeqs = new HashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT origin, state, last_seq FROM offsets")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getString(2));
                lastSeqs.put(rs.getString(1), rs.getLong(3));
            }
        }
        long trimmed = 0;
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM requests WHERE seq > ? AND route IN"
                + " (SELECT id FROM routes WHERE origin = ?)")) {
            for (Map.Entry<String, Long> e : lastSeqs.entrySet()) {
                ps.setLong(1, e.getValue());
                ps.setString(2, e.getKey());
                trimmed += ps.executeUpdate();
            }
        }
        if (trimmed > 0) {
            log.info("History: {} requests stored after their source's last saved offset were removed; their lines are"
                    + " read again", trimmed);
        }
        return states;
    }

    /**
     * Writer's thread only, after {@link #resetAppender}: how many requests of the batch that failed are in the store
     * all the same (the appender commits every 2,048 rows, and closing it flushes what it holds); 0 when that cannot
     * be read either.
     */
    long storedOfFailedBatch() {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM requests WHERE seq >= " + batchFirstSeq)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException | RuntimeException e) {
            return 0;
        }
    }

    /** Writer's thread only: after a failed append, a fresh appender (the old one may hold half a batch). */
    void resetAppender() {
        forgetNewRoutes();
        if (appender == null) {
            return;
        }
        try {
            appender.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("closing the failed appender: {}", e.toString());
        }
        appender = null;
    }

    private int routeId(HistoryRow r) throws SQLException {
        RouteKey key = new RouteKey(r.origin(), r.server(), r.network(), r.proxyName(), r.caller().text(), r.callerNetwork(),
                r.proxy().text(), r.target() == null ? null : r.target().text(), r.targetNetwork(), r.outsider());
        Integer id = routeIds.get(key);
        if (id != null) {
            return id;
        }
        int next = routeIds.size() + 1;
        routeIds.put(key, next);
        routesById.put(next, key);
        newRoutes.add(Map.entry(next, key));
        return next;
    }

    /**
     * The batch's new routes, in one transaction before its requests: a commit of its own for each (a WAL write and
     * sync every time) cost more than all the requests' appends together when replaying logs with thousands of routes
     * (docs/performance.md). If they cannot be stored, they are forgotten with the batch, to be numbered again.
     */
    private void storeNewRoutes() throws SQLException {
        if (newRoutes.isEmpty()) {
            return;
        }
        execute("BEGIN TRANSACTION");
        try {
            for (Map.Entry<Integer, RouteKey> e : newRoutes) {
                RouteKey key = e.getValue();
                insertRoute.setInt(1, e.getKey());
                insertRoute.setString(2, key.origin());
                insertRoute.setString(3, key.server());
                insertRoute.setString(4, key.network());
                insertRoute.setString(5, key.proxyName());
                insertRoute.setString(6, key.caller());
                insertRoute.setString(7, key.callerNetwork());
                insertRoute.setString(8, key.proxy());
                insertRoute.setString(9, key.target());
                insertRoute.setString(10, key.targetNetwork());
                insertRoute.setBoolean(11, key.outsider());
                insertRoute.executeUpdate();
            }
            execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
            try {
                execute("ROLLBACK");
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            forgetNewRoutes();
            throw e;
        }
        newRoutes.clear();
    }

    private void forgetNewRoutes() {
        for (Map.Entry<Integer, RouteKey> e : newRoutes) {
            routeIds.remove(e.getValue());
            routesById.remove(e.getKey());
        }
        newRoutes.clear();
    }

    /** Writer's thread only: keeps a gap across restarts. */
    void recordGap(Gaps.Gap gap) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO gaps VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, gap.fromMillis());
            ps.setLong(2, gap.toMillis());
            ps.setLong(3, gap.requests());
            ps.setString(4, gap.reason());
            ps.executeUpdate();
        }
    }

    /** The path a file with this fingerprint was imported from, or null when none was. */
    public String importedAs(String fingerprint) throws SQLException {
        try (Connection c = reader();
             PreparedStatement ps = c.prepareStatement("SELECT path FROM imports WHERE fingerprint = ?")) {
            ps.setString(1, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Notes an imported file, once its requests are stored. */
    public void recordImport(String fingerprint, String path, long lines) throws SQLException {
        try (Connection c = reader();
             PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO imports VALUES (?, ?, ?, ?)")) {
            ps.setString(1, fingerprint);
            ps.setString(2, path);
            ps.setLong(3, lines);
            ps.setLong(4, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    /** The route numbered {@code id}, or null. */
    RouteKey route(int id) {
        return routesById.get(id);
    }

    static NodeId nodeId(String text) {
        return text == null ? null : NodeId.parse(text);
    }

    /** A connection for one query (DuckDB's connections are not for two threads at once). */
    Connection reader() throws SQLException {
        return connection.duplicate();
    }

    /**
     * Writer's thread only: drops requests older than {@code cutoffMillis}, and then the oldest hours while the
     * store uses more than {@code maxBytes}; a CHECKPOINT hands the freed blocks back for reuse.
     *
     * @return how many requests were dropped
     */
    long dropOldest(long cutoffMillis, long maxBytes) throws SQLException {
        long dropped = 0;
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM requests WHERE time_ms < ?")) {
            ps.setLong(1, cutoffMillis);
            dropped += ps.executeUpdate();
        }
        if (dropped > 0) {
            checkpoint();
        }
        for (int round = 0; round < 64 && usedBytes() > maxBytes; round++) {
            long oldest;
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT min(time_ms) FROM requests")) {
                rs.next();
                oldest = rs.getLong(1);
                if (rs.wasNull()) {
                    break;
                }
            }
            long hourEnd = Math.floorDiv(oldest, 3_600_000L) * 3_600_000L + 3_600_000L;
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM requests WHERE time_ms < ?")) {
                ps.setLong(1, hourEnd);
                dropped += ps.executeUpdate();
            }
            checkpoint();
        }
        return dropped;
    }

    void checkpoint() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    /**
     * Bytes the store's data takes: its used blocks (DuckDB does not shrink its file after a delete; it reuses the
     * freed blocks, so the file's own size overstates what is kept), plus the write-ahead log.
     */
    public long usedBytes() throws SQLException {
        try (Connection c = reader(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT block_size, used_blocks FROM pragma_database_size()")) {
            rs.next();
            long used = rs.getLong(1) * rs.getLong(2);
            Path wal = file.resolveSibling(file.getFileName() + ".wal");
            try {
                return used + (Files.exists(wal) ? Files.size(wal) : 0);
            } catch (IOException e) {
                return used;
            }
        }
    }

    /** The file's size on disk (and its write-ahead log's). */
    public long fileBytes() {
        try {
            Path wal = file.resolveSibling(file.getFileName() + ".wal");
            return Files.size(file) + (Files.exists(wal) ? Files.size(wal) : 0);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Writer's thread, as it ends: the appender is its own. */
    void closeAppender() {
        if (appender != null) {
            try {
                appender.close();
            } catch (SQLException | RuntimeException e) {
                log.warn("closing the history appender: {}", e.toString());
            }
            appender = null;
        }
    }

    /** After the writer has stopped. */
    @Override
    public void close() {
        try {
            insertRoute.close();
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the history store {}: {}", file, e.getMessage());
        }
    }
}
