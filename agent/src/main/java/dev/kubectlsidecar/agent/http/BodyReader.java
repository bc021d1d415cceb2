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
 * A body of known length is received straight into an array of that length (no growing buffer, no copy).
 */
final class BodyReader {
    private BodyReader() {
    }

    /**
     * @param declared the Content-Length, or -1 when the body is chunked
     * @return the body, or a failed future with an {@link HttpError} 413 (too large) or 408 (too slow)
     */
    static Future<byte[]> read(Vertx vertx, HttpServerRequest request, long declared, long limit, Duration deadline) {
        Promise<byte[]> promise = Promise.promise();
        Sink sink = declared >= 0 ? new Sink.Fixed((int) declared) : new Sink.Growing();
        long timer = vertx.setTimer(deadline.toMillis(), id -> promise.tryFail(new HttpError(408,
                "request body not received within " + deadline.toSeconds() + " s")));
        request.handler(chunk -> {
            if (promise.future().isComplete()) {
                return;
            }
            if (sink.length() + chunk.length() > limit || declared >= 0 && sink.length() + chunk.length() > declared) {
                vertx.cancelTimer(timer);
                promise.tryFail(new HttpError(413, "request body larger than " + (declared >= 0 ? declared : limit)
                        + " bytes"));
                return;
            }
            sink.append(chunk);
        });
        request.endHandler(end -> {
            vertx.cancelTimer(timer);
            if (declared >= 0 && sink.length() != declared) {
                promise.tryFail(new HttpError(400, "request body of " + sink.length() + " bytes, not the "
                        + declared + " its Content-Length says"));
            }
            promise.tryComplete(sink.bytes());
        });
        request.exceptionHandler(e -> {
            vertx.cancelTimer(timer);
            promise.tryFail(e);
        });
        return promise.future();
    }

    private sealed interface Sink {
        int length();

        void append(Buffer chunk);

        byte[] bytes();

        final class Fixed implements Sink {
            private final byte[] bytes;
            private int length;

            Fixed(int size) {
                bytes = new byte[size];
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void append(Buffer chunk) {
                chunk.getBytes(0, chunk.length(), bytes, length);
                length += chunk.length();
            }

            @Override
            public byte[] bytes() {
                return bytes;
            }
        }

        final class Growing implements Sink {
            private final Buffer buffer = Buffer.buffer();

            @Override
            public int length() {
                return buffer.length();
            }

            @Override
            public void append(Buffer chunk) {
                buffer.appendBuffer(chunk);
            }

            @Override
            public byte[] bytes() {
                return buffer.getBytes();
            }
        }
    }
}
