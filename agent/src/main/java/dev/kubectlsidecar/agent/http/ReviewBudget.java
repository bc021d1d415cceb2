package dev.kubectlsidecar.agent.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bytes of request bodies the agent holds at once, from the first byte received until the answer is sent: what a
 * review costs in memory is proportional to its size, so this bounds the heap all reviews in flight can take, and with
 * it what stalled uploads on many connections can pin. A request waits its turn (first come, first served, so a large
 * review is not starved by small ones) and is refused when its turn does not come within its deadline.
 */
public final class ReviewBudget {
    private record Waiter(long bytes, Context context, Promise<Permit> promise) {
    }

    private final Vertx vertx;
    private final long capacity;
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private long used;

    public ReviewBudget(Vertx vertx, long capacity) {
        this.vertx = vertx;
        this.capacity = capacity;
    }

    public long capacity() {
        return capacity;
    }

    public synchronized long used() {
        return used;
    }

    public synchronized int waiting() {
        return waiters.size();
    }

    /**
     * A permit for {@code bytes} (at most the capacity), completed on the caller's context once they are free;
     * failed with an {@link HttpError} 429 when they are not free within {@code wait}.
     */
    Future<Permit> acquire(long bytes, Duration wait) {
        if (bytes > capacity) {
            throw new IllegalArgumentException(bytes + " bytes is more than the budget of " + capacity);
        }
        Context context = vertx.getOrCreateContext();
        Promise<Permit> promise = Promise.promise();
        Waiter waiter = new Waiter(bytes, context, promise);
        synchronized (this) {
            if (waiters.isEmpty() && used + bytes <= capacity) {
                used += bytes;
                return Future.succeededFuture(new Permit(bytes));
            }
            waiters.addLast(waiter);
        }
        long timer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> {
            boolean removed;
            synchronized (this) {
                removed = waiters.remove(waiter);
            }
            if (removed) {
                promise.tryFail(new HttpError(429, "the agent is busy: " + capacity / 1024
                        + " KiB of reviews are in flight and this one's " + bytes / 1024
                        + " KiB did not fit within " + wait.toMillis() + " ms; the API server may retry"));
            }
        });
        return promise.future().onComplete(done -> vertx.cancelTimer(timer));
    }

    private void release(long bytes) {
        java.util.List<Waiter> granted = new java.util.ArrayList<>();
        synchronized (this) {
            used -= bytes;
            while (!waiters.isEmpty() && used + waiters.peekFirst().bytes() <= capacity) {
                Waiter next = waiters.pollFirst();
                used += next.bytes();
                granted.add(next);
            }
        }
        for (Waiter waiter : granted) {
            waiter.context().runOnContext(v -> {
                if (!waiter.promise().tryComplete(new Permit(waiter.bytes()))) {
                    release(waiter.bytes());
                }
            });
        }
    }

    /** Bytes held until {@link #close()}; closing twice releases once. */
    public final class Permit implements AutoCloseable {
        private final long bytes;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Permit(long bytes) {
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release(bytes);
            }
        }
    }
}
