package dev.kubectlsidecar.testkit.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ?dryRun=All} on create, replace, patch and delete: the mock ignores it and changes the object; the API
 * server answers with what the result would be and changes nothing. (Pod creates are answered by admission, which
 * runs before this.)
 */
public final class DryRunRequests implements RequestHandler {
    private static final String UNKNOWN_FORMAT =
            "the body of the request was in an unknown format - accepted media types include: application/json";

    private final ObjectStore store;

    public DryRunRequests(ObjectStore store) {
        this.store = store;
    }

    @Override
    public Optional<MockResponse> handle(RecordedRequest request, ResourcePath path) {
        if (!path.dryRun()) {
            return Optional.empty();
        }
        return switch (request.getMethod()) {
            case "POST" -> Optional.of(Requests.jsonObject(request)
                    .map(object -> Responses.json(201, ObjectDefaults.asStored(object)))
                    .orElseGet(() -> Responses.status(415, "UnsupportedMediaType", UNKNOWN_FORMAT)));
            case "PUT" -> Optional.of(existing(path).isEmpty() ? notFound(path)
                    : Requests.jsonObject(request).map(object -> Responses.json(200, object))
                    .orElseGet(() -> Responses.status(415, "UnsupportedMediaType", UNKNOWN_FORMAT)));
            case "DELETE" -> Optional.of(existing(path).map(object -> Responses.json(200, object))
                    .orElseGet(() -> notFound(path)));
            case "PATCH" -> Optional.of(patch(request, path));
            default -> Optional.empty();
        };
    }

    private MockResponse patch(RecordedRequest request, ResourcePath path) {
        Optional<ObjectNode> current = existing(path);
        if (current.isEmpty()) {
            return notFound(path);
        }
        try {
            return Responses.json(200, Patching.apply(current.get(), request));
        } catch (Patching.Failure e) {
            return Responses.status(e.code, null, e.getMessage());
        }
    }

    private Optional<ObjectNode> existing(ResourcePath path) {
        return path.isCollection() ? Optional.empty() : store.get(path.withoutQuery());
    }

    private static MockResponse notFound(ResourcePath path) {
        return Responses.notFound(path, path.name());
    }
}
