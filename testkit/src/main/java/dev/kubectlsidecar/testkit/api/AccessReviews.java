package dev.kubectlsidecar.testkit.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API server's TokenReview and SubjectAccessReview ({@code create} on {@code authentication.k8s.io/v1
 * tokenreviews} and {@code authorization.k8s.io/v1 subjectaccessreviews}), for a cluster whose users are known here:
 * the kubeconfig's token is the administrator (group {@code system:masters}, allowed everything); tests add users
 * allowed to list pods in some namespaces ({@code "*"}: all). Any other token is not authenticated. Only the pod list
 * permission is modelled: it is the one the agent asks about.
 */
public final class AccessReviews implements RequestHandler {
    private static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
    private static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
    /** The token of the kubeconfigs the local cluster writes: its administrator. */
    public static final String ADMIN_TOKEN = "local-cluster-has-no-authentication";
    private static final String ADMIN = "local-cluster-admin";

    private record User(String name, Set<String> podNamespaces) {
    }

    private final Map<String, User> byToken = new ConcurrentHashMap<>(
            Map.of(ADMIN_TOKEN, new User(ADMIN, Set.of("*"))));
    private final Map<String, User> byName = new ConcurrentHashMap<>(Map.of(ADMIN, new User(ADMIN, Set.of("*"))));

    /** A user with this bearer token, allowed to list pods in {@code podNamespaces} ({@code "*"}: every one). */
    public void addUser(String token, String name, Set<String> podNamespaces) {
        User user = new User(name, Set.copyOf(podNamespaces));
        byToken.put(token, user);
        byName.put(name, user);
    }

    @Override
    public Optional<MockResponse> handle(RecordedRequest request, ResourcePath path) {
        String uri = request.getPath().split("\\?", 2)[0];
        if (!request.getMethod().equals("POST") || !uri.equals(TOKEN_REVIEWS) && !uri.equals(ACCESS_REVIEWS)) {
            return Optional.empty();
        }
        Optional<ObjectNode> review = Requests.jsonObject(request);
        if (review.isEmpty()) {
            return Optional.of(Responses.status(400, "BadRequest", "the body is not a JSON object"));
        }
        ObjectNode answer = review.get().deepCopy();
        ObjectNode status = answer.putObject("status");
        JsonNode spec = answer.path("spec");
        if (uri.equals(TOKEN_REVIEWS)) {
            User user = byToken.get(spec.path("token").asString(""));
            status.put("authenticated", user != null);
            if (user != null) {
                ObjectNode info = status.putObject("user").put("username", user.name()).put("uid", user.name());
                info.putArray("groups").add(user.name().equals(ADMIN) ? "system:masters" : "system:authenticated");
            }
        } else {
            User user = byName.get(spec.path("user").asString(""));
            JsonNode attributes = spec.path("resourceAttributes");
            String namespace = attributes.path("namespace").asString("");
            boolean podList = attributes.path("verb").asString("").equals("list")
                    && attributes.path("resource").asString("").equals("pods")
                    && attributes.path("group").asString("").isEmpty();
            boolean allowed = user != null && (user.podNamespaces().contains("*")
                    || podList && !namespace.isEmpty() && user.podNamespaces().contains(namespace));
            status.put("allowed", allowed);
            if (!allowed) {
                status.put("reason", "no RBAC rule allows it");
            }
        }
        return Optional.of(Responses.json(201, answer));
    }

}
