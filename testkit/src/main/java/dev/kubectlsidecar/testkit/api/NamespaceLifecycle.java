package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.Json;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the API server's namespace lifecycle does and the mock does not: a new namespace gets the
 * {@value #NAME_LABEL} label (webhooks select on it) and phase Active; nothing is created in a namespace that does not exist;
 * deleting a namespace deletes what is in it.
 */
public final class NamespaceLifecycle implements RequestHandler {
    static final String NAME_LABEL = "kubernetes.io/metadata.name";
    static final List<String> INITIAL = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final ObjectStore store;

    public NamespaceLifecycle(ObjectStore store) {
        this.store = store;
    }

    /** Creates the namespaces every cluster starts with. */
    public void createInitial() {
        for (String name : INITIAL) {
            ObjectNode namespace = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
            namespace.putObject("metadata").put("name", name);
            store.create("/api/v1/namespaces", labelled(namespace, name));
        }
    }

    @Override
    public Optional<MockResponse> handle(RecordedRequest request, ResourcePath path) {
        boolean namespaces = path.is("", "namespaces");
        if (path.dryRun()) {
            return Optional.empty();
        }
        if (request.getMethod().equals("POST") && namespaces && path.isCollection()) {
            return Optional.of(createNamespace(request));
        }
        if (request.getMethod().equals("POST") && path.namespace() != null
                && store.get("/api/v1/namespaces/" + path.namespace()).isEmpty()) {
            return Optional.of(Responses.notFound("", "namespaces", path.namespace()));
        }
        if (request.getMethod().equals("DELETE") && namespaces && path.name() != null && path.subresource() == null) {
            MockResponse response = store.handle(request);
            if (response.code() == 200) {
                deleteContents(path.name());
            }
            return Optional.of(response);
        }
        return Optional.empty();
    }

    private MockResponse createNamespace(RecordedRequest request) {
        Optional<ObjectNode> body = Requests.jsonObject(request);
        String name = body.map(b -> Json.text(b.path("metadata"), "name")).orElse(null);
        if (name == null) {
            return store.handle(request);
        }
        return store.handle(Requests.withBody(request, labelled(body.get(), name)));
    }

    /** With the name label and, as the API server sets it, {@code status.phase: Active}. */
    private static ObjectNode labelled(ObjectNode namespace, String name) {
        Json.objectAt(Json.objectAt(namespace, "metadata"), "labels").put(NAME_LABEL, name);
        Json.objectAt(namespace, "status").put("phase", "Active");
        return namespace;
    }

    private void deleteContents(String namespace) {
        for (ApiResources.Type type : ApiResources.TYPES) {
            if (type.namespaced()) {
                String root = type.group().isEmpty() ? "/api/v1" : "/apis/" + type.groupVersion();
                store.delete(root + "/namespaces/" + namespace + "/" + type.plural());
            }
        }
    }
}
