package io.trafficviz.source;

import java.util.List;

/** Where a source says, before its first batch, which proxies wrote the lines of its origin and in what format. */
@FunctionalInterface
public interface SourceRegistry {
    /**
     * @param proxyKeys the proxies that may have written the origin's lines, as {@code server/proxy} (several: each
     *                  line is attributed by the network header it carries)
     * @param format    {@code auto}, {@code json}, {@code common} or {@code genericCLF}
     */
    void register(String origin, List<String> proxyKeys, String format);
}
