package dev.kubectlsidecar.testkit.api;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * The status of built-in objects is a subresource: a PUT of the object itself leaves the stored status as it is
 * (the mock would replace it with the request's, usually none, e.g. {@code kubectl sidecar install} re-applying the
 * agent's Deployment would make it unavailable). And as the API server does, a PUT that changes the spec bumps
 * {@code metadata.generation}, which controllers report back as {@code status.observedGeneration}: that is how
 * {@code install} and {@code rollout} tell a finished rollout from one not yet begun.
 */
final class StatusSubresource {
    private StatusSubresource() {
    }

    /** {@code request}, with the stored object's status in its body when it replaces a stored object. */
    static RecordedRequest keepStoredStatus(RecordedRequest request, ResourcePath path, ObjectStore store) {
        if (!request.getMethod().equals("PUT") || path.isCollection() || path.subresource() != null) {
            return request;
        }
        Optional<ObjectNode> stored = store.get(path.withoutQuery());
        Optional<ObjectNode> body = Requests.jsonObject(request);
        if (stored.isEmpty() || body.isEmpty()) {
            return request;
        }
        ObjectNode replacement = body.get();
        long generation = stored.get().path("metadata").path("generation").asLong(1);
        boolean specChanged = replacement.has("spec") && !replacement.get("spec").equals(stored.get().get("spec"));
        replacement.withObject("metadata").put("generation", specChanged ? generation + 1 : generation);
        if (stored.get().has("status")) {
            replacement.set("status", stored.get().get("status"));
        } else {
            replacement.remove("status");
        }
        return Requests.withBody(request, replacement);
    }
}
