package dev.kubectlsidecar.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A bare HTTPS connection for requests a well-behaved client will not send (false lengths, endless bodies). */
final class RawHttps implements AutoCloseable {
    private final SSLSocket socket;

    RawHttps(SSLContext tls, int port) throws IOException {
        socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
    }

    void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Reads until the server closes the connection (or the 10 s read timeout); returns what arrived. */
    String readAll() throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (IOException e) {
            if (received.size() == 0) {
                throw e;
            }
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Reads one response head and its Content-Length body, leaving the connection open. */
    String readResponse() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.write(b);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headText.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return headText + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    java.security.cert.X509Certificate peerCertificate() throws IOException {
        return (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
