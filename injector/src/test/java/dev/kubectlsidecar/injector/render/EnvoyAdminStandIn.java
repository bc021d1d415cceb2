package dev.kubectlsidecar.injector.render;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for Envoy's admin API on 127.0.0.1 (run in a pod-like network namespace by {@link ProxyHooksShellTest}):
 * {@code GET /ready} answers 503 {@code PRE_INITIALIZING} until {@code readyAfterMillis} have passed, then 200
 * {@code LIVE}; {@code POST /drain_listeners} starts the drain; {@code GET /stats} reports
 * {@code server.total_connections}, which stays at {@code connections} until {@code connectionsForMillis} after the
 * drain started (-1: for ever), then 0; {@code POST /quitquitquit} answers and exits. As Envoy, the mutating
 * endpoints refuse any method but POST. Each request is appended to the log as {@code MILLIS METHOD PATH STATUS}
 * (milliseconds since start); the first line, {@code listening}, says it is ready for requests.
 *
 * <p>Arguments: {@code PORT READY_AFTER_MILLIS CONNECTIONS CONNECTIONS_FOR_MILLIS LOG_FILE}; a negative
 * {@code READY_AFTER_MILLIS} never becomes ready. Exits by itself after 60 s.
 */
public final class EnvoyAdminStandIn {
    private static final long LIFETIME_MILLIS = 60_000;

    private EnvoyAdminStandIn() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        long readyAfter = Long.parseLong(args[1]);
        int connections = Integer.parseInt(args[2]);
        long connectionsFor = Long.parseLong(args[3]);
        Path log = Path.of(args[4]);
        long start = System.nanoTime();
        AtomicLong drainStarted = new AtomicLong(-1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/", exchange -> {
            long now = (System.nanoTime() - start) / 1_000_000;
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String target = query == null ? path : path + "?" + query;
            int status;
            String body;
            boolean quit = false;
            if (path.equals("/ready") && method.equals("GET")) {
                boolean ready = readyAfter >= 0 && now >= readyAfter;
                status = ready ? 200 : 503;
                body = ready ? "LIVE\n" : "PRE_INITIALIZING\n";
            } else if (path.equals("/stats") && method.equals("GET")) {
                long drain = drainStarted.get();
                boolean open = drain < 0 || connectionsFor < 0 || now - drain < connectionsFor;
                status = 200;
                body = "server.total_connections: " + (open ? connections : 0) + "\n";
            } else if (path.equals("/drain_listeners") || path.equals("/quitquitquit")) {
                if (!method.equals("POST")) {
                    status = 405;
                    body = "This endpoint requires POST\n";
                } else {
                    status = 200;
                    body = "OK\n";
                    if (path.equals("/drain_listeners")) {
                        drainStarted.compareAndSet(-1, now);
                    } else {
                        quit = true;
                    }
                }
            } else {
                status = 404;
                body = "invalid path\n";
            }
            append(log, now + " " + method + " " + target + " " + status);
            respond(exchange, status, body);
            if (quit) {
                System.exit(0);
            }
        });
        server.start();
        append(log, "listening");
        Thread timeout = new Thread(() -> {
            try {
                Thread.sleep(LIFETIME_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            System.exit(2);
        });
        timeout.setDaemon(true);
        timeout.start();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static synchronized void append(Path log, String line) {
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
