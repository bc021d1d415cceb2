package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Raw JSON over plain HTTP to the local cluster's API server, as any client would send it: objects go in and come
 * out as trees, never through a typed model. {@link #each} sends many requests at once.
 */
final class ApiClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String url) {
        this.url = url;
    }

    JsonNode get(String path) {
        return JsonMappers.JSON.readTree(send("GET", path, null, null, 200).body());
    }

    /** GET {@code path} with these headers, expecting 200; the body's size. */
    int read(String path, Map<String, String> headers) {
        return send("GET", path, null, null, 200, headers).body().length;
    }

    void createNamespace(String name, Map<String, String> labels) {
        ObjectNode namespace = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
        ObjectNode metadata = namespace.putObject("metadata").put("name", name);
        labels.forEach(Json.objectAt(metadata, "labels")::put);
        send("POST", "/api/v1/namespaces", JsonMappers.JSON.writeValueAsBytes(namespace), "application/json", 201);
    }

    void deleteNamespace(String name) {
        send("DELETE", "/api/v1/namespaces/" + name, null, null, 200);
    }

    void createPod(String namespace, JsonNode pod) {
        send("POST", "/api/v1/namespaces/" + namespace + "/pods", JsonMappers.JSON.writeValueAsBytes(pod), "application/json", 201);
    }

    void deletePod(String namespace, String name) {
        send("DELETE", "/api/v1/namespaces/" + namespace + "/pods/" + name, null, null, 200);
    }

    /** Runs {@code call} for every item on {@code threads} threads; the first failure is thrown after all ran. */
    static <T> void each(List<T> items, int threads, Function<T, ?> call) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> calls = new ArrayList<>();
            items.forEach(item -> calls.add(pool.submit(() -> call.apply(item))));
            RuntimeException first = null;
            for (Future<?> future : calls) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (first == null) {
                        first = new IllegalStateException(e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body, String contentType, int expected) {
        return send(method, path, body, contentType, expected, Map.of());
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body, String contentType, int expected,
            Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return response;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
