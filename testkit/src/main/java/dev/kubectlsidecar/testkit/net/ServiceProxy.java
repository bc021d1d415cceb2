package dev.kubectlsidecar.testkit.net;

import dev.kubectlsidecar.testkit.api.ObjectStore;
import dev.kubectlsidecar.testkit.api.RequestHandler;
import dev.kubectlsidecar.testkit.api.ResourcePath;
import dev.kubectlsidecar.testkit.api.Responses;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/**
 * The API server's service proxy, {@code GET /api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/PATH}, to
 * the Service's route: how {@code kubectl get --raw} and the CLI reach the agent's status API. As on a real
 * cluster, {@code https:} is needed for an HTTPS backend (no scheme means plain HTTP) and the backend's certificate
 * is not verified. Only GET is proxied. Headers go on as the real proxy sends them: the API server's authentication
 * filter removes {@code Authorization} once it has authenticated a request (k8s.io/apiserver
 * {@code pkg/endpoints/filters/authentication.go}, {@code WithAuthentication}), and the proxy handler
 * ({@code UpgradeAwareHandler}, k8s.io/apimachinery {@code pkg/util/proxy/upgradeaware.go}) clones the remaining
 * headers into a {@code httputil.ReverseProxy} request, which drops the hop-by-hop ones. So a caller's own headers
 * reach the service; its credentials do not.
 */
public final class ServiceProxy implements RequestHandler {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Removed before forwarding: the credentials (authentication) and Go's ReverseProxy hop-by-hop headers. */
    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "connection", "proxy-connection",
            "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "host", "content-length", "accept-encoding");

    private final ObjectStore store;
    private final ServiceRoutes routes;
    private final HttpCalls calls;

    public ServiceProxy(ObjectStore store, ServiceRoutes routes, HttpCalls calls) {
        this.store = store;
        this.routes = routes;
        this.calls = calls;
    }

    @Override
    public Optional<MockResponse> handle(RecordedRequest request, ResourcePath path) {
        String subresource = path.subresource();
        if (!path.is("", "services") || path.namespace() == null || subresource == null
                || !(subresource.equals("proxy") || subresource.startsWith("proxy/"))) {
            return Optional.empty();
        }
        if (!request.getMethod().equals("GET")) {
            return Optional.of(Responses.status(405, "MethodNotAllowed",
                    "the local cluster's service proxy serves GET only, not " + request.getMethod()));
        }
        String[] parts = path.name().split(":", -1);
        boolean schemeFirst = parts.length == 3 || parts.length == 2 && (parts[0].equals("http") || parts[0].equals("https"));
        String scheme = schemeFirst ? parts[0] : "http";
        String name = schemeFirst ? parts[1] : parts[0];
        Optional<ServiceRoutes.Target> target = routes.lookup(path.namespace(), name);
        if (target.isEmpty()) {
            boolean exists = store.get("/api/v1/namespaces/" + path.namespace() + "/services/" + name).isPresent();
            return Optional.of(exists
                    ? Responses.status(503, "ServiceUnavailable", "no endpoints available for service \"" + name + "\"")
                    : Responses.notFound("", "services", name));
        }
        return Optional.of(forward(request, target.get(), scheme.equals("https"), subresource.substring("proxy".length())));
    }

    private MockResponse forward(RecordedRequest request, ServiceRoutes.Target target, boolean tls, String rest) {
        String uri = request.getPath();
        String query = uri.contains("?") ? uri.substring(uri.indexOf('?')) : "";
        Map<String, String> headers = new LinkedHashMap<>();
        request.getHeaders().toMultimap().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !values.isEmpty()) {
                headers.put(name, values.get(0));
            }
        });
        try {
            HttpCalls.Reply reply = calls.send(new HttpCalls.Call(HttpMethod.GET, target, target.host(),
                    target.port(), (rest.isEmpty() ? "/" : rest) + query, tls ? new HttpCalls.Trust.Any() : null,
                    headers, null, TIMEOUT));
            MockResponse response = new MockResponse().setResponseCode(reply.status()).setBody(reply.body());
            if (reply.contentType() != null) {
                response.setHeader("Content-Type", reply.contentType());
            }
            return response;
        } catch (CallFailure e) {
            return Responses.status(503, "ServiceUnavailable", "error trying to reach service: " + e.getMessage());
        }
    }
}
