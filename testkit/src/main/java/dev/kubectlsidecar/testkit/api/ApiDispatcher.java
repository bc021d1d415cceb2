package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.core.JacksonException;

/**
 * Routes one request: discovery and health documents first, then the {@link RequestHandler}s in order (admission,
 * service proxy, namespace lifecycle, ...), then the object store.
 */
public final class ApiDispatcher implements Function<RecordedRequest, MockResponse> {
    private final Discovery discovery;
    private final OpenApiV3 openApi;
    private final ObjectStore store;
    private final List<RequestHandler> handlers;

    /** @param certManager whether cert-manager's CRDs are registered: its API in discovery (the store keeps any kind) */
    public ApiDispatcher(ServerVersion version, ObjectStore store, List<RequestHandler> handlers, boolean certManager) {
        this.discovery = new Discovery(version, certManager);
        this.openApi = new OpenApiV3(certManager);
        this.store = store;
        this.handlers = List.copyOf(handlers);
    }

    @Override
    public MockResponse apply(RecordedRequest request) {
        String uri = request.getPath();
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        if (request.getMethod().equals("GET")) {
            Optional<MockResponse> document = discovery.document(path).or(() -> openApi.document(path))
                    .map(body -> Responses.json(200, body));
            if (document.isPresent()) {
                return document.get();
            }
            if (path.equals("/healthz") || path.equals("/livez") || path.equals("/readyz")) {
                return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody("ok");
            }
        }
        Optional<ResourcePath> resource = ResourcePath.parse(uri);
        if (resource.isEmpty()) {
            return Responses.status(404, "NotFound", "the server could not find the requested resource");
        }
        for (RequestHandler handler : handlers) {
            Optional<MockResponse> answer = handler.handle(request, resource.get());
            if (answer.isPresent()) {
                return answer.get();
            }
        }
        RecordedRequest forStore = StatusSubresource.keepStoredStatus(request, resource.get(), store);
        byte[] body = forStore.getBody().getBytes(); // the mock consumes the request's body
        MockResponse stored = store.handle(forStore);
        if (stored == null) {
            return Responses.status(405, "MethodNotAllowed", request.getMethod() + " is not supported here");
        }
        return withStatusBody(stored, body, resource.get());
    }

    /**
     * The API server's {@code Status} for the mock's 404 (no body) and 409 (reason Invalid, which kubectl prints as
     * {@code The Deployment "" is invalid}).
     */
    private static MockResponse withStatusBody(MockResponse response, byte[] requestBody, ResourcePath path) {
        if (response.code() != 409 && (response.code() != 404 || isStatus(response))) {
            return response;
        }
        String name = path.name() != null ? path.name() : nameIn(requestBody);
        return response.code() == 404 ? Responses.notFound(path, name) : Responses.alreadyExists(path, name);
    }

    private static String nameIn(byte[] object) {
        try {
            return JsonMappers.JSON.readTree(object).path("metadata").path("name").asString();
        } catch (JacksonException e) {
            return "";
        }
    }

    private static boolean isStatus(MockResponse response) {
        try {
            return response.getBody() != null
                    && "Status".equals(JsonMappers.JSON.readTree(response.getBody().getBytes()).path("kind").asString());
        } catch (JacksonException e) {
            return false;
        }
    }
}
