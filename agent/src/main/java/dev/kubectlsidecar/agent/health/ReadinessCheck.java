package dev.kubectlsidecar.agent.health;

/** One condition {@code /readyz} requires; called at every probe, so it must be cheap and must not block. */
@FunctionalInterface
public interface ReadinessCheck {
    Status check();

    /** @param detail a short phrase for a person: what is fine, or what is wrong */
    record Status(boolean ready, String detail) {
        public static Status ready(String detail) {
            return new Status(true, detail);
        }

        public static Status notReady(String detail) {
            return new Status(false, detail);
        }
    }
}
