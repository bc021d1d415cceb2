package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;

/**
 * One watch: the mock's watch listener writing to a client, over WebSocket (fabric8, informers) or over a chunked
 * HTTP response (kubectl {@code get -w}, which the mock does not serve). This replaces the mock's own WebSocket glue,
 * which deadlocks: its listener writes events from a thread of its own and waits for each write to reach the socket,
 * while a client closing the watch makes the event loop wait for that thread. Here writes are queued without
 * waiting, and the listener hears of the close on a worker thread, while no change is made
 * ({@link ObjectStore#closeWatch}). A plain-HTTP watch also ends after the request's {@code timeoutSeconds}.
 *
 * <p>The mock starts every watch with an ADDED event for each object there is. The API server does that only for a
 * watch without a {@code resourceVersion}; one that gives it (a client that has just listed) hears only of what
 * changed after it, so ADDED events of objects at or before that version are not sent. Without that, a client
 * watching 10 000 pods after listing them would get all 10 000 again.
 */
final class WatchConnection implements WebSocket {
    /** Where events go. */
    private interface Sink {
        void write(String text);

        void end(int code, String reason);
    }

    private final RecordedRequest request;
    private final MockResponse answer;
    private final WebSocketListener listener;
    private final WorkerExecutor workers;
    private final ObjectStore store;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The {@code resourceVersion} the watch starts after; 0 when it starts with every object. */
    private final long startsAfter;
    private Sink sink;

    private WatchConnection(RecordedRequest request, MockResponse answer, WorkerExecutor workers, ObjectStore store) {
        this.request = request;
        this.answer = answer;
        this.listener = answer.getWebSocketListener();
        this.workers = workers;
        this.store = store;
        this.startsAfter = ResourcePath.parse(request.getPath())
                .map(path -> version(path.query().get("resourceVersion"))).orElse(0L);
    }

    /** Upgrades {@code http} to a WebSocket and starts the watch; call on its event loop. */
    static void overWebSocket(HttpServerRequest http, RecordedRequest request, MockResponse answer,
                              WorkerExecutor workers, ObjectStore store) {
        WatchConnection watch = new WatchConnection(request, answer, workers, store);
        http.toWebSocket().onSuccess(socket -> {
            watch.sink = new Sink() {
                @Override
                public void write(String text) {
                    socket.writeTextMessage(text);
                }

                @Override
                public void end(int code, String reason) {
                    socket.close((short) code, reason);
                }
            };
            socket.closeHandler(v -> watch.closedByClient(1000, "closed by the client"));
            socket.exceptionHandler(e -> watch.closedByClient(1011, String.valueOf(e.getMessage())));
            watch.open();
        });
    }

    /** Streams the watch as the chunked body of {@code http}'s response; call on its event loop. */
    static void overChunkedHttp(Vertx vertx, HttpServerRequest http, RecordedRequest request, MockResponse answer,
                                WorkerExecutor workers, ObjectStore store) {
        WatchConnection watch = new WatchConnection(request, answer, workers, store);
        HttpServerResponse response = http.response();
        Context context = vertx.getOrCreateContext();
        watch.sink = new Sink() {
            @Override
            public void write(String text) {
                context.runOnContext(v -> response.write(text + "\n"));
            }

            @Override
            public void end(int code, String reason) {
                context.runOnContext(v -> response.end());
            }
        };
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
        response.closeHandler(v -> watch.closedByClient(1001, "client went away"));
        response.writeHead();
        String timeout = ResourcePath.parse(http.uri()).map(p -> p.query().get("timeoutSeconds")).orElse(null);
        if (timeout != null && timeout.matches("\\d{1,6}") && Long.parseLong(timeout) > 0) {
            vertx.setTimer(Long.parseLong(timeout) * 1000, id -> watch.close(1000, "timeout"));
        }
        watch.open();
    }

    private void open() {
        workers.executeBlocking(() -> {
            listener.onOpen(this, answer);
            return null;
        }, false);
    }

    private void closedByClient(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            tellClosed(code, reason);
        }
    }

    private void tellClosed(int code, String reason) {
        workers.executeBlocking(() -> {
            store.closeWatch(() -> listener.onClosed(this, code, reason));
            return null;
        }, false);
    }

    @Override
    public RecordedRequest request() {
        return request;
    }

    @Override
    public boolean send(String text) {
        if (closed.get()) {
            return false;
        }
        if (startsAfter == 0 || !addedAtOrBefore(text, startsAfter)) {
            sink.write(text);
        }
        return true;
    }

    private static boolean addedAtOrBefore(String event, long version) {
        JsonNode tree = JsonMappers.JSON.readTree(event);
        return tree.path("type").asString().equals("ADDED")
                && version(tree.path("object").path("metadata").path("resourceVersion").asString(null)) <= version;
    }

    /** A resourceVersion as the mock counts them; 0 for none or one that is not a number ("0" means any, too). */
    private static long version(String resourceVersion) {
        if (resourceVersion == null || !resourceVersion.matches("\\d{1,18}")) {
            return 0;
        }
        return Long.parseLong(resourceVersion);
    }

    @Override
    public boolean send(byte[] bytes) {
        return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            sink.end(code, reason);
            tellClosed(code, reason);
        }
        return true;
    }
}
