package dev.kubectlsidecar.testkit.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The local cluster's HTTP endpoint on 127.0.0.1. It does what fabric8's {@code MockWebServer} does with a
 * dispatcher, with one difference that matters here: requests are dispatched on Vert.x worker threads, never on an
 * event loop. Admission calls a webhook and the service proxy calls the agent, both of which may call this server
 * back while the first request is still open; on an event loop that would stall every connection the loop serves.
 * Watches, over WebSocket or plain HTTP, are served by {@link WatchConnection}.
 */
public final class ApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());

    private final Vertx vertx;
    private final Function<RecordedRequest, MockResponse> dispatcher;
    private final WorkerExecutor workers;
    private final ObjectStore store;
    private final Latency latency = new Latency();
    private HttpServer server;

    /** @param store whose watches this server serves */
    public ApiServer(Vertx vertx, Function<RecordedRequest, MockResponse> dispatcher, WorkerExecutor workers,
                     ObjectStore store) {
        this.vertx = vertx;
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.store = store;
    }

    /** Listens on a free port of 127.0.0.1 and returns it. */
    public int start() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::accept);
        return Await.result(server.listen(), "start the API server").actualPort();
    }

    /** The delays requests wait before they are served; none unless a test sets some. */
    public Latency latency() {
        return latency;
    }

    private void accept(HttpServerRequest request) {
        Context context = vertx.getOrCreateContext();
        if (isWebSocketUpgrade(request)) {
            request.pause();
            submit(request, () -> serve(request, Buffer.buffer(), context));
            return;
        }
        request.body().onSuccess(body -> submit(request, () -> serve(request, body, context)))
                .onFailure(e -> LOG.log(Level.DEBUG, "request body lost: " + e));
    }

    private void submit(HttpServerRequest request, Runnable task) {
        long delay = latency.of(request.uri()).toMillis();
        if (delay > 0) {
            vertx.setTimer(delay, timer -> execute(request, task));
        } else {
            execute(request, task);
        }
    }

    private void execute(HttpServerRequest request, Runnable task) {
        workers.executeBlocking(() -> {
            task.run();
            return null;
        }, false).onFailure(e -> {
            if (!request.response().ended()) {
                request.response().setStatusCode(503).end("local cluster: " + e.getMessage());
            }
        });
    }

    private void serve(HttpServerRequest request, Buffer body, Context context) {
        RecordedRequest recorded = new RecordedRequest("HTTP/1.1", HttpMethod.fromVertx(request.method()),
                request.uri(), Headers.builder().addAll(request.headers()).build(),
                new io.fabric8.mockwebserver.http.Buffer(body.getBytes()));
        MockResponse response;
        try {
            response = dispatcher.apply(recorded);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, request.method() + " " + request.uri() + " failed", e);
            response = Responses.status(500, "InternalError", "Internal error occurred: " + e);
        }
        MockResponse answer = response;
        if (answer.getWebSocketListener() == null) {
            context.runOnContext(v -> send(request.response(), answer));
        } else if (isWebSocketUpgrade(request)) {
            context.runOnContext(v -> WatchConnection.overWebSocket(request, recorded, answer, workers, store));
        } else {
            context.runOnContext(v -> WatchConnection.overChunkedHttp(vertx, request, recorded, answer, workers, store));
        }
    }

    private static boolean isWebSocketUpgrade(HttpServerRequest request) {
        return "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    private static void send(HttpServerResponse response, MockResponse answer) {
        response.setStatusCode(answer.code());
        for (Map.Entry<String, List<String>> header : answer.getHeaders().toMultimap().entrySet()) {
            response.headers().add(header.getKey(), header.getValue());
        }
        byte[] body = answer.getBody() == null ? new byte[0] : answer.getBody().getBytes();
        if (!response.headers().contains("Content-Type") && body.length > 0) {
            response.putHeader("Content-Type", "application/json");
        }
        response.end(Buffer.buffer(body));
    }

    @Override
    public void close() {
        if (server != null) {
            Await.result(server.close(), "stop the API server");
        }
    }
}
