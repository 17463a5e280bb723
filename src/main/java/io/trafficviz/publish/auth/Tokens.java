package io.trafficviz.publish.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer tokens for scripts. A token is 256 random bits, so a fast hash is enough to keep the configured form useless
 * to a reader of the config (as GitHub keeps its tokens), and checking one costs microseconds, not a bcrypt round that
 * any unauthenticated request could make the server pay.
 */
public final class Tokens {
    private Tokens() {
    }

    /** A new token, URL-safe text. */
    public static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "tvz_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The form {@code auth.tokens[].hash} takes: {@code sha256:} and the hex digest of the token's UTF-8. */
    public static String configHash(String token) {
        return "sha256:" + sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(SessionStore.sha256().digest(bytes));
    }

    /** Compares two digests in time that does not depend on where they differ. */
    static boolean sameDigest(String hexA, String hexB) {
        return MessageDigest.isEqual(hexA.getBytes(StandardCharsets.US_ASCII), hexB.getBytes(StandardCharsets.US_ASCII));
    }
}
