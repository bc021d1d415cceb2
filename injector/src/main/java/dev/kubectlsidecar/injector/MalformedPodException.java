package dev.kubectlsidecar.injector;

/** A pod (template) the engine cannot work on; the message names the field, relative to the pod. */
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
