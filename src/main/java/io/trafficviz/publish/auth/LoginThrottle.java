package io.trafficviz.publish.auth;

import io.trafficviz.config.Cidr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Failed logins, counted per client address and per user name (docs/security.md, "Passwords, tokens, sessions"):
 * the first {@value #FREE_FAILURES} failures cost nothing; each one after that shuts the address and the name out for
 * a while, {@value #FIRST_BACKOFF_MILLIS} ms doubling with every further failure up to {@value #MAX_BACKOFF_MILLIS} ms.
 * A shut-out attempt is answered before any bcrypt check. A successful login clears its address and its name.
 *
 * <p>Bounded whatever an attacker cycles through: configured users have a record each (the config bounds them);
 * unknown names and addresses share least-recently-used tables of {@value #MAX_TRACKED} each, so cycling them only
 * evicts other unknown names or addresses, never a real user's record. IPv6 addresses count by their /64, which one
 * host typically has whole.
 */
final class LoginThrottle {
    /** Failures allowed before the first wait: enough for a few typos. */
    static final int FREE_FAILURES = 5;
    static final long FIRST_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 15 * 60 * 1_000;
    /** Unknown user names and client addresses remembered each, least recently failed forgotten first. */
    static final int MAX_TRACKED = 10_000;
    private static final int MAX_NAME_CHARS = 64;
    /** A record with no failure for this long is forgotten (it would allow the next attempt anyway). */
    private static final long FORGET_AFTER_MILLIS = MAX_BACKOFF_MILLIS * 2;

    private final LongSupplier clock;
    private final Set<String> knownUsers;
    private final Map<String, Failures> users = new LinkedHashMap<>();
    private final Map<String, Failures> unknownUsers = lru();
    private final Map<String, Failures> addresses = lru();

    LoginThrottle(Set<String> knownUsers, LongSupplier clock) {
        this.knownUsers = Set.copyOf(knownUsers);
        this.clock = clock;
    }

    /** Failures in a row and until when the next attempt must wait. */
    private static final class Failures {
        int count;
        long blockedUntil;
        long lastFailure;
    }

    /** A login refused for recent failures; {@link #retryAfterSeconds} says when the next may be tried. */
    static final class ShutOut extends RuntimeException {
        final long retryAfterSeconds;

        ShutOut(long retryAfterSeconds) {
            super("too many failed logins; try again in " + retryAfterSeconds + " s", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /** Throws {@link ShutOut} when {@code address} or {@code user} must still wait after failures. */
    synchronized void check(String address, String user) {
        long now = clock.getAsLong();
        long until = Math.max(blockedUntil(addresses.get(addressKey(address)), now),
                blockedUntil(userTable(user).get(userKey(user)), now));
        if (until > now) {
            throw new ShutOut(Math.max(1, (until - now + 999) / 1000));
        }
    }

    synchronized void failed(String address, String user) {
        long now = clock.getAsLong();
        fail(addresses, addressKey(address), now);
        if (user != null) {
            fail(userTable(user), userKey(user), now);
        }
    }

    synchronized void succeeded(String address, String user) {
        addresses.remove(addressKey(address));
        userTable(user).remove(userKey(user));
    }

    /** Records held, for tests of the bound. */
    synchronized int tracked() {
        return users.size() + unknownUsers.size() + addresses.size();
    }

    private static void fail(Map<String, Failures> table, String key, long now) {
        Failures f = table.get(key);
        if (f == null || now - f.lastFailure > FORGET_AFTER_MILLIS) {
            f = new Failures();
        }
        table.remove(key); // re-inserted last: the table forgets the least recently failed first
        table.put(key, f);
        f.count++;
        f.lastFailure = now;
        if (f.count >= FREE_FAILURES) {
            int doublings = Math.min(f.count - FREE_FAILURES, 20);
            f.blockedUntil = now + Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << doublings);
        }
    }

    private static long blockedUntil(Failures f, long now) {
        return f == null ? now : f.blockedUntil;
    }

    private Map<String, Failures> userTable(String user) {
        return user != null && knownUsers.contains(user) ? users : unknownUsers;
    }

    /**
     * A user name as counted: a name longer than {@value #MAX_NAME_CHARS} characters (never a configured one, which
     * has its own record) by its SHA-256, so 10,000 remembered names of megabytes each cannot fill the heap.
     */
    private static String userKey(String user) {
        if (user == null || user.length() <= MAX_NAME_CHARS) {
            return user;
        }
        return "sha256:" + Tokens.sha256Hex(user.getBytes(StandardCharsets.UTF_8));
    }

    /** The address as counted: IPv6 by its /64, anything unparsable as itself. */
    static String addressKey(String address) {
        if (address == null) {
            return "";
        }
        byte[] bytes = Cidr.literalBytes(address);
        if (bytes == null || bytes.length != 16) {
            return address.length() <= MAX_NAME_CHARS ? address : address.substring(0, MAX_NAME_CHARS);
        }
        return Arrays.toString(Arrays.copyOf(bytes, 8)) + "/64";
    }

    private static Map<String, Failures> lru() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > MAX_TRACKED;
            }
        };
    }
}
