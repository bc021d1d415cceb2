package dev.kubectlsidecar.agent.http;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** One HTTP answer. Errors are {@code {"error": "<one line>"}}. */
public record Reply(int status, String contentType, Buffer body, Map<String, String> headers) {
    public static final String JSON = "application/json";

    public static Reply text(int status, String text) {
        return text(status, "text/plain; charset=utf-8", text);
    }

    public static Reply text(int status, String contentType, String text) {
        return new Reply(status, contentType, Buffer.buffer(text), Map.of());
    }

    public static Reply json(int status, JsonNode body) {
        return json(status, JsonMappers.JSON.writeValueAsBytes(body));
    }

    public static Reply json(int status, byte[] body) {
        return new Reply(status, JSON, Buffer.buffer(body), Map.of());
    }

    public static Reply error(int status, String message) {
        ObjectNode body = Json.object();
        body.put("error", oneLine(message));
        return json(status, body);
    }

    public Reply withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, Map.copyOf(more));
    }

    public Future<Void> send(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, contentType);
        headers.forEach(response::putHeader);
        return response.end(body);
    }

    /**
     * Sends this reply and closes the connection: for answers given before the request body was read, whose
     * unread rest must not be taken for the next request (and is not worth receiving).
     */
    public void sendAndClose(HttpServerRequest request) {
        request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        send(request).onComplete(done -> request.connection().close());
    }

    static String oneLine(String message) {
        String text = message == null ? "" : message;
        int newline = text.indexOf('\n');
        return (newline >= 0 ? text.substring(0, newline) : text).strip();
    }
}
