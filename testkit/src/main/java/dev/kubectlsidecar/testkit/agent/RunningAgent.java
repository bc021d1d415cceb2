package dev.kubectlsidecar.testkit.agent;

import java.util.OptionalLong;

/** An agent started by an {@link AgentLauncher}, serving HTTPS at {@code host:port}. */
public interface RunningAgent {
    String host();

    int port();

    /** Stops it; called when its Deployment is deleted or changed, and when the cluster closes. */
    void stop();

    /**
     * Ends it at once, without a chance to clean up (SIGKILL for a process), as the OOM killer or a node failure
     * would; {@link #stop} is still called afterwards to release what it held.
     */
    default void kill() {
        stop();
    }

    /** False once it has stopped by itself (a crashed process). */
    default boolean alive() {
        return true;
    }

    /** The operating system's process id, when the agent is a process of its own (to read its memory, say). */
    default OptionalLong pid() {
        return OptionalLong.empty();
    }

    /** What helps find out why it is not ready, e.g. the tail of its log; empty when there is nothing. */
    default String diagnostics() {
        return "";
    }
}
