package dev.kubectlsidecar.agent.webhook;

import dev.kubectlsidecar.injector.Json;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Builds {@code admission.k8s.io/v1} AdmissionReview responses. */
final class AdmissionResponses {
    private AdmissionResponses() {
    }

    /** Allows the object; with a JSON Patch when {@code patch} is not empty, never an empty patch. */
    static ObjectNode allowed(String uid, ArrayNode patch, List<String> warnings) {
        ObjectNode response = response(uid, true);
        if (!patch.isEmpty()) {
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(Json.JSON.writeValueAsBytes(patch)));
        }
        if (!warnings.isEmpty()) {
            ArrayNode out = response.putArray("warnings");
            warnings.forEach(out::add);
        }
        return review(response);
    }

    static ObjectNode denied(String uid, int code, String message) {
        ObjectNode response = response(uid, false);
        ObjectNode status = response.putObject("status");
        status.put("code", code);
        status.put("message", message);
        return review(response);
    }

    private static ObjectNode response(String uid, boolean allowed) {
        ObjectNode response = Json.object();
        response.put("uid", uid);
        response.put("allowed", allowed);
        return response;
    }

    private static ObjectNode review(ObjectNode response) {
        ObjectNode review = Json.object();
        review.put("apiVersion", ReviewRequest.API_VERSION);
        review.put("kind", "AdmissionReview");
        review.set("response", response);
        return review;
    }
}
