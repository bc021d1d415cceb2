package dev.kubectlsidecar.agent;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** AdmissionReview requests as the API server sends them, and reading the answers. */
final class Reviews {
    private Reviews() {
    }

    /** A plain pod with one container. */
    static ObjectNode pod(String name) {
        ObjectNode pod = Json.object();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.putObject("metadata").put("name", name);
        pod.putObject("spec").putArray("containers").addObject().put("name", "app").put("image", "nginx:1.27");
        return pod;
    }

    static ObjectNode annotated(ObjectNode pod, String key, String value) {
        ObjectNode copy = pod.deepCopy();
        Json.objectAt(Json.objectAt(copy, "metadata"), "annotations").put(key, value);
        return copy;
    }

    static ObjectNode podCreate(String uid, String namespace, JsonNode pod) {
        return review(uid, "CREATE", "", "Pod", namespace, pod);
    }

    static ObjectNode review(String uid, String operation, String group, String kind, String namespace,
                             JsonNode object) {
        ObjectNode review = Json.object();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", uid);
        request.putObject("kind").put("group", group).put("version", "v1").put("kind", kind);
        request.putObject("resource").put("group", group).put("version", "v1").put("resource", "pods");
        request.put("operation", operation);
        if (namespace != null) {
            request.put("namespace", namespace);
        }
        if (object != null) {
            request.set("object", object);
        }
        request.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replicaset-controller");
        request.put("dryRun", false);
        return review;
    }

    /** The decoded JSON Patch of a response, or null when it has none. */
    static JsonNode patch(JsonNode response) {
        JsonNode patch = response.get("patch");
        return patch == null ? null : JsonMappers.JSON.readTree(Base64.getDecoder().decode(patch.asString()));
    }

    /** The object after the response's patch; the object itself when there is no patch. */
    static JsonNode patched(JsonNode object, JsonNode response) {
        JsonNode patch = patch(response);
        return patch == null ? object : JsonPatches.apply(patch, object);
    }
}
