package io.trafficviz.discovery;

/**
 * Where a {@link DiscoveryPoller} stands, as one immutable snapshot.
 *
 * <table>
 *   <caption>status × source</caption>
 *   <tr><th>status</th><th>source</th><th>meaning</th></tr>
 *   <tr><td>PENDING</td><td>null</td><td>the first refresh has not finished yet</td></tr>
 *   <tr><td>OK</td><td>API</td><td>the inventory is fresh from the Traefik API</td></tr>
 *   <tr><td>OK</td><td>FILE</td><td>the inventory is fresh from the file-provider configuration: either no API is
 *       configured (error null), or the API failed and the file was the fallback ({@code error} says why the API
 *       failed, {@code consecutiveFailures} counts the API failures)</td></tr>
 *   <tr><td>DOWN</td><td>of the kept inventory</td><td>the last refresh failed; {@code inventory} is the last good
 *       one (null if there never was one)</td></tr>
 *   <tr><td>NONE</td><td>null</td><td>neither an API URL nor a file-provider path is configured</td></tr>
 * </table>
 *
 * @param status              see above
 * @param source              where {@code inventory} came from; null when there is none
 * @param lastRefreshMillis   when the current inventory was obtained (epoch ms); 0 when never
 * @param error               why the last refresh failed (API and/or file), or null when it did not
 * @param consecutiveFailures refreshes in a row in which the preferred source (the API when configured) failed
 * @param inventory           the last good inventory, or null
 * @param addresses           the address index of {@code inventory} (resolved on the poller thread), or null
 */
public record DiscoveryState(Status status, Source source, long lastRefreshMillis, String error,
                             int consecutiveFailures, ProxyInventory inventory, AddressIndex addresses) {

    /** Whether the poller currently has a fresh inventory. */
    public enum Status { PENDING, OK, DOWN, NONE }

    /** Where an inventory was read. */
    public enum Source { API, FILE }

    static DiscoveryState pending() {
        return new DiscoveryState(Status.PENDING, null, 0, null, 0, null, null);
    }

    static DiscoveryState none() {
        return new DiscoveryState(Status.NONE, null, 0, null, 0, null, null);
    }
}
