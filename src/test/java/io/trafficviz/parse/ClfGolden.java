package io.trafficviz.parse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the String CLF parser ({@code ClfLineParser}, removed after commit ad4def5) made of the CLF test lines, recorded
 * before it was removed so that the one CLF scanner is still held to it: the entry's fields or the error message, per
 * format, for every hostile line (in full) and for the randomly damaged lines (a digest per block of 1,000 lines).
 *
 * <p>{@link #main} rewrites {@value #FILE}; run it only to accept a deliberate change of behaviour, and say so in the
 * commit.
 */
final class ClfGolden {
    static final String FILE = "src/test/resources/parse/clf-outcomes.txt";
    static final String[] FORMATS = {"common", "genericCLF", "auto"};
    static final int BLOCK = 1_000;

    private ClfGolden() {
    }

    /** The entry's fields, or the error, for {@code bytes[from, from+length)} read by {@code parser}. */
    static String outcome(TraefikLogParser parser, byte[] bytes, int from, int length) {
        AccessLogEntry entry = new AccessLogEntry();
        try {
            parser.parseInto(bytes, from, length, entry);
        } catch (MalformedLineException e) {
            return "error " + escape(e.getMessage());
        }
        return render(entry);
    }

    /** Every field that is set (by name, sorted), the path as its query-less value too, and the headers. */
    static String render(AccessLogEntry entry) {
        Map<String, Object> fields = new TreeMap<>();
        try {
            for (java.lang.reflect.Field field : AccessLogEntry.class.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(field.getModifiers()) || field.getName().equals("pathBeforeQuery")
                        || field.getName().equals("headers")) {
                    continue;
                }
                field.setAccessible(true);
                Object value = field.get(entry);
                if (value != null && !(value instanceof Number n && n.doubleValue() == 0)) {
                    fields.put(field.getName(), value);
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder out = new StringBuilder("ok");
        fields.forEach((name, value) -> out.append(' ').append(name).append('=').append(escape(String.valueOf(value))));
        new TreeMap<>(entry.headers()).forEach((name, value) -> out.append(" header:").append(escape(name)).append('=')
                .append(escape(value)));
        if (entry.requestPath != null) {
            out.append(" pathWithoutQuery=").append(escape(entry.pathWithoutQuery()));
        }
        out.append(" callerAddress=").append(escape(String.valueOf(entry.callerAddress())));
        return out.toString();
    }

    /** Tabs, line breaks, backslashes and anything outside printable ASCII as Java escapes; spaces kept. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    /** Recorded outcomes: "format TAB escaped line" (or "format TAB damaged-block N") to the outcome or digest. */
    static Map<String, String> load() {
        Map<String, String> outcomes = new LinkedHashMap<>();
        try {
            for (String row : Files.readAllLines(Path.of(FILE), StandardCharsets.UTF_8)) {
                if (row.isEmpty() || row.startsWith("#")) {
                    continue;
                }
                String[] parts = row.split("\t", 3);
                outcomes.put(parts[0] + "\t" + parts[1], parts[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return outcomes;
    }

    static String lineKey(String format, byte[] bytes, int from, int length) {
        return format + "\t" + escape(new String(bytes, from, length, StandardCharsets.ISO_8859_1));
    }

    static String blockKey(String format, int block) {
        return format + "\tdamaged-block " + block;
    }

    /** SHA-256 of the outcomes of a block of damaged lines, one per line, in order. */
    static String digest(List<String> outcomes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String outcome : outcomes) {
                sha.update(outcome.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines whose outcomes are recorded one by one: hostile, same-minute times, invalid UTF-8. */
    static List<byte[]> recordedLines() {
        List<byte[]> lines = new ArrayList<>();
        ClfScannerTest.hostileLines().forEach(args -> lines.add(((String) args.get()[0]).getBytes(StandardCharsets.UTF_8)));
        lines.addAll(ClfScannerTest.sameMinuteLines());
        lines.addAll(ClfScannerTest.invalidUtf8Lines());
        return lines;
    }

    public static void main(String[] args) throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add("# Written by ClfGolden.main with the String CLF parser (ClfLineParser, commit ad4def5): format, line"
                + " (ISO-8859-1 view of its bytes, escaped), outcome. The bytes were parsed as the String they decode to.");
        // Run since only to accept a deliberate change: then edit the line above to say which, and why.
        for (String format : FORMATS) {
            TraefikLogParser parser = TraefikLogParser.forFormat(format);
            for (byte[] line : recordedLines()) {
                rows.add(lineKey(format, line, 0, line.length) + "\t" + stringOutcome(parser, line));
            }
        }
        List<byte[]> damaged = ClfScannerTest.damagedLines();
        for (String format : FORMATS) {
            TraefikLogParser parser = TraefikLogParser.forFormat(format);
            for (int block = 0; block * BLOCK < damaged.size(); block++) {
                List<String> outcomes = new ArrayList<>();
                for (byte[] line : damaged.subList(block * BLOCK, Math.min(damaged.size(), (block + 1) * BLOCK))) {
                    outcomes.add(stringOutcome(parser, line));
                }
                rows.add(blockKey(format, block) + "\t" + digest(outcomes));
            }
        }
        Files.createDirectories(Path.of(FILE).getParent());
        Files.write(Path.of(FILE), rows, StandardCharsets.UTF_8);
        System.out.println(rows.size() + " rows written to " + FILE);
    }

    /** Through the String path, which was the String parser when this was recorded. */
    private static String stringOutcome(TraefikLogParser parser, byte[] line) {
        byte[] decoded = Arrays.copyOf(line, line.length);
        AccessLogEntry entry = new AccessLogEntry();
        try {
            parser.parseInto(new String(decoded, StandardCharsets.UTF_8), entry);
        } catch (MalformedLineException e) {
            return "error " + escape(e.getMessage());
        }
        return render(entry);
    }
}
