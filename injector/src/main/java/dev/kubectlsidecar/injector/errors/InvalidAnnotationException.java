package dev.kubectlsidecar.injector.errors;

/**
 * A pod annotation (or label) whose value the engine cannot honour. The message names the key, the value and
 * what is allowed, so it can be shown as is: on stderr by {@code inject}, as the denial message by the webhook.
 */
public final class InvalidAnnotationException extends RuntimeException {
    static final int SHOWN_CHARS = 200;

    private final String key;
    private final String value;
    private final String allowed;

    public InvalidAnnotationException(String key, String value, String allowed) {
        super("invalid annotation " + shown(key) + "=\"" + shown(value) + "\": " + allowed);
        this.key = key;
        this.value = value;
        this.allowed = allowed;
    }

    /** At most {@link #SHOWN_CHARS} characters of a value in the message: a pod's value may be megabytes. */
    private static String shown(String text) {
        return text.length() <= SHOWN_CHARS ? text
                : text.substring(0, SHOWN_CHARS) + "... (" + text.length() + " characters)";
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
