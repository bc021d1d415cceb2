package dev.kubectlsidecar.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/** A tiny HTTPS server on 127.0.0.1 for tests: a webhook, or a stand-in for the agent. Records what it received. */
final class TestHttpsServer implements AutoCloseable {
    /** What the server answers for one request. */
    interface Handler {
        Answer handle(Received request) throws Exception;
    }

    record Answer(int status, String contentType, String body) {
        static Answer json(String body) {
            return new Answer(200, "application/json", body);
        }
    }

    record Received(String method, String uri, String body) {
    }

    private final HttpsServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private TestHttpsServer(TestCertificates certificates, Handler handler, int port) throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverContext()));
        server.setExecutor(threads);
        server.createContext("/", exchange -> serve(exchange, handler));
        server.start();
    }

    static TestHttpsServer start(TestCertificates certificates, Handler handler) {
        return start(certificates, handler, 0);
    }

    /** On {@code port} of 127.0.0.1 (0: any free port). */
    static TestHttpsServer start(TestCertificates certificates, Handler handler, int port) {
        try {
            return new TestHttpsServer(certificates, handler, port);
        } catch (IOException e) {
            throw new IllegalStateException("start test HTTPS server", e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void serve(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
            received.add(request);
            Answer answer;
            try {
                answer = handler.handle(request);
            } catch (Exception e) {
                answer = new Answer(500, "text/plain", String.valueOf(e));
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
