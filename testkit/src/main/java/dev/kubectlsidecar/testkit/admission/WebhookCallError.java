package dev.kubectlsidecar.testkit.admission;

/**
 * A webhook call that did not produce a usable answer; the message is the API server's reason, e.g.
 * {@code failed to call webhook: Post "https://agent.ns.svc:443/inject?timeout=10s": context deadline exceeded}.
 * Subject to the webhook's failurePolicy.
 */
final class WebhookCallError extends Exception {
    WebhookCallError(String message) {
        super(message);
    }
}
