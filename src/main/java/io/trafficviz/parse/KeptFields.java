package io.trafficviz.parse;

/**
 * Which of a line's values a parser copies out into its {@link AccessLogEntry}. Every value is still read and checked
 * either way, so what is accepted and rejected does not depend on it; only how many Strings a line costs does.
 *
 * @param everyText whether the JSON text fields the ingest pipeline never reads are filled (ClientAddr,
 *                  ClientUsername, RequestAddr/Port/Protocol/Scheme, ServiceAddr, entryPointName, TLS*, trace and span
 *                  ids); when false they are left null
 * @param headers   whether kept headers ({@code request_*}, {@code downstream_*}, {@code origin_*}) are filled; CLF's
 *                  Referer and User-Agent are always filled
 */
record KeptFields(boolean everyText, boolean headers) {
    static final KeptFields ALL = new KeptFields(true, true);

    /** The fields the ingest pipeline reads; headers only when asked (a file shared by proxies is split by one). */
    static KeptFields essential(boolean headers) {
        return new KeptFields(false, headers);
    }
}
