package dev.kubectlsidecar.agent.http;

/** A certificate/key pair that cannot serve TLS; the message names the source and the problem. */
public final class InvalidCertificateException extends RuntimeException {
    public InvalidCertificateException(String message) {
        super(message);
    }
}
