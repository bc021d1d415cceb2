package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads pods from the API server as the JSON trees the engine works on, never as typed {@code Pod}s: a typed pod
 * costs a deserialization into some 500 model classes and a conversion back into a tree. Lists go the way large
 * clusters need: {@code limit} pods a request, following the continue token to the last page, each page parsed as
 * it arrives and handed on one pod at a time, so that a page is never held whole. A continue token the API server
 * has expired (410) fails the whole list; the caller starts over.
 */
final class PodTrees {
    private final KubernetesClient client;

    PodTrees(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Hands every pod of {@code namespace} (all namespaces when null) to {@code each}, page by page.
     *
     * @return the list's resourceVersion, to watch from
     * @throws KubernetesClientException when the API server answers with an error, or cannot be reached
     */
    String forEach(String namespace, long limit, Consumer<ObjectNode> each) {
        String next = null;
        String resourceVersion;
        do {
            String query = (next == null ? "" : "continue=" + URLEncoder.encode(next, StandardCharsets.UTF_8) + "&")
                    + "limit=" + limit;
            ListMetadata page = send(pods(namespace) + "?" + query, in -> readPage(in, each));
            next = page.continueToken();
            resourceVersion = page.resourceVersion();
        } while (next != null && !next.isEmpty());
        return resourceVersion;
    }

    /** The pod as the API server has it now; empty when there is none. */
    Optional<ObjectNode> get(String namespace, String name) {
        try {
            return Optional.of(send(pods(namespace) + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8),
                    in -> (ObjectNode) JsonMappers.JSON.readTree(in)));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private String pods(String namespace) {
        String root = client.getMasterUrl().toString().replaceAll("/+$", "");
        return root + (namespace == null ? "/api/v1/pods" : "/api/v1/namespaces/" + namespace + "/pods");
    }

    /** A list's {@code metadata}: what the next request needs. */
    private record ListMetadata(String continueToken, String resourceVersion) {
    }

    /** Reads a body. */
    @FunctionalInterface
    private interface BodyReader<T> {
        T read(InputStream body) throws IOException;
    }

    private <T> T send(String url, BodyReader<T> reader) {
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(url).header("Accept", "application/json").build();
        try {
            HttpResponse<InputStream> response = http.sendAsync(request, InputStream.class).get();
            try (InputStream body = response.body()) {
                if (!response.isSuccessful()) {
                    throw failure(response.code(), body.readAllBytes(), url);
                }
                return reader.read(body);
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof KubernetesClientException k ? k
                    : new KubernetesClientException("GET " + url + " failed: " + cause, cause);
        } catch (IOException | JacksonException e) {
            throw new KubernetesClientException("GET " + url + ": the answer could not be read: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("GET " + url + " interrupted", e);
        }
    }

    /** Parses {@code {"metadata":{...},"items":[...]}} as it streams in, one item at a time. */
    private static ListMetadata readPage(InputStream in, Consumer<ObjectNode> each) {
        String continueToken = null;
        String resourceVersion = null;
        try (JsonParser parser = JsonMappers.JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new KubernetesClientException("the list of pods is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("items") && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        each.accept(parser.readValueAsTree());
                    }
                } else if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
                    JsonNode metadata = parser.readValueAsTree();
                    continueToken = metadata.path("continue").asString(null);
                    resourceVersion = metadata.path("resourceVersion").asString(null);
                } else {
                    parser.skipChildren();
                }
            }
        }
        return new ListMetadata(continueToken, resourceVersion);
    }

    /** The API server's Status answer as the client's exception, as a typed request would have failed. */
    private KubernetesClientException failure(int code, byte[] body, String url) {
        Status status;
        try {
            JsonNode answer = JsonMappers.JSON.readTree(body);
            status = "Status".equals(answer.path("kind").asString())
                    ? client.getKubernetesSerialization().convertValue(answer, Status.class)
                    : new StatusBuilder().withCode(code).withMessage(new String(body, StandardCharsets.UTF_8)).build();
        } catch (JacksonException notJson) {
            status = new StatusBuilder().withCode(code).withMessage(new String(body, StandardCharsets.UTF_8)).build();
        }
        return new KubernetesClientException("GET " + url + " answered " + code + ": " + status.getMessage(), code, status);
    }
}
