package dev.kubectlsidecar.testkit.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * A watch over plain HTTP, the way kubectl watches ({@code get -w}): the mock only serves watches over WebSocket,
 * so the mock's watch listener is given this stand-in socket, which writes each event as one line of a chunked
 * response. The watch ends when the client goes away or after the request's {@code timeoutSeconds}.
 */
final class ChunkedWatch implements WebSocket {
    private final Vertx vertx;
    private final Context context;
    private final HttpServerRequest request;
    private final RecordedRequest recorded;
    private final MockResponse answer;
    private final WebSocketListener listener;
    private volatile boolean closed;

    ChunkedWatch(Vertx vertx, Context context, HttpServerRequest request, RecordedRequest recorded,
                 MockResponse answer) {
        this.vertx = vertx;
        this.context = context;
        this.request = request;
        this.recorded = recorded;
        this.answer = answer;
        this.listener = answer.getWebSocketListener();
    }

    void start() {
        context.runOnContext(v -> {
            HttpServerResponse response = request.response();
            response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
            response.closeHandler(x -> end(1001, "client went away"));
            response.writeHead();
            String timeout = ResourcePath.parse(request.uri()).map(p -> p.query().get("timeoutSeconds")).orElse(null);
            if (timeout != null && timeout.matches("\\d{1,6}") && Long.parseLong(timeout) > 0) {
                vertx.setTimer(Long.parseLong(timeout) * 1000, id -> close(1000, "timeout"));
            }
        });
        listener.onOpen(this, answer);
    }

    @Override
    public RecordedRequest request() {
        return recorded;
    }

    @Override
    public boolean send(String text) {
        if (closed) {
            return false;
        }
        context.runOnContext(v -> {
            if (!closed) {
                request.response().write(text + "\n");
            }
        });
        return true;
    }

    @Override
    public boolean send(byte[] bytes) {
        return send(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public boolean close(int code, String reason) {
        context.runOnContext(v -> {
            if (!closed) {
                request.response().end();
            }
            end(code, reason);
        });
        return true;
    }

    private void end(int code, String reason) {
        if (!closed) {
            closed = true;
            listener.onClosed(this, code, reason);
        }
    }
}
