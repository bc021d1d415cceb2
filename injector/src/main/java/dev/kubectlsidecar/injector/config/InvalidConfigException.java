package dev.kubectlsidecar.injector.config;

/** A configuration that cannot be used; the message names the source and the field ({@code profiles.envoy.proxyImage}). */
public final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
        super(message);
    }
}
