package dev.kubectlsidecar.agent;

import dev.kubectlsidecar.injector.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;

/** An agent started in-process on an ephemeral port with a fresh test CA, and an HTTPS client trusting only it. */
final class RunningAgent implements AutoCloseable {
    final Path dir;
    final TestPki.Issued ca;
    final Path certificateFile;
    final Path keyFile;
    final Agent agent;
    final HttpClient client;

    private RunningAgent(Path dir, TestPki.Issued ca, Agent agent) throws Exception {
        this.dir = dir;
        this.ca = ca;
        this.certificateFile = dir.resolve("tls.crt");
        this.keyFile = dir.resolve("tls.key");
        this.agent = agent;
        this.client = client(TestPki.trusting(ca.certificate()));
    }

    static RunningAgent start(Path dir) throws Exception {
        return start(dir, null);
    }

    /** @param config a config file to watch, or null for the embedded default */
    static RunningAgent start(Path dir, Path config) throws Exception {
        TestPki.Issued ca = TestPki.ca("test-ca");
        TestPki.serving(ca).writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
        AgentOptions options = new AgentOptions(true, "127.0.0.1", 0, dir.resolve("tls.crt"), dir.resolve("tls.key"),
                config, "kubectl-sidecar", null, 2, Duration.ofMillis(100));
        Agent agent = Agent.start(options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new RunningAgent(dir, ca, agent);
    }

    static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + agent.port() + path);
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> review(JsonNode review) throws Exception {
        return post("/inject", "application/json", Json.JSON.writeValueAsString(review));
    }

    /** The AdmissionReview response of a review that must be answered with 200. */
    JsonNode reviewOk(JsonNode review) throws Exception {
        HttpResponse<String> response = review(review);
        if (response.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + response.statusCode() + ": " + response.body());
        }
        return Json.JSON.readTree(response.body()).get("response");
    }

    @Override
    public void close() throws Exception {
        agent.stop(Duration.ofSeconds(5)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
