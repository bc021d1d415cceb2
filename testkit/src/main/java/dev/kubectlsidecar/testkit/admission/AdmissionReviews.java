package dev.kubectlsidecar.testkit.admission;

import dev.kubectlsidecar.injector.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** AdmissionReview v1 for a pod CREATE: the request the API server sends and the checks it makes on the answer. */
final class AdmissionReviews {
    static final String API_VERSION = "admission.k8s.io/v1";

    /**
     * A webhook's decision.
     *
     * @param patch the decoded JSON Patch text, or null
     * @param code the status code to reject with when not allowed
     */
    record Verdict(boolean allowed, String patch, int code, String reason, String message, List<String> warnings) {
    }

    private AdmissionReviews() {
    }

    static ObjectNode request(String uid, ObjectNode pod, String namespace, boolean dryRun) {
        ObjectNode review = Json.object().put("apiVersion", API_VERSION).put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", uid);
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.set("requestKind", request.get("kind").deepCopy());
        request.set("requestResource", request.get("resource").deepCopy());
        String name = Json.text(pod.path("metadata"), "name");
        if (name != null) {
            request.put("name", name);
        }
        request.put("namespace", namespace);
        request.put("operation", "CREATE");
        ObjectNode user = request.putObject("userInfo").put("username", "local-cluster-admin");
        user.putArray("groups").add("system:masters").add("system:authenticated");
        request.set("object", pod);
        request.putNull("oldObject");
        request.put("dryRun", dryRun);
        request.putObject("options").put("kind", "CreateOptions").put("apiVersion", "meta.k8s.io/v1");
        return review;
    }

    /** Checks the answer as the API server does; what fails here is an invalid response (failurePolicy applies). */
    static Verdict verdict(JsonNode answer, String uid) throws WebhookCallError {
        String apiVersion = answer.path("apiVersion").asString();
        String kind = answer.path("kind").asString();
        if (!API_VERSION.equals(apiVersion) || !"AdmissionReview".equals(kind)) {
            throw invalid("expected webhook response of " + API_VERSION + ", Kind=AdmissionReview, got "
                    + apiVersion + ", Kind=" + kind);
        }
        JsonNode response = answer.get("response");
        if (response == null || !response.isObject()) {
            throw invalid("webhook response was absent");
        }
        String answeredUid = response.path("uid").asString();
        if (!uid.equals(answeredUid)) {
            throw invalid("expected response.uid=\"" + uid + "\", got \"" + answeredUid + "\"");
        }
        String patch = null;
        if (response.hasNonNull("patch")) {
            String patchType = response.path("patchType").asString();
            if (!"JSONPatch".equals(patchType)) {
                throw invalid(patchType.isEmpty() ? "webhook returned response.patch but not response.patchType"
                        : "webhook returned invalid response.patchType of \"" + patchType + "\"");
            }
            try {
                patch = new String(Base64.getDecoder().decode(response.path("patch").asString()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalid("response.patch is not base64: " + e.getMessage());
            }
        }
        List<String> warnings = new ArrayList<>();
        response.path("warnings").forEach(w -> warnings.add(w.asString()));
        JsonNode status = response.path("status");
        int code = status.path("code").canConvertToInt() && status.path("code").asInt() >= 400
                ? status.path("code").asInt() : 400;
        return new Verdict(response.path("allowed").asBoolean(false), patch, code,
                Json.text(status, "reason"), Json.text(status, "message"), warnings);
    }

    private static WebhookCallError invalid(String why) {
        return new WebhookCallError("received invalid webhook response: " + why);
    }
}
