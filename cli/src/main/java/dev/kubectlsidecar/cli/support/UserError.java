package dev.kubectlsidecar.cli.support;

/** A failure the user can fix; printed as one line ({@code error: …}) with exit code 1 and no stack trace. */
public final class UserError extends RuntimeException {
    private final String prefix;

    public UserError(String message) {
        this(message, (Throwable) null);
    }

    public UserError(String message, Throwable cause) {
        this("error: ", message, cause);
    }

    private UserError(String prefix, String message, Throwable cause) {
        super(message, cause);
        this.prefix = prefix;
    }

    /** An invalid kubeconfig selection, worded as kubectl words it ({@code Error in configuration: …}). */
    public static UserError configuration(String message) {
        return new UserError("Error in configuration: ", message, null);
    }

    /** The line printed for it. */
    public String line() {
        return prefix + getMessage();
    }
}
