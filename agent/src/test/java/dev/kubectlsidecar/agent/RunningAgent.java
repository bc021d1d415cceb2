package dev.kubectlsidecar.agent;

import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;

/** An agent started in-process on an ephemeral port with a fresh test CA, and an HTTPS client trusting only it. */
final class RunningAgent implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    TestPki.Issued ca;
    Path certificateFile;
    Path keyFile;
    Agent agent;
    HttpClient client;
    private Path sharedDir;

    private RunningAgent() {
    }

    /**
     * One agent for all the tests of a class: {@code @RegisterExtension static final RunningAgent running =
     * RunningAgent.shared();} starts it before the first test and stops it after the last.
     */
    static RunningAgent shared() {
        return new RunningAgent();
    }

    static RunningAgent start(Path dir) throws Exception {
        return start(dir, null);
    }

    /** @param config a config file to watch, or null for the embedded default */
    static RunningAgent start(Path dir, Path config) throws Exception {
        RunningAgent running = new RunningAgent();
        running.launch(dir, config);
        return running;
    }

    private void launch(Path dir, Path config) throws Exception {
        ca = TestPki.ca("test-ca");
        certificateFile = dir.resolve("tls.crt");
        keyFile = dir.resolve("tls.key");
        TestPki.serving(ca).writeTo(certificateFile, keyFile);
        AgentOptions options = new AgentOptions(true, "127.0.0.1", 0, certificateFile, keyFile, config,
                "kubectl-sidecar", KubeVersion.UNKNOWN, 2, Duration.ofMillis(100), null);
        agent = Agent.start(options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        client = client(TestPki.trusting(ca.certificate()));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        sharedDir = Files.createTempDirectory("agent-test");
        launch(sharedDir, null);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
        try (Stream<Path> files = Files.walk(sharedDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
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
        return post("/inject", "application/json", JsonMappers.JSON.writeValueAsString(review));
    }

    /** The AdmissionReview response of a review that must be answered with 200. */
    JsonNode reviewOk(JsonNode review) throws Exception {
        HttpResponse<String> response = review(review);
        if (response.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + response.statusCode() + ": " + response.body());
        }
        return JsonMappers.JSON.readTree(response.body()).get("response");
    }

    @Override
    public void close() throws Exception {
        agent.stop(Duration.ofSeconds(5)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
