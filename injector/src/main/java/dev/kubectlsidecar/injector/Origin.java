package dev.kubectlsidecar.injector;

/** Who asks the engine: the answer is the same for all, but reports and metrics say where it came from. */
public enum Origin {
    CLI, WEBHOOK, STATUS
}
