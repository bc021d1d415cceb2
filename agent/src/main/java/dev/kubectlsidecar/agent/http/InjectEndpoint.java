package dev.kubectlsidecar.agent.http;

import dev.kubectlsidecar.agent.metrics.AgentMetrics;
import dev.kubectlsidecar.agent.metrics.AgentMetrics.Outcome;
import dev.kubectlsidecar.agent.webhook.BadReviewException;
import dev.kubectlsidecar.agent.webhook.InjectHandler;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /inject}: checks the content type and size before reading, waits for its bytes in the
 * {@link ReviewBudget} (holding them until the answer is sent), receives the body within its limits, and has a worker
 * thread parse it and run the {@link InjectHandler}, so the event loops keep answering ({@code /healthz}) whatever a
 * review costs. Everything rejected here is counted as an error.
 */
final class InjectEndpoint implements Handler<HttpServerRequest> {
    private static final System.Logger LOG = System.getLogger(InjectEndpoint.class.getName());
    /** The API server's webhook timeout when the request does not say ({@code timeoutSeconds}' default). */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Kept of the caller's timeout for the review itself, after waiting for the budget. */
    private static final Duration REVIEW_TIME = Duration.ofSeconds(2);
    /** The API server appends {@code ?timeout=10s} (the webhook's timeoutSeconds) to every call. */
    private static final Pattern TIMEOUT = Pattern.compile("(\\d{1,4})s");

    private final Vertx vertx;
    private final InjectHandler inject;
    private final AgentMetrics metrics;
    private final ReviewBudget budget;
    private final long maxBodyBytes;
    private final Duration bodyDeadline;

    InjectEndpoint(Vertx vertx, InjectHandler inject, AgentMetrics metrics, ReviewBudget budget, long maxBodyBytes,
                   Duration bodyDeadline) {
        this.vertx = vertx;
        this.inject = inject;
        this.metrics = metrics;
        this.budget = budget;
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
        request.pause();
        budget.acquire(length >= 0 ? length : maxBodyBytes, budgetWait(request)).onComplete(granted -> {
            if (granted.failed()) {
                rejectUnread(request, start, (HttpError) granted.cause());
                return;
            }
            ReviewBudget.Permit permit = granted.result();
            if (request.response().closed()) {
                permit.close();
                return;
            }
            request.response().closeHandler(closed -> permit.close()).endHandler(ended -> permit.close());
            receive(request, start, length, permit);
        });
    }

    private void receive(HttpServerRequest request, long start, long length, ReviewBudget.Permit permit) {
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            request.response().writeContinue();
        }
        BodyReader.read(vertx, request, length, maxBodyBytes, bodyDeadline).onComplete(received -> {
            if (received.failed()) {
                permit.close();
                if (received.cause() instanceof HttpError error) {
                    rejectUnread(request, start, error);
                } else {
                    metrics.admission(Outcome.ERROR, start);
                }
                return;
            }
            byte[] body = received.result();
            vertx.executeBlocking(() -> answer(start, body), false)
                    .onSuccess(reply -> reply.send(request))
                    .onFailure(e -> {
                        LOG.log(Level.ERROR, "admission review failed", e);
                        Reply.error(500, "internal error: " + e).send(request);
                    });
        });
        request.resume();
    }

    /** How long a review may wait for the budget: what the caller's timeout leaves after the review's own time. */
    private static Duration budgetWait(HttpServerRequest request) {
        String timeout = request.getParam("timeout");
        Matcher matcher = timeout == null ? null : TIMEOUT.matcher(timeout);
        Duration callerTimeout = matcher != null && matcher.matches()
                ? Duration.ofSeconds(Math.min(30, Long.parseLong(matcher.group(1)))) : DEFAULT_TIMEOUT;
        Duration wait = callerTimeout.minus(REVIEW_TIME);
        return wait.isNegative() || wait.isZero() ? Duration.ofMillis(200) : wait;
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

    /** Runs on a worker thread: parsing and injecting a large pod takes a while, never on an event loop. */
    private Reply answer(long start, byte[] body) {
        JsonNode tree;
        try {
            tree = JsonBodies.parse(body);
        } catch (HttpError e) {
            metrics.admission(Outcome.ERROR, start);
            return Reply.error(e.status(), e.getMessage());
        }
        try {
            return Reply.json(200, inject.review(tree, start, body.length).toJson());
        } catch (BadReviewException e) {
            return Reply.error(400, e.getMessage());
        }
    }

    /** Answers a request whose body was not (fully) read, and drops the connection rather than read the rest. */
    private void rejectUnread(HttpServerRequest request, long start, HttpError error) {
        metrics.admission(Outcome.ERROR, start);
        Reply reply = Reply.error(error.status(), error.getMessage());
        if (error.status() == 429) {
            reply = reply.withHeader("Retry-After", "1");
        }
        reply.sendAndClose(request);
    }
}
