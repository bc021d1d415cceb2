package dev.kubectlsidecar.agent.http;

/** A request the server answers with an error status before it reaches a handler; the message is one line. */
final class HttpError extends RuntimeException {
    private final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
