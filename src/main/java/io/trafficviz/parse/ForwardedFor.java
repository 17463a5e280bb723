package io.trafficviz.parse;

/** Traefik logs the raw X-Forwarded-For header as ClientHost when present, so it may be a list. */
final class ForwardedFor {
    private ForwardedFor() {
    }

    /** The first address of an {@code X-Forwarded-For}-style list; the same instance when there is no comma. */
    static String first(String hostList) {
        if (hostList == null) {
            return null;
        }
        int comma = hostList.indexOf(',');
        if (comma < 0) {
            return hostList;
        }
        String first = hostList.substring(0, comma).trim();
        return first.isEmpty() ? null : first;
    }
}
