package io.trafficviz.dev.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny HTTP/1.1 client whose socket is bound to a chosen local address before it connects, so that a proxy sees each
 * caller at its own address (its access log's {@code ClientAddr}). {@link java.net.http.HttpClient} cannot do that.
 *
 * <p>One connection per request ({@code Connection: close}); bodies are read by Content-Length, chunked encoding, or
 * to end of stream, and capped at {@link #MAX_BODY} bytes. Thread-safe: it holds no connection state.
 */
public final class BoundHttpClient {
    static final int MAX_BODY = 4 * 1024 * 1024;
    private static final int MAX_HEADER_LINE = 16 * 1024;

    private final InetAddress localAddress;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;

    /** @param localAddress source address for every connection, or null to let the system choose */
    public BoundHttpClient(InetAddress localAddress, int connectTimeoutMillis, int readTimeoutMillis) {
        this.localAddress = localAddress;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    public InetAddress localAddress() {
        return localAddress;
    }

    public HttpResult get(URI uri) {
        return get(uri, null, Map.of());
    }

    /**
     * Sends {@code GET} and reads the whole response. Never throws for network trouble: that comes back as a result
     * with status {@link HttpResult#NO_RESPONSE}.
     *
     * @param hostHeader the Host header to send, or null for the URI's authority
     */
    public HttpResult get(URI uri, String hostHeader, Map<String, String> extraHeaders) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("only http://host[:port]/... URIs are supported: " + uri);
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String host = hostHeader != null ? hostHeader : uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        StringBuilder request = new StringBuilder(256)
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("User-Agent: trafficviz-demo\r\n")
                .append("Accept: application/json\r\n")
                .append("Connection: close\r\n");
        extraHeaders.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");

        try (Socket socket = new Socket()) {
            socket.setReuseAddress(true);
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(uri.getHost(), port), connectTimeoutMillis);
            socket.setSoTimeout(readTimeoutMillis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readResponse(socket.getInputStream());
        } catch (IOException | RuntimeException e) {
            return HttpResult.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static HttpResult readResponse(InputStream raw) throws IOException {
        InputStream in = new java.io.BufferedInputStream(raw);
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new IOException("connection closed before a status line");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status code in: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        byte[] body;
        String te = headers.get("transfer-encoding");
        String cl = headers.get("content-length");
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            body = new byte[0];
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked(in);
        } else if (cl != null) {
            long length;
            try {
                length = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length: " + cl);
            }
            if (length < 0 || length > MAX_BODY) {
                throw new IOException("Content-Length out of range: " + length);
            }
            body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new IOException("body ended after " + body.length + " of " + length + " bytes");
            }
        } else {
            body = readCapped(in);
        }
        return new HttpResult(status, Map.copyOf(headers), body, null);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new IOException("chunked body ended early");
            }
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + sizeLine);
            }
            if (size == 0) {
                for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
                    // trailers are ignored
                }
                return out.toByteArray();
            }
            if (size < 0 || out.size() + (long) size > MAX_BODY) {
                throw new IOException("chunked body larger than " + MAX_BODY + " bytes");
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new IOException("chunk ended early");
            }
            out.write(chunk);
            readLine(in);
        }
    }

    private static byte[] readCapped(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new IOException("body larger than " + MAX_BODY + " bytes");
        }
        return body;
    }

    /** A CRLF- (or LF-) terminated ISO-8859-1 line without its terminator; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_HEADER_LINE) {
                throw new IOException("header line longer than " + MAX_HEADER_LINE);
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
