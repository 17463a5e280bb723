package io.trafficviz.publish.auth;

import io.trafficviz.config.AuthConfig.Role;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Signed-in users' sessions, in memory (a restart signs everyone out). A session id is 256 random bits; the store keys
 * sessions by the id's SHA-256, so neither a heap dump nor a timing side channel of the map gives a usable cookie.
 * Sessions end at their expiry (absolute, from the login) or at logout; the store holds at most {@value #MAX_SESSIONS}.
 */
final class SessionStore {
    static final int MAX_SESSIONS = 10_000;

    private record Session(Principal principal, long expiresAt) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final long ttlMillis;
    private final LongSupplier clock;

    SessionStore(long ttlMillis, LongSupplier clock) {
        this.ttlMillis = ttlMillis;
        this.clock = clock;
    }

    /** A new session for user {@code name}; returns the cookie value. */
    String start(String name, Role role) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = clock.getAsLong();
        if (sessions.size() >= MAX_SESSIONS) {
            evict(now);
        }
        sessions.put(key(id), new Session(new Principal(name, role, "session", id), now + ttlMillis));
        return id;
    }

    /** The session's user, or null when there is none or it expired. */
    Principal find(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return null;
        }
        String key = key(id);
        Session s = sessions.get(key);
        if (s == null) {
            return null;
        }
        if (clock.getAsLong() >= s.expiresAt) {
            sessions.remove(key);
            return null;
        }
        return s.principal;
    }

    boolean live(String id) {
        return find(id) != null;
    }

    void end(String id) {
        if (id != null && id.length() <= 100) {
            sessions.remove(key(id));
        }
    }

    long ttlMillis() {
        return ttlMillis;
    }

    int size() {
        return sessions.size();
    }

    /** Expired sessions first; if the store is still full, the oldest logins make room. */
    private void evict(long now) {
        sessions.values().removeIf(s -> now >= s.expiresAt);
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().expiresAt))
                    .ifPresent(e -> sessions.remove(e.getKey()));
        }
    }

    private static String key(String id) {
        return Tokens.sha256Hex(id.getBytes(StandardCharsets.UTF_8));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
