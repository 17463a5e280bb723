package io.trafficviz.parse;

/**
 * The byte-keyed caches of repeating values (client addresses, hosts, methods, router and service names, service URLs,
 * kept header values; CLF: protocols, user agents) that parsers read lines given as bytes into. The parsers of one
 * ingest parse slot share one instance, so a value seen in any file is cached once per slot and the memory stays
 * bounded by the number of cores, however many files there are; the slot's lock keeps them to one thread at a time.
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
