package dev.kubectlsidecar.agent.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Bounded waits for asynchronous effects (watches, elections); a miss fails with what was awaited. */
public final class Poll {
    static final Duration DEFAULT = Duration.ofSeconds(20);
    // held, so the level sticks: the mock server logs every request at INFO
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }

    private Poll() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    public static void until(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit + " waiting for " + what);
            }
            sleep(20);
        }
    }

    static <T> T value(String what, Supplier<T> supplier) {
        Object[] found = new Object[1];
        until(what, () -> (found[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked")
        T value = (T) found[0];
        return value;
    }

    public static void quietMockServer() {
        // loading this class sets the level
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
