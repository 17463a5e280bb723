package io.trafficviz.publish.http;

/** Discovery state of one proxy as {@code /network_info} reports it. */
public record ApiStatus(String status, long lastRefresh, String error) {
    public static final ApiStatus NONE = new ApiStatus("none", 0, null);
}
