package dev.kubectlsidecar.agent.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A tiny TLS server on 127.0.0.1 that answers every connection with one byte. Its certificate can be swapped at any
 * time ({@link #use}); connections already accepted keep the context they started with, like a server reloading
 * its SSL options.
 */
public final class TlsTestServer implements AutoCloseable {
    public static final int GREETING = 42;

    private final ServerSocket listener;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile SSLContext context;

    public TlsTestServer(SSLContext initial) throws IOException {
        this.context = initial;
        this.listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        workers.execute(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void use(SSLContext next) {
        context = next;
    }

    /** Server-side handshake failures seen so far. */
    public int failures() {
        return failures.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket plain = listener.accept();
                SSLContext current = context;
                workers.execute(() -> serve(current, plain));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                failures.incrementAndGet();
            }
        }
    }

    private void serve(SSLContext current, Socket plain) {
        try (SSLSocket socket = (SSLSocket) current.getSocketFactory().createSocket(plain, null, true)) {
            socket.setUseClientMode(false);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            socket.getOutputStream().write(GREETING);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            failures.incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        workers.shutdownNow();
    }
}
