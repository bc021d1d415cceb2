package dev.kubectlsidecar.agent.pods;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;

/** A failed list or watch in one line, for the log and the readiness detail. */
final class ApiFailures {
    private ApiFailures() {
    }

    /** The API server's own words when it answered with an error status (the client's message repeats the URL). */
    static String describe(Throwable failure) {
        KubernetesClientException answer = failure instanceof WatcherException w ? w.asClientException()
                : failure instanceof KubernetesClientException k ? k : null;
        if (answer != null && answer.getStatus() != null && answer.getStatus().getMessage() != null) {
            return "HTTP " + answer.getCode() + ": " + oneLine(answer.getStatus().getMessage());
        }
        return oneLine(failure.getMessage() == null ? failure.toString() : failure.getMessage());
    }

    private static String oneLine(String message) {
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
