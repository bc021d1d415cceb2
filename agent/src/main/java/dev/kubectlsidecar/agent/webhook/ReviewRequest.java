package dev.kubectlsidecar.agent.webhook;

import dev.kubectlsidecar.injector.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fields of an {@code admission.k8s.io/v1} AdmissionReview request the webhook reads, validated.
 *
 * @param object the object under review; null when the API server sends none (e.g. DELETE)
 * @param namespace {@code request.namespace}, else the object's {@code metadata.namespace}, else "default"
 */
record ReviewRequest(String uid, String group, String kind, String subResource, String operation, String namespace,
                     ObjectNode object) {
    static final String API_VERSION = "admission.k8s.io/v1";

    static ReviewRequest parse(JsonNode review) {
        if (!review.isObject()) {
            throw new BadReviewException("not an AdmissionReview: the body is a JSON " + review.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT) + ", not an object");
        }
        expect(review, "apiVersion", API_VERSION);
        expect(review, "kind", "AdmissionReview");
        JsonNode request = review.get("request");
        if (!(request instanceof ObjectNode)) {
            throw new BadReviewException("missing request: the AdmissionReview has no request object");
        }
        String uid = required(request, "uid");
        JsonNode kind = request.get("kind");
        if (kind == null || Json.text(kind, "kind") == null) {
            throw new BadReviewException("missing request.kind.kind");
        }
        String operation = required(request, "operation");
        JsonNode object = request.get("object");
        if (object != null && !object.isNull() && !object.isObject()) {
            throw new BadReviewException("request.object must be an object, got a JSON "
                    + object.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        String namespace = Json.text(request, "namespace");
        if (namespace == null || namespace.isEmpty()) {
            namespace = object == null ? null : Json.text(object.path("metadata"), "namespace");
        }
        return new ReviewRequest(uid, Json.text(kind, "group") == null ? "" : Json.text(kind, "group"),
                Json.text(kind, "kind"), Json.text(request, "subResource"), operation,
                namespace == null || namespace.isEmpty() ? "default" : namespace,
                object instanceof ObjectNode o ? o : null);
    }

    /** A pod being created: the only request the webhook mutates. */
    boolean isPodCreate() {
        return "CREATE".equals(operation) && "Pod".equals(kind) && group.isEmpty()
                && (subResource == null || subResource.isEmpty());
    }

    /** The pod to inject: the object, checked to be a Pod. */
    ObjectNode pod() {
        if (object == null) {
            throw new BadReviewException("missing request.object: a pod CREATE must carry the pod");
        }
        String objectKind = Json.text(object, "kind");
        if (objectKind != null && !objectKind.equals("Pod")) {
            throw new BadReviewException("request.object is a " + objectKind + ", not a Pod");
        }
        return object;
    }

    private static void expect(JsonNode review, String field, String wanted) {
        String actual = Json.text(review, field);
        if (!wanted.equals(actual)) {
            throw new BadReviewException("not an AdmissionReview: " + field + " must be " + wanted + ", got "
                    + (actual == null ? "none" : "\"" + actual + "\""));
        }
    }

    private static String required(JsonNode request, String field) {
        String value = Json.text(request, field);
        if (value == null || value.isEmpty()) {
            throw new BadReviewException("missing request." + field);
        }
        return value;
    }
}
