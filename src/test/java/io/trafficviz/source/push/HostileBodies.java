package io.trafficviz.source.push;

import java.nio.charset.StandardCharsets;

/** The hostile push bodies of issue 14, all inside the default 10 MiB limit but the last. */
public final class HostileBodies {
    public static final int TEN_MB = 10_000_000;

    private HostileBodies() {
    }

    /** 5 M lines of one byte each. */
    public static byte[] tinyLines() {
        byte[] body = new byte[TEN_MB];
        for (int i = 0; i < body.length; i += 2) {
            body[i] = 'a';
            body[i + 1] = '\n';
        }
        return body;
    }

    /** A JSON array of ~3.3 M empty objects. */
    public static byte[] arrayOfEmptyObjects() {
        byte[] body = new byte[TEN_MB];
        body[0] = '[';
        int i = 1;
        while (i + 3 < body.length - 1) {
            body[i++] = '{';
            body[i++] = '}';
            body[i++] = ',';
        }
        body[i - 1] = ']';
        return java.util.Arrays.copyOf(body, i);
    }

    /** An OTLP ExportLogsServiceRequest of 5 M empty log records from {@code serviceName}. */
    public static byte[] otlpOfEmptyRecords(String serviceName) {
        byte[] scope = new byte[TEN_MB];
        for (int i = 0; i < scope.length; i += 2) {
            scope[i] = 0x12; // log_records = 2, length-delimited, empty
        }
        ProtoWriter resource = new ProtoWriter().message(1, new ProtoWriter().string(1, "service.name")
                .message(2, new ProtoWriter().string(1, serviceName)));
        return new ProtoWriter().message(1, new ProtoWriter().message(1, resource).bytes(2, scope)).toByteArray();
    }

    /** {@code mib} MiB of copies of {@code line}, one per line; the count is {@link #lineCount}. */
    public static byte[] repeatedLine(String line, int mib) {
        byte[] one = (line + "\n").getBytes(StandardCharsets.UTF_8);
        int n = (mib << 20) / one.length;
        byte[] body = new byte[n * one.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one, 0, body, i * one.length, one.length);
        }
        return body;
    }

    public static int lineCount(byte[] body) {
        int n = 0;
        for (byte b : body) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
