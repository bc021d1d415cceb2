package dev.kubectlsidecar.cli.cluster;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Independent API requests sent at once rather than one after another: a command that needs four answers waits for
 * the slowest, not for the sum. Each request runs on its own daemon thread (the common pool has one thread on two
 * cores); {@link #result} gives its value or rethrows what it threw.
 */
final class ParallelRequests implements AutoCloseable {
    private final ExecutorService threads = Executors.newCachedThreadPool(request -> {
        Thread thread = new Thread(request, "kubectl-sidecar-request");
        thread.setDaemon(true);
        return thread;
    });

    <T> Future<T> start(Callable<T> request) {
        return threads.submit(request);
    }

    /** The request's value; what it threw, unchecked exceptions as they were, is thrown here. */
    static <T> T result(Future<T> request) {
        try {
            return request.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the API server", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
