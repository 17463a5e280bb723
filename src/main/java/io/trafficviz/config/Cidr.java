package io.trafficviz.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 network, or a single address (a /32 or /128). */
public record Cidr(String text, byte[] network, int prefixLength) {

    /** Parses {@code 10.0.0.0/8}, {@code 172.25.0.5} or {@code fd00::/8}; only literals, never a DNS lookup. */
    public static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literalBytes(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address or CIDR: '" + text + "'");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'");
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("prefix length out of range in '" + text + "'");
            }
        }
        return new Cidr(trimmed, mask(bytes, prefix), prefix);
    }

    public static boolean isLiteral(String text) {
        return literalBytes(text) != null;
    }

    public boolean isSingleAddress() {
        return prefixLength == network.length * 8;
    }

    public boolean contains(byte[] address) {
        return address != null && address.length == network.length && Arrays.equals(mask(address, prefixLength), network);
    }

    public boolean contains(String addressLiteral) {
        return contains(literalBytes(addressLiteral));
    }

    /** The bytes of an IP literal, or null when the text is not one (never resolves names). */
    public static byte[] literalBytes(String address) {
        if (address == null || address.isEmpty()) {
            return null;
        }
        long v4Value = ipv4(address);
        if (v4Value != NOT_IPV4) {
            return new byte[] {(byte) (v4Value >>> 24), (byte) (v4Value >>> 16), (byte) (v4Value >>> 8), (byte) v4Value};
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        boolean v4 = a.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        boolean v6 = a.indexOf(':') >= 0 && a.chars().allMatch(c -> c == ':' || c == '.' || c == '%' || Character.digit(c, 16) >= 0);
        if (v4) {
            String[] parts = a.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3) {
                    return null;
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        if (v6) {
            try {
                return InetAddress.getByName(a).getAddress(); // a literal: no lookup happens
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /** What {@link #ipv4} returns for text that is not a dotted-quad IPv4 literal (no int address is this). */
    public static final long NOT_IPV4 = -1L;

    /**
     * A dotted-quad IPv4 literal ({@code 10.0.1.2}; each part 1–3 digits, at most 255) as an unsigned 32-bit value,
     * else {@link #NOT_IPV4}. Callers see every client address of every line, so this allocates nothing.
     */
    public static long ipv4(String text) {
        int n = text.length();
        if (n < 7 || n > 15) {
            return NOT_IPV4;
        }
        long value = 0;
        int part = 0;
        int digits = 0;
        int parts = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                part = part * 10 + (c - '0');
                if (++digits > 3 || part > 255) {
                    return NOT_IPV4;
                }
            } else if (c == '.' && digits > 0 && parts < 3) {
                value = value << 8 | part;
                parts++;
                part = 0;
                digits = 0;
            } else {
                return NOT_IPV4;
            }
        }
        if (digits == 0 || parts != 3) {
            return NOT_IPV4;
        }
        return value << 8 | part;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - bits)));
        }
        return out;
    }
}
