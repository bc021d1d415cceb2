package dev.kubectlsidecar.e2e;

import java.util.function.Supplier;

/** Waits, bounded, until a value appears; no timing is asserted. */
final class Poll {
    private Poll() {
    }

    static <T> T until(String what, Supplier<T> value) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                T found = value.get();
                if (found != null) {
                    return found;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("gave up waiting: " + what, last);
    }
}
