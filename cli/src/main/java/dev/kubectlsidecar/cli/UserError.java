package dev.kubectlsidecar.cli;

/** A failure the user can fix; printed as one line ({@code error: …}) with exit code 1 and no stack trace. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
