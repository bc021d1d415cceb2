package dev.kubectlsidecar.testkit.agent;

/** An agent started by an {@link AgentLauncher}, serving HTTPS at {@code host:port}. */
public interface RunningAgent {
    String host();

    int port();

    /** Stops it; called when its Deployment is deleted or changed, and when the cluster closes. */
    void stop();

    /** False once it has stopped by itself (a crashed process). */
    default boolean alive() {
        return true;
    }

    /** What helps find out why it is not ready, e.g. the tail of its log; empty when there is nothing. */
    default String diagnostics() {
        return "";
    }
}
