package io.trafficviz.source.kafka;

import java.util.Map;
import java.util.TreeMap;

/**
 * An origin's offsets as the history store keeps them: {@code topic/partition=offset} pairs joined by {@code ;}, one
 * per partition read. It says: every line of this origin from a record below the offset is in the store, and none
 * from a record at or past it. Topic names cannot hold {@code /}, {@code =} or {@code ;}.
 */
final class OffsetState {
    private OffsetState() {
    }

    static String format(Map<String, Long> offsets) {
        StringBuilder b = new StringBuilder(offsets.size() * 24);
        new TreeMap<>(offsets).forEach((partition, offset) -> {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(partition).append('=').append(offset);
        });
        return b.toString();
    }

    /** @throws IllegalArgumentException for text that is no offset state */
    static Map<String, Long> parse(String state) {
        Map<String, Long> out = new TreeMap<>();
        if (state == null || state.isEmpty()) {
            return out;
        }
        for (String pair : state.split(";")) {
            int eq = pair.lastIndexOf('=');
            int slash = pair.lastIndexOf('/', eq);
            if (eq < 0 || slash <= 0) {
                throw new IllegalArgumentException("not a topic/partition=offset pair: '" + pair + "'");
            }
            Integer.parseInt(pair.substring(slash + 1, eq));
            out.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
        }
        return out;
    }
}
