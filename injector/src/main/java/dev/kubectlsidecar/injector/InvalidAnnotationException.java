package dev.kubectlsidecar.injector;

/**
 * A pod annotation (or label) whose value the engine cannot honour. The message names the key, the value and
 * what is allowed, so it can be shown as is: on stderr by {@code inject}, as the denial message by the webhook.
 */
public final class InvalidAnnotationException extends RuntimeException {
    private final String key;
    private final String value;
    private final String allowed;

    public InvalidAnnotationException(String key, String value, String allowed) {
        super("invalid annotation " + key + "=\"" + value + "\": " + allowed);
        this.key = key;
        this.value = value;
        this.allowed = allowed;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    /** What the key accepts, in words. */
    public String allowed() {
        return allowed;
    }
}
