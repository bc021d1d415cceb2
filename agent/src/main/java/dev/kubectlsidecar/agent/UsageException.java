package dev.kubectlsidecar.agent;

/** A wrong flag or environment variable; the message is one line naming it. */
public final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
