package dev.kubectlsidecar.testkit.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON merge patches ({@code kubectl label ns shop istio-injection-}, {@code patch --type=merge}) applied per
 * RFC 7386 and stored as a replace: the mock would store {@code "istio-injection": null} instead of removing it.
 */
public final class PatchRequests implements RequestHandler {
    private final ObjectStore store;

    public PatchRequests(ObjectStore store) {
        this.store = store;
    }

    @Override
    public Optional<MockResponse> handle(RecordedRequest request, ResourcePath path) {
        if (!request.getMethod().equals("PATCH") || path.isCollection()) {
            return Optional.empty();
        }
        String type = String.valueOf(request.getHeader("Content-Type"));
        if (type.startsWith("application/strategic-merge-patch+json") || type.startsWith("application/apply-patch")) {
            return Optional.of(Responses.status(415, "UnsupportedMediaType", "the local cluster does not support "
                    + type.replaceAll(";.*", "") + " (kubectl apply to an existing object, server-side apply): use "
                    + "kubectl replace, or kubectl patch --type=merge or --type=json"));
        }
        if (!Patching.isMergePatch(request)) {
            return Optional.empty();
        }
        Optional<ObjectNode> current = store.get(path.withoutQuery());
        if (current.isEmpty()) {
            return Optional.of(Responses.notFound(path, path.name()));
        }
        try {
            ObjectNode merged = Patching.apply(current.get(), request);
            return Optional.of(store.handle(Requests.of(HttpMethod.PUT, path.withoutQuery(), merged, null)));
        } catch (Patching.Failure e) {
            return Optional.of(Responses.status(e.code, null, e.getMessage()));
        }
    }
}
