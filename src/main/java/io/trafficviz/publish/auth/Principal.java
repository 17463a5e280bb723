package io.trafficviz.publish.auth;

import io.trafficviz.config.AuthConfig.Role;

/**
 * Who a request comes from, once known.
 *
 * @param via       how they proved it: {@code session}, {@code token}, {@code forwarded}, or {@code none} when login
 *                  is off
 * @param sessionId the session cookie's value for a signed-in user, else null
 */
public record Principal(String name, Role role, String via, String sessionId) {
    /** Everyone, when no login is configured: the view trafficviz always gave. */
    static final Principal NOBODY_NEEDED = new Principal("", Role.ADMIN, "none", null);

    @Override
    public String toString() {
        return "Principal[" + name + ", " + role + ", " + via + "]"; // never the session id
    }
}
