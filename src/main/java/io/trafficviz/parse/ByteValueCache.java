package io.trafficviz.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Recent values of one repeating field, keyed by their bytes in the line: a value seen recently comes back as the same
 * String without being copied or decoded, and the resolver's maps, which key on it, find its hash already computed.
 * Direct-mapped (a new value evicts whatever shared its slot), so its memory is bounded by its size whatever the input.
 *
 * <p>Callers pass ASCII only (the scanner checks), so a String is a plain Latin-1 copy of the bytes. Not thread-safe.
 */
final class ByteValueCache {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MIX = 0x9E3779B97F4A7C15L;
    /**
     * Longer values are copied but not kept: a repeating value is short (addresses, names, URLs), and a long one (a
     * client-controlled X-Forwarded-For list, say) must not make the cache hold megabytes.
     */
    static final int MAX_CACHED_LENGTH = 256;

    private final byte[][] keys;
    private final String[] values;
    private final int mask;

    /** @param size a power of two */
    ByteValueCache(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two: " + size);
        }
        keys = new byte[size][];
        values = new String[size];
        mask = size - 1;
    }

    /** The String of ASCII {@code bytes[from, from+length)}: a cached one if an equal value is in its slot. */
    String get(byte[] bytes, int from, int length) {
        if (length == 0 || length > MAX_CACHED_LENGTH) {
            return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
        }
        int slot = hash(bytes, from, length) & mask;
        byte[] key = keys[slot];
        if (key != null && key.length == length && Arrays.equals(key, 0, length, bytes, from, from + length)) {
            return values[slot];
        }
        keys[slot] = Arrays.copyOfRange(bytes, from, from + length);
        String value = new String(bytes, from, length, StandardCharsets.ISO_8859_1);
        values[slot] = value;
        return value;
    }

    /** Every byte counts (addresses may differ in their last digit only), eight at a time. */
    private static int hash(byte[] bytes, int from, int length) {
        long h = length * MIX;
        int i = from;
        int end = from + length;
        for (; i + 8 <= end; i += 8) {
            h = (h ^ (long) LONGS.get(bytes, i)) * MIX;
        }
        long tail = 0;
        for (; i < end; i++) {
            tail = (tail << 8) | (bytes[i] & 0xFF);
        }
        h = (h ^ tail) * MIX;
        return (int) (h ^ (h >>> 29) ^ (h >>> 41));
    }
}
