package io.trafficviz.publish.auth;

import io.trafficviz.config.AuthConfig;
import io.trafficviz.config.AuthConfig.Role;
import io.trafficviz.config.Cidr;
import io.trafficviz.publish.wire.Masking;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;

/**
 * Decides who a request comes from (docs/security.md, "Login and roles"), from what it offers, in this order: the
 * forward-auth header, only from a trusted proxy; a bearer token; the session cookie. Anything else is nobody.
 */
public final class Authenticator {
    public static final String SESSION_COOKIE = "trafficviz_session";
    /**
     * Password checks at once: bcrypt is slow on purpose, so a flood of logins must not take every core. A login past
     * them is refused at once ({@link Busy}) rather than queued, so a flood holds no request threads either.
     */
    static final int CONCURRENT_PASSWORD_CHECKS = 2;
    private static final int MAX_USER_HEADER = 256;

    private final AuthConfig config;
    private final SessionStore sessions;
    private final Map<String, AuthConfig.User> users = new HashMap<>();
    private final Semaphore passwordChecks = new Semaphore(CONCURRENT_PASSWORD_CHECKS);
    private final BiPredicate<String, String> passwordCheck;
    private final LoginThrottle throttle;
    /** A real hash to check unknown user names against, so that they take as long as known ones. */
    private final String decoyHash;
    private final Masking viewerMasking;

    public Authenticator(AuthConfig config) {
        this(config, System::currentTimeMillis);
    }

    Authenticator(AuthConfig config, LongSupplier clock) {
        this(config, clock, Passwords::matches);
    }

    /** @param passwordCheck whether a password matches a bcrypt hash ({@link Passwords#matches}; tests count calls) */
    Authenticator(AuthConfig config, LongSupplier clock, BiPredicate<String, String> passwordCheck) {
        this.config = config;
        this.passwordCheck = passwordCheck;
        this.sessions = new SessionStore(config.sessionTtlMillis(), clock);
        config.users().forEach(u -> users.put(u.name(), u));
        this.decoyHash = config.users().isEmpty() ? null : Passwords.hash(Tokens.generate().substring(0, 40));
        AuthConfig.ViewerPolicy viewer = config.viewer();
        this.viewerMasking = Masking.of(viewer.maskClientAddresses(), viewer.maskQueryStrings());
        this.throttle = new LoginThrottle(users.keySet(), clock);
    }

    public boolean enabled() {
        return config.enabled();
    }

    public boolean hasUsers() {
        return !users.isEmpty();
    }

    /** Who sent the request, or null for nobody (login off: everyone, with an admin's view). */
    Principal identify(Credentials request) {
        if (!enabled()) {
            return Principal.NOBODY_NEEDED;
        }
        Principal forwarded = forwarded(request);
        if (forwarded != null) {
            return forwarded;
        }
        Principal bearer = bearer(request.header("Authorization"));
        if (bearer != null) {
            return bearer;
        }
        return sessions.find(request.cookie(SESSION_COOKIE));
    }

    private Principal forwarded(Credentials request) {
        AuthConfig.ForwardAuth forward = config.forwardAuth();
        if (forward == null || !fromTrustedProxy(request)) {
            return null; // from anyone else the header is just text a client made up
        }
        String user = request.header(forward.userHeader());
        if (user == null || user.isBlank() || user.length() > MAX_USER_HEADER || hasControl(user)) {
            return null;
        }
        user = user.trim();
        return new Principal(user, forward.admins().contains(user) ? Role.ADMIN : forward.role(), "forwarded", null);
    }

    private Principal bearer(String authorization) {
        if (authorization == null || config.tokens().isEmpty()) {
            return null;
        }
        if (authorization.length() < 8 || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")
                || authorization.length() > 512) {
            return null;
        }
        String digest = Tokens.sha256Hex(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
        Principal found = null;
        for (AuthConfig.Token t : config.tokens()) {
            if (Tokens.sameDigest(digest, t.sha256()) && found == null) {
                found = new Principal(t.name(), t.role(), "token", null);
            }
        }
        return found;
    }

    /** Whether the peer is one of {@code auth.trustedProxies}, whose forwarding headers are believed. */
    boolean fromTrustedProxy(Credentials request) {
        return contains(config.trustedProxies(), request.remoteAddress());
    }

    /** Whether the peer may read {@code /health} and {@code /metrics} without a login. */
    boolean monitoringAllowed(Credentials request) {
        return contains(config.monitoringFrom(), request.remoteAddress());
    }

    /**
     * Checks a user's password for a login from {@code address}; a new session's principal when it is right, else
     * null. Throws {@link LoginThrottle.ShutOut} (before any bcrypt check) while the address or the name must wait
     * after failed logins, and {@link Busy} when {@value #CONCURRENT_PASSWORD_CHECKS} checks are running already.
     */
    Principal login(String address, String name, String password) {
        if (users.isEmpty() || name == null || password == null) {
            return null;
        }
        throttle.check(address, name);
        AuthConfig.User user = users.get(name);
        if (!passwordChecks.tryAcquire()) {
            throw new Busy();
        }
        boolean ok;
        try {
            ok = passwordCheck.test(password, user == null ? decoyHash : user.passwordHash());
        } finally {
            passwordChecks.release();
        }
        if (!ok || user == null) {
            throttle.failed(address, name);
            return null;
        }
        throttle.succeeded(address, name);
        String id = sessions.start(user.name(), user.role());
        return sessions.find(id);
    }

    /**
     * The address a login is counted under: the client's as a trusted proxy reports it (the last {@code
     * X-Forwarded-For} entry, the one the proxy itself added), else the peer's.
     */
    String loginAddress(Credentials request) {
        String peer = request.remoteAddress();
        String forwardedFor = fromTrustedProxy(request) ? request.header("X-Forwarded-For") : null;
        if (forwardedFor == null || forwardedFor.isBlank()) {
            return peer;
        }
        String last = forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).trim();
        return last.isEmpty() || last.length() > 64 ? peer : last;
    }

    /** Too many password checks at once. */
    static final class Busy extends RuntimeException {
        Busy() {
            super("too many logins at once; try again in a second", null, false, false);
        }
    }

    void logout(Principal principal) {
        if (principal != null && principal.sessionId() != null) {
            sessions.end(principal.sessionId());
        }
    }

    /** Whether {@code principal}'s login still holds: a session can expire or be signed out, the rest cannot. */
    public boolean stillValid(Principal principal) {
        return principal.sessionId() == null || sessions.live(principal.sessionId());
    }

    long sessionTtlMillis() {
        return sessions.ttlMillis();
    }

    /** What {@code principal} is shown of client addresses and query strings. */
    public Masking masking(Principal principal) {
        return principal.role() == Role.ADMIN ? Masking.NONE : viewerMasking;
    }

    public boolean mayReadAccessLog(Principal principal) {
        return principal.role() == Role.ADMIN || config.viewer().accessLog();
    }

    private static boolean contains(List<Cidr> cidrs, String address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = Cidr.literalBytes(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr c : cidrs) {
            if (c.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
