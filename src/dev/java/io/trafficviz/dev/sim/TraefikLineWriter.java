package io.trafficviz.dev.sim;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Writes access-log lines the way Traefik v3 does: JSON with its keys in sorted order, or its {@code common} CLF.
 * Used by the embedded demo and the benchmark generator, so both feed exactly what a real proxy would.
 */
public final class TraefikLineWriter {
    private static final DateTimeFormatter CLF_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** One request as a proxy saw it. {@code service} null means Traefik answered itself. */
    public record Request(long startMillis, String clientIp, int clientPort, String method, String host, String path,
                          int status, long size, long durationNanos, String router, String service, String serviceUrl,
                          String serviceAddr, String network, long requestCount) {
    }

    private TraefikLineWriter() {
    }

    public static String json(Request r) {
        boolean answered = r.service() != null;
        long overhead = Math.min(r.durationNanos(), 40_000);
        String start = Instant.ofEpochMilli(r.startMillis()).toString();
        StringBuilder b = new StringBuilder(900);
        b.append("{\"ClientAddr\":\"").append(r.clientIp()).append(':').append(r.clientPort()).append('"');
        b.append(",\"ClientHost\":\"").append(r.clientIp()).append('"');
        b.append(",\"ClientPort\":\"").append(r.clientPort()).append('"');
        b.append(",\"ClientUsername\":\"-\"");
        b.append(",\"DownstreamContentSize\":").append(r.size());
        b.append(",\"DownstreamStatus\":").append(r.status());
        b.append(",\"Duration\":").append(r.durationNanos());
        if (answered) {
            b.append(",\"OriginContentSize\":").append(r.size());
            b.append(",\"OriginDuration\":").append(r.durationNanos() - overhead);
            b.append(",\"OriginStatus\":").append(r.status());
        } else {
            b.append(",\"OriginContentSize\":0,\"OriginDuration\":0,\"OriginStatus\":0");
        }
        b.append(",\"Overhead\":").append(overhead);
        b.append(",\"RequestAddr\":\"").append(escape(r.host())).append('"');
        b.append(",\"RequestContentSize\":0");
        b.append(",\"RequestCount\":").append(r.requestCount());
        b.append(",\"RequestHost\":\"").append(escape(r.host())).append('"');
        b.append(",\"RequestMethod\":\"").append(r.method()).append('"');
        b.append(",\"RequestPath\":\"").append(escape(r.path())).append('"');
        b.append(",\"RequestPort\":\"-\",\"RequestProtocol\":\"HTTP/1.1\",\"RequestScheme\":\"http\",\"RetryAttempts\":0");
        if (r.router() != null) {
            b.append(",\"RouterName\":\"").append(r.router()).append('"');
        }
        if (answered) {
            b.append(",\"ServiceAddr\":\"").append(r.serviceAddr()).append('"');
            b.append(",\"ServiceName\":\"").append(r.service()).append('"');
            b.append(",\"ServiceURL\":\"").append(r.serviceUrl()).append('"');
        }
        b.append(",\"StartLocal\":\"").append(start).append('"');
        b.append(",\"StartUTC\":\"").append(start).append('"');
        b.append(",\"entryPointName\":\"web\",\"level\":\"info\",\"msg\":\"\"");
        if (r.network() != null) {
            b.append(",\"request_X-Network-Name\":\"").append(escape(r.network())).append('"');
        }
        b.append(",\"time\":\"").append(Instant.ofEpochSecond((r.startMillis() + r.durationNanos() / 1_000_000) / 1000))
                .append("\"}");
        return b.toString();
    }

    public static String common(Request r) {
        return r.clientIp() + " - - [" + CLF_TIME.format(Instant.ofEpochMilli(r.startMillis())) + "] \""
                + r.method() + " " + r.path() + " HTTP/1.1\" " + r.status() + " " + r.size() + " \"-\" \"sim/1.0\" "
                + r.requestCount() + " \"" + (r.router() == null ? "-" : r.router()) + "\" \""
                + (r.service() == null ? "-" : r.serviceUrl()) + "\" " + r.durationNanos() / 1_000_000 + "ms";
    }

    static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                b.append(c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.format("\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
