package dev.kubectlsidecar.agent.webhook;

/** A request body that is JSON but not an AdmissionReview the webhook can answer; the message names the field. */
public final class BadReviewException extends RuntimeException {
    public BadReviewException(String message) {
        super(message);
    }
}
