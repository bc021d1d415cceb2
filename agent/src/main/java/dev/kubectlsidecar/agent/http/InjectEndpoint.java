package dev.kubectlsidecar.agent.http;

import dev.kubectlsidecar.agent.metrics.AgentMetrics;
import dev.kubectlsidecar.agent.metrics.AgentMetrics.Outcome;
import dev.kubectlsidecar.agent.webhook.BadReviewException;
import dev.kubectlsidecar.agent.webhook.InjectHandler;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.lang.System.Logger.Level;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /inject}: checks the content type and size before reading, receives the body within its limits,
 * parses it, and hands the tree to the {@link InjectHandler}. Everything rejected here is counted as an error.
 */
final class InjectEndpoint implements Handler<HttpServerRequest> {
    private static final System.Logger LOG = System.getLogger(InjectEndpoint.class.getName());

    private final Vertx vertx;
    private final InjectHandler inject;
    private final AgentMetrics metrics;
    private final long maxBodyBytes;
    private final Duration bodyDeadline;

    InjectEndpoint(Vertx vertx, InjectHandler inject, AgentMetrics metrics, long maxBodyBytes, Duration bodyDeadline) {
        this.vertx = vertx;
        this.inject = inject;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyDeadline = bodyDeadline;
    }

    @Override
    public void handle(HttpServerRequest request) {
        long start = System.nanoTime();
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (!JsonBodies.isJson(contentType)) {
            rejectUnread(request, start, new HttpError(415, "Content-Type must be application/json, got "
                    + (contentType == null ? "none" : "\"" + contentType + "\"")));
            return;
        }
        long length = declaredLength(request);
        if (length > maxBodyBytes) {
            rejectUnread(request, start, new HttpError(413, "request body of " + length
                    + " bytes is larger than the limit of " + maxBodyBytes + " bytes"));
            return;
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            request.response().writeContinue();
        }
        BodyReader.read(vertx, request, maxBodyBytes, bodyDeadline).onComplete(received -> {
            if (received.failed()) {
                if (received.cause() instanceof HttpError error) {
                    rejectUnread(request, start, error);
                } else {
                    metrics.admission(Outcome.ERROR, start);
                }
                return;
            }
            answer(request, start, received.result());
        });
    }

    /** The Content-Length header, or -1 when the body is chunked (Netty has already rejected malformed values). */
    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void answer(HttpServerRequest request, long start, Buffer body) {
        JsonNode tree;
        try {
            tree = JsonBodies.parse(body);
        } catch (HttpError e) {
            metrics.admission(Outcome.ERROR, start);
            Reply.error(e.status(), e.getMessage()).send(request);
            return;
        }
        try {
            Reply.json(200, inject.review(tree, start).toJson()).send(request);
        } catch (BadReviewException e) {
            Reply.error(400, e.getMessage()).send(request);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "admission review failed", e);
            Reply.error(500, "internal error: " + e).send(request);
        }
    }

    /** Answers a request whose body was not (fully) read, and drops the connection rather than read the rest. */
    private void rejectUnread(HttpServerRequest request, long start, HttpError error) {
        metrics.admission(Outcome.ERROR, start);
        Reply.error(error.status(), error.getMessage()).sendAndClose(request);
    }
}
