package io.trafficviz.publish.auth;

import org.springframework.security.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;

/**
 * bcrypt, through Spring Security's implementation ({@link BCrypt} itself: its password encoder wants commons-logging,
 * which nothing else here needs): what {@code auth.users[].passwordHash} holds.
 */
public final class Passwords {
    /** 2^12 rounds: ~0.2 s a check on one core of a small server, slow enough for a stolen config, fine for a login. */
    public static final int COST = 12;
    /** bcrypt reads only this many bytes of a password; a longer one would be cut silently, so it is refused. */
    public static final int MAX_BYTES = 72;
    public static final int MIN_CHARS = 8;

    private Passwords() {
    }

    /** The hash of {@code password}; throws IllegalArgumentException for one too short or too long. */
    public static String hash(String password) {
        if (password.length() < MIN_CHARS) {
            throw new IllegalArgumentException("a password needs at least " + MIN_CHARS + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("bcrypt reads at most " + MAX_BYTES + " bytes of a password; use a "
                    + "shorter one");
        }
        return BCrypt.hashpw(password, BCrypt.gensalt(COST));
    }

    /** Whether {@code password} is the one {@code hash} was made from; false for anything malformed. */
    public static boolean matches(String password, String hash) {
        if (password == null || hash == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return false;
        }
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
