package dev.kubectlsidecar.injector.errors;

/**
 * A pod (template) the engine cannot work on: malformed (no usable containers), or with its own sidecar container
 * asking for less security than the injected one. The message names the field, relative to the pod; a webhook
 * denies the pod with it.
 */
public final class MalformedPodException extends RuntimeException {
    private final String field;
    private final String problem;

    public MalformedPodException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
