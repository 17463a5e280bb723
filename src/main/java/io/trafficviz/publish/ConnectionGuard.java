package io.trafficviz.publish;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.AbstractMetaDataConnection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds what idle and slow peers cost, per TCP connection of the web server's connector:
 * <ul>
 *   <li>at most {@code maxPerAddress} open connections per client address; the next one is closed as it opens
 *       (an HTTP connection upgraded to a WebSocket stays one connection);</li>
 *   <li>a new HTTP connection must complete its first request's headers within {@value #FIRST_REQUEST_MILLIS} ms
 *       (slowloris: the connector's idle timeout alone never fires for a peer sending a byte every few seconds).</li>
 * </ul>
 */
final class ConnectionGuard implements Connection.Listener {
    static final long FIRST_REQUEST_MILLIS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    private final int maxPerAddress;
    private final Scheduler scheduler;
    private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
    /** The address each open connection was counted under: a closed endpoint no longer knows its peer. */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong slowClosed = new AtomicLong();
    private volatile long lastLogMillis;

    ConnectionGuard(int maxPerAddress, Scheduler scheduler) {
        this.maxPerAddress = maxPerAddress;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection);
        if (address == null) {
            return;
        }
        counted.put(connection, address);
        int count = open.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        if (count > maxPerAddress) {
            refused.incrementAndGet();
            note("closed a connection from {}: it already has {} open (http.maxConnectionsPerAddress)", address,
                    maxPerAddress);
            connection.getEndPoint().close();
            return;
        }
        if (connection instanceof AbstractMetaDataConnection) {
            scheduler.schedule(() -> closeIfNoRequestYet(connection), FIRST_REQUEST_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address == null) {
            return;
        }
        // Under the map's lock per key, so a count reaching zero and a new connection cannot cross.
        open.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private void closeIfNoRequestYet(Connection connection) {
        if (connection.getEndPoint().isOpen() && connection.getMessagesIn() == 0
                && connection.getEndPoint().getConnection() == connection) {
            slowClosed.incrementAndGet();
            note("closed a connection from {}: no complete request within {} ms", address(connection),
                    FIRST_REQUEST_MILLIS);
            connection.getEndPoint().close();
        }
    }

    /** Logged at most once a minute: the peers this is about tend to come in floods. */
    private void note(String message, Object first, Object second) {
        long now = System.currentTimeMillis();
        if (now - lastLogMillis > 60_000) {
            lastLogMillis = now;
            log.warn(message + " (refused {}, closed slow {} so far)", first, second, refused.get(), slowClosed.get());
        }
    }

    private static InetAddress address(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    int openFrom(InetAddress address) {
        AtomicInteger count = open.get(address);
        return count == null ? 0 : count.get();
    }

    long refusedCount() {
        return refused.get();
    }

    long slowClosedCount() {
        return slowClosed.get();
    }
}
