package dev.kubectlsidecar.agent.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who may read the agent's cluster views ({@code /api/v1/status}, {@code /api/v1/config}): in a cluster, a caller
 * whose credentials allow listing pods, in the namespace asked or cluster-wide (see the in-cluster implementation);
 * standalone, where there is no API server to ask, whoever can reach the port.
 */
public interface ReadAuthorizer {
    /**
     * The header a caller behind the API server's service proxy sends its bearer token in: the API server removes
     * {@code Authorization} from a request once it has authenticated it, and forwards the other headers.
     */
    String TOKEN_HEADER = "Kubectl-Sidecar-Authorization";

    /** The answer: allowed, or the status (401, 403, 429, 503) and a one-line message to refuse with. */
    record Verdict(int status, String message) {
        public static final Verdict ALLOWED = new Verdict(200, "allowed");

        public boolean allowed() {
            return status == 200;
        }
    }

    /**
     * @param namespace the namespace the read is about; null for a cluster-wide read
     */
    Future<Verdict> authorize(HttpServerRequest request, String namespace);

    static ReadAuthorizer open() {
        return (request, namespace) -> Future.succeededFuture(Verdict.ALLOWED);
    }
}
