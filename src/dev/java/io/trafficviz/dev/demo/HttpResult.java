package io.trafficviz.dev.demo;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What one HTTP call produced: a status and body, or, when no response came back at all (connection refused, timeout,
 * malformed answer), status {@link #NO_RESPONSE} and the error.
 */
public record HttpResult(int status, Map<String, String> headers, byte[] body, String error) {
    /** The status recorded when the call failed before any response arrived. */
    public static final int NO_RESPONSE = -1;

    public static HttpResult failed(String error) {
        return new HttpResult(NO_RESPONSE, Map.of(), new byte[0], error);
    }

    /** A header by name, case-insensitively (names are stored lower-case). */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** 2xx or 3xx. */
    public boolean ok() {
        return status >= 200 && status < 400;
    }
}
