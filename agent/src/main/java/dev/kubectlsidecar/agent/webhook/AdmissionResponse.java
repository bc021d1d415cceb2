package dev.kubectlsidecar.agent.webhook;

import dev.kubectlsidecar.injector.json.JsonMappers;
import java.io.ByteArrayOutputStream;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.node.ArrayNode;

/**
 * An {@code admission.k8s.io/v1} AdmissionReview response, written straight to JSON bytes: the patch is
 * base64-encoded by the generator into the output, with no intermediate string to escape (the patch is most of
 * the bytes a review sends, ~17 KB for a typical pod).
 *
 * @param patch the JSON Patch as JSON bytes; null when the object is allowed unchanged or denied
 * @param code the HTTP status of a denial; 0 when allowed
 */
public record AdmissionResponse(String uid, boolean allowed, byte[] patch, List<String> warnings, int code,
                                String message) {

    /** Allows the object; with a JSON Patch when {@code patch} is not empty, never an empty patch. */
    static AdmissionResponse allowed(String uid, ArrayNode patch, List<String> warnings) {
        return new AdmissionResponse(uid, true, patch.isEmpty() ? null : JsonMappers.JSON.writeValueAsBytes(patch),
                List.copyOf(warnings), 0, null);
    }

    static AdmissionResponse denied(String uid, int code, String message) {
        return new AdmissionResponse(uid, false, null, List.of(), code, message);
    }

    /**
     * The size of {@link #toJson()} give or take a few bytes, without writing it: the base64 patch and the
     * warnings (at most six bytes per character, escaped) dominate.
     */
    public long jsonBytes() {
        long bytes = 256 + (uid == null ? 0 : uid.length()) + (message == null ? 0 : 6L * message.length());
        if (patch != null) {
            bytes += (patch.length + 2L) / 3 * 4;
        }
        for (String warning : warnings) {
            bytes += 3 + 6L * warning.length();
        }
        return bytes;
    }

    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(patch == null ? 256 : patch.length / 3 * 4 + 512);
        try (JsonGenerator json = JsonMappers.JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringProperty("apiVersion", ReviewRequest.API_VERSION);
            json.writeStringProperty("kind", "AdmissionReview");
            json.writeObjectPropertyStart("response");
            json.writeStringProperty("uid", uid);
            json.writeBooleanProperty("allowed", allowed);
            if (patch != null) {
                json.writeStringProperty("patchType", "JSONPatch");
                json.writeName("patch");
                json.writeBinary(patch);
            }
            if (!allowed) {
                json.writeObjectPropertyStart("status");
                json.writeNumberProperty("code", code);
                json.writeStringProperty("message", message);
                json.writeEndObject();
            }
            if (!warnings.isEmpty()) {
                json.writeArrayPropertyStart("warnings");
                for (String warning : warnings) {
                    json.writeString(warning);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndObject();
        }
        return out.toByteArray();
    }
}
