package dev.kubectlsidecar.agent.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;

/**
 * Receives a request body with a size limit enforced while it streams in (never buffering more than the limit)
 * and a deadline for the whole body, so neither a huge nor a trickling body can tie up memory or a connection.
 */
final class BodyReader {
    private BodyReader() {
    }

    /** @return the body, or a failed future with an {@link HttpError} 413 (too large) or 408 (too slow) */
    static Future<Buffer> read(Vertx vertx, HttpServerRequest request, long limit, Duration deadline) {
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        long timer = vertx.setTimer(deadline.toMillis(), id -> promise.tryFail(new HttpError(408,
                "request body not received within " + deadline.toSeconds() + " s")));
        request.handler(chunk -> {
            if (promise.future().isComplete()) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                vertx.cancelTimer(timer);
                promise.tryFail(new HttpError(413, "request body larger than " + limit + " bytes"));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(end -> {
            vertx.cancelTimer(timer);
            promise.tryComplete(body);
        });
        request.exceptionHandler(e -> {
            vertx.cancelTimer(timer);
            promise.tryFail(e);
        });
        return promise.future();
    }
}
