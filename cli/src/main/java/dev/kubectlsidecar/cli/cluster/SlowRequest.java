package dev.kubectlsidecar.cli.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request the API server accepted but did not answer within {@code --request-timeout}: the cluster is reachable
 * but slow, so the error says which request and how to allow more time rather than to check the context.
 */
final class SlowRequest {
    /** fabric8's wording for a failed operation, e.g. {@code Operation: [get]  for kind: [Namespace]  with name: [shop]  in namespace: [default]  failed.} */
    private static final Pattern OPERATION = Pattern.compile(
            "Operation: \\[(\\w+)]\\s+for kind: \\[(\\w+)]\\s+with name: \\[([^]]*)]\\s+in namespace: \\[([^]]*)]");

    private static final String NAMED = "request: ";

    private SlowRequest() {
    }

    /** The one-line explanation when {@code e} is a request that timed out after connecting; else empty. */
    static Optional<String> explain(KubernetesClientException e, String server, Duration timeout) {
        return timedOut(e) ? Optional.of("the API server at " + server + " did not answer within " + seconds(timeout) + " ("
                + request(e) + "): it is slow or overloaded; retry, or allow more time with --request-timeout, e.g. "
                + "--request-timeout=" + seconds(longer(timeout))) : Optional.empty();
    }

    /** Whether {@code e} comes from a request that got no answer in time (a connection that timed out does not count). */
    static boolean timedOut(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpConnectTimeoutException) {
                return false; // nothing answers there: unreachable, not slow
            }
            if (cause instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** {@code e}, saying which request it comes from, for requests whose exception does not (e.g. dry-run creates). */
    static KubernetesClientException named(String request, KubernetesClientException e) {
        return new KubernetesClientException(NAMED + request, e);
    }

    /** {@code get namespace shop}, {@code list pods in namespace shop}, or {@code a request} when the client did not say. */
    static String request(KubernetesClientException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().startsWith(NAMED)) {
                return cause.getMessage().substring(NAMED.length());
            }
            Matcher matcher = cause.getMessage() == null ? null : OPERATION.matcher(cause.getMessage());
            if (matcher != null && matcher.find()) {
                String name = matcher.group(3);
                String namespace = matcher.group(4);
                boolean named = !name.isEmpty() && !name.equals("null");
                boolean namespaced = !namespace.isEmpty() && !namespace.equals("null") && !matcher.group(2).equals("Namespace");
                String operation = matcher.group(1);
                return operation + " " + matcher.group(2).toLowerCase(Locale.ROOT)
                        + (named ? " " + name : operation.equals("list") ? "s" : "")
                        + (namespaced ? " in namespace " + namespace : "");
            }
        }
        return "a request";
    }

    private static Duration longer(Duration timeout) {
        Duration doubled = timeout.multipliedBy(2);
        return doubled.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : doubled;
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
