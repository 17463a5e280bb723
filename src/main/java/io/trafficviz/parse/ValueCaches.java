package io.trafficviz.parse;

/**
 * The byte-keyed caches of repeating values (client addresses, hosts, methods, router and service names, service URLs,
 * kept header values; CLF: protocols, user agents) that parsers read lines given as bytes into. Parsers of one pipeline share one instance, so a value
 * seen in any of its files is cached once and the memory stays bounded however many files there are; sharing parsers
 * must then be used by one thread at a time (the pipeline's lock).
 */
public final class ValueCaches {
    final ByteValueCache clientHost = new ByteValueCache(4096);
    final ByteValueCache requestHost = new ByteValueCache(256);
    final ByteValueCache method = new ByteValueCache(16);
    final ByteValueCache router = new ByteValueCache(2048);
    final ByteValueCache service = new ByteValueCache(2048);
    final ByteValueCache serviceUrl = new ByteValueCache(2048);
    final ByteValueCache headerValue = new ByteValueCache(256);
    /** CLF only: the request's protocol and the User-Agent, which it keeps (JSON lines drop it in the pipeline). */
    final ByteValueCache protocol = new ByteValueCache(8);
    final ByteValueCache userAgent = new ByteValueCache(256);
}
