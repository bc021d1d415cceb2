package dev.kubectlsidecar.agent;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition that another thread makes true (a file poll, a reload); fails after a generous bound. */
final class Eventually {
    private Eventually() {
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
