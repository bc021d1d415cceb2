package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Building and reading the mock server's request objects. */
public final class Requests {
    private Requests() {
    }

    public static RecordedRequest of(HttpMethod method, String path, JsonNode body, String contentType) {
        Headers.Builder headers = Headers.builder();
        Buffer buffer = new Buffer();
        if (body != null) {
            headers.add("Content-Type", contentType != null ? contentType : "application/json");
            buffer.write(JsonMappers.JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
        }
        return new RecordedRequest("HTTP/1.1", method, path, headers.build(), buffer);
    }

    /** The same request with another JSON body. */
    public static RecordedRequest withBody(RecordedRequest request, JsonNode body) {
        return of(request.method(), request.getPath(), body, "application/json");
    }

    /** The body as a JSON object; empty when it is not one (kubectl may send protobuf, a client anything). */
    public static Optional<ObjectNode> jsonObject(RecordedRequest request) {
        try {
            JsonNode node = JsonMappers.JSON.readTree(new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
            return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }
}
