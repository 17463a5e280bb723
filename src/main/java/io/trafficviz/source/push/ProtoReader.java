package io.trafficviz.source.push;

import java.nio.charset.StandardCharsets;

/**
 * Just enough of the protobuf wire format to read the few OTLP messages the receiver needs: varints, fixed 32/64-bit
 * values and length-delimited fields, with every length checked against the enclosing message. Unknown fields are
 * skipped by their wire type, as protobuf requires, so newer OTLP versions decode too.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int limit;

    ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    private ProtoReader(byte[] buf, int offset, int limit) {
        this.buf = buf;
        this.pos = offset;
        this.limit = limit;
    }

    boolean hasMore() {
        return pos < limit;
    }

    /** The next field's tag: {@code field << 3 | wireType}. */
    int readTag() throws ProtoException {
        long tag = readVarint();
        if (tag >>> 3 == 0 || tag > 0xFFFF_FFFFL) {
            throw new ProtoException("invalid field tag " + tag + " at byte " + pos);
        }
        return (int) tag;
    }

    static int field(int tag) {
        return tag >>> 3;
    }

    static int wireType(int tag) {
        return tag & 7;
    }

    long readVarint() throws ProtoException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw new ProtoException("truncated varint at byte " + pos);
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new ProtoException("varint longer than 10 bytes at byte " + pos);
    }

    long readFixed64() throws ProtoException {
        require(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        return v;
    }

    /** A length-delimited field's payload as a reader of its own. */
    ProtoReader readMessage() throws ProtoException {
        int length = readLength();
        ProtoReader sub = new ProtoReader(buf, pos, pos + length);
        pos += length;
        return sub;
    }

    String readString() throws ProtoException {
        int length = readLength();
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    byte[] readBytes() throws ProtoException {
        int length = readLength();
        byte[] out = new byte[length];
        System.arraycopy(buf, pos, out, 0, length);
        pos += length;
        return out;
    }

    /** Skips a field this reader does not need. */
    void skip(int tag) throws ProtoException {
        switch (wireType(tag)) {
            case VARINT -> readVarint();
            case FIXED64 -> {
                require(8);
                pos += 8;
            }
            case LEN -> {
                int length = readLength(); // not "pos += readLength()": that would add to pos as it was before
                pos += length;
            }
            case FIXED32 -> {
                require(4);
                pos += 4;
            }
            default -> throw new ProtoException("unsupported wire type " + wireType(tag) + " for field "
                    + field(tag) + " at byte " + pos);
        }
    }

    /** Fails unless {@code tag} has the wire type the schema gives its field. */
    static void expect(int tag, int wireType) throws ProtoException {
        if (wireType(tag) != wireType) {
            throw new ProtoException("field " + field(tag) + " has wire type " + wireType(tag) + ", expected "
                    + wireType);
        }
    }

    private int readLength() throws ProtoException {
        long length = readVarint();
        if (length < 0 || length > limit - pos) {
            throw new ProtoException("length " + length + " at byte " + pos + " runs past the end of its message");
        }
        return (int) length;
    }

    private void require(int n) throws ProtoException {
        if (limit - pos < n) {
            throw new ProtoException("truncated field at byte " + pos);
        }
    }

    static final class ProtoException extends Exception {
        ProtoException(String message) {
            super(message);
        }
    }
}
