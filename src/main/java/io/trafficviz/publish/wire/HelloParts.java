package io.trafficviz.publish.wire;

import java.nio.charset.StandardCharsets;

/**
 * A graph client's hello too big for one message, cut into {@code helloPart} messages of at most {@value
 * #MAX_MESSAGE_BYTES} bytes (docs/protocol.md, "Hello in parts"): each carries a piece of the hello's JSON text as a JSON
 * string, and the client joins the pieces and parses the result as the hello. Cutting the text rather than the graph
 * keeps every part under the limit whatever one node, edge or source description weighs.
 *
 * <p>A piece is escaped to ASCII ({@code \}{@code uXXXX} beyond it), so a cut never splits a UTF-8 sequence; a cut
 * never falls between the two halves of a surrogate pair either. Parts are encoded one at a time, as the client takes
 * them: what waits is the hello's text, once.
 */
public final class HelloParts {
    /** No graph-stream message is larger than this: a hello that is gets sent in parts. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    /** Room for the part's head and tail around its text. */
    private static final int HEAD_ROOM = 96;
    private static final int MAX_PIECE_BYTES = MAX_MESSAGE_BYTES - HEAD_ROOM;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final String text;
    /** {@code cuts[k]} is where piece k starts; {@code cuts[parts]} the text's end. */
    private final int[] cuts;
    private int next;

    private HelloParts(String text, int[] cuts) {
        this.text = text;
        this.cuts = cuts;
    }

    /** The parts of {@code hello} (a whole {@code {"type":"hello",...}} message), whatever its size. */
    public static HelloParts of(byte[] hello) {
        String text = new String(hello, StandardCharsets.UTF_8);
        int[] cuts = new int[Math.max(2, text.length() / (MAX_PIECE_BYTES / 6) + 2)];
        int parts = 0;
        int i = 0;
        while (i < text.length()) {
            cuts[parts++] = i;
            int bytes = 0;
            while (i < text.length()) {
                int escaped = escapedLength(text.charAt(i));
                if (bytes + escaped > MAX_PIECE_BYTES) {
                    break;
                }
                bytes += escaped;
                i++;
            }
            if (Character.isHighSurrogate(text.charAt(i - 1)) && i < text.length()) {
                i--; // keep a surrogate pair in one piece
            }
        }
        cuts[parts] = text.length();
        return new HelloParts(text, java.util.Arrays.copyOf(cuts, parts + 1));
    }

    public int parts() {
        return cuts.length - 1;
    }

    public boolean hasNext() {
        return next < parts();
    }

    /** {@code {"type":"helloPart","part":k,"parts":n,"text":"<piece k>"}}, at most {@value #MAX_MESSAGE_BYTES} bytes. */
    public byte[] next() {
        int from = cuts[next];
        int to = cuts[next + 1];
        JsonBytes out = new JsonBytes(MAX_MESSAGE_BYTES);
        out.raw("{\"type\":\"helloPart\",\"part\":").number(next).raw(",\"parts\":").number(parts())
                .raw(",\"text\":\"");
        byte[] escape = new byte[6];
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.raw('\\').raw(c);
            } else if (c < 0x20 || c >= 0x7f) {
                escape[0] = '\\';
                escape[1] = 'u';
                escape[2] = HEX[c >> 12 & 0xf];
                escape[3] = HEX[c >> 8 & 0xf];
                escape[4] = HEX[c >> 4 & 0xf];
                escape[5] = HEX[c & 0xf];
                out.raw(escape);
            } else {
                out.raw(c);
            }
        }
        next++;
        return out.raw("\"}").toArray();
    }

    private static int escapedLength(char c) {
        if (c == '"' || c == '\\') {
            return 2;
        }
        return c < 0x20 || c >= 0x7f ? 6 : 1;
    }
}
