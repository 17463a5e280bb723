package io.trafficviz.source;

/** UTF-8 helpers for cutting lines without splitting a character. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * Returns the length of {@code bytes[from, from+length)} without a trailing multi-byte sequence that the cut left
     * incomplete, so a truncated line ends on a whole character instead of a replacement character.
     */
    static int completePrefixLength(byte[] bytes, int from, int length) {
        if (length == 0) {
            return 0;
        }
        int last = from + length - 1;
        int start = last;
        // At most 3 continuation bytes can precede the end of a 4-byte sequence.
        while (start > from && start > last - 3 && isContinuation(bytes[start])) {
            start--;
        }
        int expected = sequenceLength(bytes[start]);
        int present = last - start + 1;
        return present < expected ? start - from : length;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static int sequenceLength(byte lead) {
        if ((lead & 0x80) == 0) {
            return 1;
        }
        if ((lead & 0xE0) == 0xC0) {
            return 2;
        }
        if ((lead & 0xF0) == 0xE0) {
            return 3;
        }
        if ((lead & 0xF8) == 0xF0) {
            return 4;
        }
        return 1; // invalid lead or stray continuation: the decoder replaces it anyway
    }
}
