package dev.kubectlsidecar.injector.state;

/**
 * What the caller knows of the agent's MutatingWebhookConfiguration, which decides why a pod that should have a
 * sidecar has none: with no configuration the API server never calls the agent; under failurePolicy Ignore it
 * skips an agent that does not answer.
 */
public enum WebhookPresence {
    /** Not looked up (the agent itself, which answers the webhook). */
    UNKNOWN,
    /** No configuration is installed. */
    ABSENT,
    /** Installed, failurePolicy Fail: a pod is refused rather than let in without the agent. */
    FAIL,
    /** Installed, failurePolicy Ignore. */
    IGNORE
}
