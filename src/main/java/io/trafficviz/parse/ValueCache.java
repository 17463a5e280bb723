package io.trafficviz.parse;

/**
 * Recent values of one field that repeats from line to line (a client address, a method, a router name), direct-mapped
 * by a sample of their chars: a value seen recently comes back as the same String, so it is not copied again and its
 * hash, which the resolver's maps key on, is computed once rather than once per line. Not thread-safe.
 */
final class ValueCache {
    private final String[] slots;

    /** @param size a power of two */
    ValueCache(int size) {
        slots = new String[size];
    }

    /**
     * {@code s.substring(start, end)} (non-empty), or an equal String handed out before; values longer than
     * {@link ByteValueCache#MAX_CACHED_LENGTH} are never kept.
     */
    String get(String s, int start, int end) {
        int length = end - start;
        if (length > ByteValueCache.MAX_CACHED_LENGTH) {
            return s.substring(start, end); // sender-controlled and rare: not worth pinning a line's length per slot
        }
        int h = length * 31 + s.charAt(start) * 7 + s.charAt(end - 1) * 3 + s.charAt(start + (length >>> 1)) * 11;
        int slot = (h ^ (h >>> 5)) & (slots.length - 1);
        String cached = slots[slot];
        // regionMatches compares the two Latin-1 byte arrays directly, where a charAt loop checks coder and bounds
        // per char.
        if (cached != null && cached.length() == length && s.regionMatches(start, cached, 0, length)) {
            return cached;
        }
        String value = s.substring(start, end);
        slots[slot] = value;
        return value;
    }
}
