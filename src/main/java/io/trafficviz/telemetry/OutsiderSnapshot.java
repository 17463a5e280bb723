package io.trafficviz.telemetry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests that reached a private proxy from a caller it should not hear from, at one moment.
 *
 * @param count   offending requests since start
 * @param byProxy per private proxy ({@code server/proxy}, in config order)
 * @param recent  the most recent ones, newest first
 */
public record OutsiderSnapshot(long count, Map<String, Long> byProxy, List<Entry> recent) {
    public OutsiderSnapshot {
        byProxy = Collections.unmodifiableMap(new LinkedHashMap<>(byProxy));
        recent = List.copyOf(recent);
    }

    /**
     * One offending request.
     *
     * @param time    the request's start (epoch ms)
     * @param proxy   the private proxy it reached
     * @param from    the caller node's label
     * @param fromId  the caller node's id
     * @param address the caller's address as the proxy logged it
     */
    public record Entry(long time, String server, String proxy, String from, String fromId, String address,
                        String method, String path, int status) {
    }
}
