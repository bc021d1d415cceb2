package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.mockwebserver.http.MockResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Answers in the API server's shapes: JSON objects and {@code Status} failures. */
public final class Responses {
    private Responses() {
    }

    /** {@code pods "web" not found}, {@code deployments.apps "web" not found}. */
    public static MockResponse notFound(ResourcePath path, String name) {
        return notFound(path.group(), path.resource(), name);
    }

    /**
     * The API server's NotFound Status, with the {@code details} it carries ({@code name}, {@code kind}: the
     * resource, and {@code group} when there is one), which clients read to tell what was missing.
     */
    public static MockResponse notFound(String group, String resource, String name) {
        ObjectNode details = Json.object().put("name", name);
        if (!group.isEmpty()) {
            details.put("group", group);
        }
        details.put("kind", resource);
        return json(404, statusObject(404, "NotFound", (group.isEmpty() ? resource : resource + "." + group) + " \"" + name
                + "\" not found", details));
    }

    /** {@code namespaces "shop" already exists}. */
    public static MockResponse alreadyExists(ResourcePath path, String name) {
        return status(409, "AlreadyExists", qualified(path) + " \"" + name + "\" already exists");
    }

    private static String qualified(ResourcePath path) {
        return path.group().isEmpty() ? path.resource() : path.resource() + "." + path.group();
    }

    public static MockResponse json(int code, JsonNode body) {
        return new MockResponse().setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(JsonMappers.JSON.writeValueAsString(body));
    }

    /**
     * A {@code Status} failure as the API server sends it; kubectl prints
     * {@code Error from server (REASON): MESSAGE}.
     *
     * @param reason a {@code StatusReason} such as {@code InternalError} or {@code BadRequest}; null for none
     */
    public static MockResponse status(int code, String reason, String message) {
        return json(code, statusObject(code, reason, message, null));
    }

    /** @param details the Status's {@code details}, null for none */
    private static ObjectNode statusObject(int code, String reason, String message, ObjectNode details) {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        if (reason != null) {
            status.put("reason", reason);
        }
        if (details != null) {
            status.set("details", details);
        }
        status.put("code", code);
        return status;
    }
}
