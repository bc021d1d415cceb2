package dev.kubectlsidecar.testkit.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Routes one request: discovery and health documents first, then the {@link RequestHandler}s in order (admission,
 * service proxy, namespace lifecycle, ...), then the object store.
 */
public final class ApiDispatcher implements Function<RecordedRequest, MockResponse> {
    private final Discovery discovery;
    private final ObjectStore store;
    private final List<RequestHandler> handlers;

    public ApiDispatcher(ServerVersion version, ObjectStore store, List<RequestHandler> handlers) {
        this.discovery = new Discovery(version);
        this.store = store;
        this.handlers = List.copyOf(handlers);
    }

    @Override
    public MockResponse apply(RecordedRequest request) {
        String uri = request.getPath();
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        if (request.getMethod().equals("GET")) {
            Optional<MockResponse> document = discovery.document(path).map(body -> Responses.json(200, body));
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
        MockResponse stored = store.handle(request);
        return stored != null ? stored
                : Responses.status(405, "MethodNotAllowed", request.getMethod() + " is not supported here");
    }
}
