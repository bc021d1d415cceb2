package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * PATCH bodies applied the API server's way: RFC 6902 JSON Patch and RFC 7386 JSON merge patch (where
 * {@code null} removes a field; the mock stores the null instead). Strategic merge patch is not supported, as in
 * the mock.
 */
final class Patching {
    /** A patch that cannot be applied, with the status code the API server would answer. */
    static final class Failure extends Exception {
        final int code;

        Failure(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private Patching() {
    }

    static boolean isMergePatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        return type != null && type.startsWith("application/merge-patch+json");
    }

    /** {@code current} with the request's patch applied; {@code current} itself is not modified. */
    static ObjectNode apply(ObjectNode current, RecordedRequest request) throws Failure {
        String type = String.valueOf(request.getHeader("Content-Type"));
        JsonNode patch;
        try {
            patch = JsonMappers.JSON.readTree(new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new Failure(400, "the patch is not JSON: " + e.getMessage());
        }
        JsonNode result;
        if (type.startsWith("application/json-patch+json")) {
            try {
                result = JsonPatches.apply(patch, current);
            } catch (RuntimeException e) {
                throw new Failure(422, "the JSON Patch cannot be applied: " + e.getMessage());
            }
        } else if (type.startsWith("application/merge-patch+json")) {
            result = merge(current, patch);
        } else {
            throw new Failure(415, "the local cluster does not support patch type " + type);
        }
        if (!(result instanceof ObjectNode object)) {
            throw new Failure(422, "the patch did not leave an object");
        }
        return object;
    }

    /** RFC 7386. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target.deepCopy() : Json.object();
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
            }
        }
        return result;
    }
}
