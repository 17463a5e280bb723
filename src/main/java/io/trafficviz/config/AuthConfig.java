package io.trafficviz.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code auth:} section: who may see the graph. Any of built-in {@link #users}, bearer {@link #tokens} and a
 * {@link #forwardAuth} header from trusted proxies turns login on; they combine (people through Authelia, a script
 * with a token). With none, only a loopback {@code listen} may start unless {@link #allowUnauthenticated} says so.
 *
 * @param allowUnauthenticated the operator's acknowledgement that a non-loopback {@code listen} without login is meant
 * @param sessionTtlMillis     how long a login lasts (absolute, from the login)
 * @param trustedProxies       the addresses whose {@code X-Forwarded-Proto} (and forward-auth header) are believed
 * @param monitoringFrom       who may read {@code /health} and {@code /metrics} without a login
 * @param forwardAuth          null for none
 * @param viewer               what the viewer role may see
 */
public record AuthConfig(boolean allowUnauthenticated, long sessionTtlMillis, List<User> users, List<Token> tokens,
                         List<Cidr> trustedProxies, ForwardAuth forwardAuth, List<Cidr> monitoringFrom,
                         ViewerPolicy viewer) {

    public enum Role {
        ADMIN, VIEWER;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @param passwordHash a bcrypt hash, as {@code trafficviz hash-password} prints it */
    public record User(String name, String passwordHash, Role role) {
        @Override
        public String toString() {
            return "User[" + name + ", " + role + "]"; // never the hash, should a config end up in a log
        }
    }

    /** @param sha256 the token's SHA-256, 64 lowercase hex digits ({@code trafficviz hash-password --token}) */
    public record Token(String name, String sha256, Role role) {
        @Override
        public String toString() {
            return "Token[" + name + ", " + role + "]";
        }
    }

    /**
     * @param userHeader the header the proxy sets to the signed-in user ({@code Remote-User}, {@code X-Forwarded-User})
     * @param role       the role of a forwarded user not in {@code admins}
     * @param admins     forwarded user names that get the admin role
     */
    public record ForwardAuth(String userHeader, Role role, Set<String> admins) {
    }

    /**
     * @param accessLog            whether a viewer may open {@code /access_logs} (and its WebSocket)
     * @param maskClientAddresses  IP addresses shown as {@code 203.0.113.x~tag} everywhere a viewer sees them
     * @param maskQueryStrings     paths shown without what follows {@code ?}
     */
    public record ViewerPolicy(boolean accessLog, boolean maskClientAddresses, boolean maskQueryStrings) {
        public static final ViewerPolicy DEFAULT = new ViewerPolicy(true, true, true);
    }

    public static final long DEFAULT_SESSION_TTL_MILLIS = 12L * 3600 * 1000;
    public static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));
    /** No login: what a config without {@code auth:} means. */
    public static final AuthConfig NONE = new AuthConfig(false, DEFAULT_SESSION_TTL_MILLIS, List.of(), List.of(),
            List.of(), null, LOOPBACK, ViewerPolicy.DEFAULT);

    static final Set<String> KEYS = Set.of("allowUnauthenticated", "sessionTtl", "users", "tokens", "trustedProxies",
            "forwardAuth", "monitoringFrom", "viewer");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");

    /** Whether anyone has to sign in. */
    public boolean enabled() {
        return !users.isEmpty() || !tokens.isEmpty() || forwardAuth != null;
    }

    /**
     * Refuses a {@code listen} host other than loopback without login, unless acknowledged: anyone who can reach the
     * port would read every client address and path (tokens in query strings included) live.
     */
    public void requireSafeListen(String host) {
        if (!enabled() && !allowUnauthenticated && !isLoopback(host)) {
            throw new ConfigException("listen", "'" + host + "' is reachable from other machines and 'auth' has no "
                    + "users, tokens or forwardAuth: anyone there could read the live access log; configure auth, or "
                    + "set auth.allowUnauthenticated: true if something in front already guards it");
        }
    }

    /** Loopback by its literal ({@code 127.0.0.0/8}, {@code ::1}) or as {@code localhost}; never a DNS lookup. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        byte[] bytes = Cidr.literalBytes(h);
        return bytes != null && LOOPBACK.stream().anyMatch(c -> c.contains(bytes));
    }

    /** Parses {@code node} (the {@code auth} map; missing means {@link #NONE}). Every error names its key. */
    static AuthConfig parse(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw new ConfigException("auth", "must be a map of keys to values");
        }
        ConfigLoader.rejectUnknown(node, "auth.", KEYS);
        boolean allow = ConfigLoader.bool(node, "allowUnauthenticated", "auth.", false);
        long ttl = DEFAULT_SESSION_TTL_MILLIS;
        JsonNode ttlNode = node.path("sessionTtl");
        if (!ttlNode.isMissingNode() && !ttlNode.isNull()) {
            ttl = duration(ttlNode.asText(), "auth.sessionTtl");
        }
        List<User> users = users(node.path("users"));
        List<Token> tokens = tokens(node.path("tokens"));
        List<Cidr> trusted = cidrs(node.path("trustedProxies"), "auth.trustedProxies", List.of());
        ForwardAuth forward = forwardAuth(node.path("forwardAuth"));
        if (forward != null && trusted.isEmpty()) {
            throw new ConfigException("auth.trustedProxies", "forwardAuth needs the addresses of the proxies allowed "
                    + "to send its header (e.g. the Traefik container's address); from anyone else it is ignored");
        }
        List<Cidr> monitoring = cidrs(node.path("monitoringFrom"), "auth.monitoringFrom", LOOPBACK);
        return new AuthConfig(allow, ttl, users, tokens, trusted, forward, monitoring, viewer(node.path("viewer")));
    }

    private static List<User> users(JsonNode node) {
        List<User> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new ConfigException("auth.users", "must be a list of {name, passwordHash, role}");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String key = "auth.users[" + i + "]";
            JsonNode u = node.get(i);
            ConfigLoader.requireObject(u, key);
            ConfigLoader.rejectUnknown(u, key + ".", Set.of("name", "passwordHash", "role"));
            String name = userName(u, key);
            if (!names.add(name)) {
                throw new ConfigException(key + ".name", "duplicate user '" + name + "'");
            }
            String hash = required(u, "passwordHash", key);
            if (!BCRYPT.matcher(hash).matches()) {
                throw new ConfigException(key + ".passwordHash", "must be a bcrypt hash as 'trafficviz hash-password' "
                        + "prints it ($2a$12$ then 53 characters), never the password itself");
            }
            out.add(new User(name, hash, role(u, key, Role.VIEWER)));
        }
        return List.copyOf(out);
    }

    private static List<Token> tokens(JsonNode node) {
        List<Token> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new ConfigException("auth.tokens", "must be a list of {name, hash, role}");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String key = "auth.tokens[" + i + "]";
            JsonNode t = node.get(i);
            ConfigLoader.requireObject(t, key);
            ConfigLoader.rejectUnknown(t, key + ".", Set.of("name", "hash", "role"));
            String name = userName(t, key);
            if (!names.add(name)) {
                throw new ConfigException(key + ".name", "duplicate token name '" + name + "'");
            }
            String hash = required(t, "hash", key);
            if (!SHA256.matcher(hash).matches()) {
                throw new ConfigException(key + ".hash", "must be 'sha256:' and 64 lowercase hex digits as 'trafficviz "
                        + "hash-password --token' prints it, never the token itself");
            }
            out.add(new Token(name, hash.substring("sha256:".length()), role(t, key, Role.VIEWER)));
        }
        return List.copyOf(out);
    }

    private static ForwardAuth forwardAuth(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        ConfigLoader.requireObject(node, "auth.forwardAuth");
        ConfigLoader.rejectUnknown(node, "auth.forwardAuth.", Set.of("userHeader", "role", "admins"));
        String header = ConfigLoader.text(node, "userHeader", "auth.forwardAuth.", "Remote-User");
        if (!HEADER.matcher(header).matches()) {
            throw new ConfigException("auth.forwardAuth.userHeader", "must be a header name such as Remote-User or "
                    + "X-Forwarded-User (was '" + header + "')");
        }
        Set<String> admins = new HashSet<>();
        JsonNode adminsNode = node.path("admins");
        if (!adminsNode.isMissingNode() && !adminsNode.isNull()) {
            if (!adminsNode.isArray()) {
                throw new ConfigException("auth.forwardAuth.admins", "must be a list of user names");
            }
            adminsNode.forEach(a -> admins.add(a.asText()));
        }
        return new ForwardAuth(header, role(node, "auth.forwardAuth", Role.VIEWER), Set.copyOf(admins));
    }

    private static ViewerPolicy viewer(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return ViewerPolicy.DEFAULT;
        }
        ConfigLoader.requireObject(node, "auth.viewer");
        ConfigLoader.rejectUnknown(node, "auth.viewer.", Set.of("accessLog", "maskClientAddresses", "maskQueryStrings"));
        ViewerPolicy d = ViewerPolicy.DEFAULT;
        return new ViewerPolicy(ConfigLoader.bool(node, "accessLog", "auth.viewer.", d.accessLog()),
                ConfigLoader.bool(node, "maskClientAddresses", "auth.viewer.", d.maskClientAddresses()),
                ConfigLoader.bool(node, "maskQueryStrings", "auth.viewer.", d.maskQueryStrings()));
    }

    private static List<Cidr> cidrs(JsonNode node, String key, List<Cidr> fallback) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isArray()) {
            throw new ConfigException(key, "must be a list of addresses or CIDRs");
        }
        List<Cidr> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            try {
                out.add(Cidr.parse(node.get(i).asText()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key + "[" + i + "]", e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static Role role(JsonNode node, String key, Role fallback) {
        String text = ConfigLoader.text(node, "role", key + ".", null);
        if (text == null) {
            return fallback;
        }
        try {
            return Role.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".role", "must be admin or viewer (was '" + text + "')");
        }
    }

    private static String userName(JsonNode node, String key) {
        String name = required(node, "name", key);
        if (!USER_NAME.matcher(name).matches()) {
            throw new ConfigException(key + ".name", "use letters, digits, '.', '_', '@' or '-', at most 64 (was '"
                    + name + "')");
        }
        return name;
    }

    private static String required(JsonNode node, String field, String key) {
        String v = ConfigLoader.text(node, field, key + ".", null);
        if (v == null) {
            throw new ConfigException(key + "." + field, "is required");
        }
        return v;
    }



    private static long duration(String text, String key) {
        var m = Pattern.compile("(\\d{1,9})(s|m|h|d)").matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException(key, "must be a duration like 30m, 12h or 7d (was '" + text + "')");
        }
        long n = Long.parseLong(m.group(1));
        long millis = switch (m.group(2)) {
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 86_400_000;
        };
        if (millis < 60_000 || millis > 30L * 86_400_000) {
            throw new ConfigException(key, "must be from 1m to 30d (was '" + text + "')");
        }
        return millis;
    }
}
