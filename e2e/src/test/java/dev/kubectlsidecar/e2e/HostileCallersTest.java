package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent jar in its own JVM with the Deployment's exact flags ({@link DeploymentFlagsAgent}), attacked by class
 * of failure: the largest pod the API server stores, four at once, hundreds of pods with large annotations, pods
 * whose diff was quadratic, values that amplify a patch, bad quantities, stalled uploads and floods of idle
 * connections. After each: the process is alive (it runs with {@code -XX:+ExitOnOutOfMemoryError}, so running out of
 * heap would end it), {@code /healthz} answered within 1 s all along, every answer was a 2xx/4xx (never 5xx), and no
 * answer was more than 256 KiB larger than its review. The peak RSS after each class is written to
 * {@code e2e/target/hostile-agent-memory.md} (BENCHMARKS.md quotes it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileCallersTest {
    /** The API server's limit on a stored object (etcd's request limit), which a pod's JSON stays within. */
    private static final int LARGEST_POD_BYTES = 1_536 * 1024;
    private static final long MAX_GROWTH = 256 * 1024;
    private static final Duration HEALTH_LIMIT = Duration.ofSeconds(1);
    private static final long CONTAINER_LIMIT_KIB = 256 * 1024;

    private static DeploymentFlagsAgent agent;
    private static HttpClient client;
    private static HealthWatch health;
    private static final List<String> MEMORY = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Paths.AGENT_JAR), "needs " + Paths.AGENT_JAR + " (mvn package)");
        agent = DeploymentFlagsAgent.start();
        client = agent.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
            Path report = Paths.REPO.resolve("e2e/target/hostile-agent-memory.md");
            Files.createDirectories(report.getParent());
            Files.writeString(report, "JVM: " + String.join(" ", agent.jvmOptions()) + "\n\n"
                    + "| after | VmRSS MiB | peak VmHWM MiB | heap committed MiB | heap used MiB |\n"
                    + "|---|---:|---:|---:|---:|\n" + String.join("\n", MEMORY) + "\n");
        }
    }

    @BeforeEach
    void watchHealth() {
        health = new HealthWatch(agent.client(), agent.uri("/healthz"));
    }

    @AfterEach
    void aliveAndHealthyThroughout(org.junit.jupiter.api.TestInfo test) throws Exception {
        health.close();
        assertThat(agent.alive()).as("agent alive after %s; log:%n%s", test.getDisplayName(), agent.log()).isTrue();
        assertThat(health.failures()).as("failed /healthz calls").isZero();
        assertThat(health.slowest()).as("slowest /healthz").isLessThan(HEALTH_LIMIT);
        assertThat(agent.procStatusKib("VmHWM")).as("peak RSS KiB, under the container's 256Mi limit")
                .isLessThan(CONTAINER_LIMIT_KIB);
        String heap = agent.heapMiB().map(h -> String.format("%.0f | %.0f", h[0], h[1])).orElse("? | ?");
        MEMORY.add("| " + test.getTestMethod().orElseThrow().getName() + " | "
                + agent.procStatusKib("VmRSS") / 1024 + " | " + agent.procStatusKib("VmHWM") / 1024 + " | " + heap + " |");
    }

    @Test
    @Order(1)
    void theLargestLegalPodIsInjected() throws Exception {
        ObjectNode pod = envHeavyPod("largest", LARGEST_POD_BYTES);
        assertInjected(pod, post(review("largest", pod)));
    }

    @Test
    @Order(2)
    void fourLargestPodsAtOnceAreAllInjected() throws Exception {
        List<ObjectNode> pods = new ArrayList<>();
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ObjectNode pod = envHeavyPod("four-" + i, LARGEST_POD_BYTES);
            pods.add(pod);
            answers.add(postAsync(review("four-" + i, pod)));
        }
        for (int i = 0; i < 4; i++) {
            assertInjected(pods.get(i), answers.get(i).get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    @Order(3)
    void twoHundredFiftyPodsWithLargeAnnotations() throws Exception {
        for (int i = 0; i < 250; i++) {
            // every value differs, half under a key a render reads: nothing may pile up in a cache
            String key = i % 2 == 0 ? "sidecar.istio.io/note" : "example.com/blob";
            ObjectNode pod = annotated(smallPod("annotated-" + i), key, (i + "-").repeat(250 * 1024 / 5));
            Answer answer = post(review("annotated-" + i, pod));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body().at("/response/allowed").asBoolean()).as("pod %d", i).isTrue();
            assertThat(answer.bytes()).isLessThanOrEqualTo(answer.reviewBytes() + MAX_GROWTH);
        }
    }

    @Test
    @Order(4)
    void largePortListsAreAnsweredWithinTheSizeRule() throws Exception {
        StringBuilder ports = new StringBuilder();
        for (int port = 1; ports.length() < 100 * 1024; port++) {
            ports.append(port).append(',');
        }
        for (int i = 0; i < 30; i++) {
            ObjectNode pod = annotated(smallPod("ports-" + i), "traffic.sidecar.istio.io/excludeOutboundPorts",
                    ports + Integer.toString(60_000 + i));
            Answer answer = post(review("ports-" + i, pod));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.bytes()).isLessThanOrEqualTo(answer.reviewBytes() + MAX_GROWTH);
        }
    }

    @Test
    @Order(5)
    void podsWithThousandsOfContainersGetASmallPatchQuickly() throws Exception {
        for (String list : List.of("containers", "initContainers")) {
            ObjectNode pod = smallPod("many-" + list.toLowerCase());
            ArrayNode containers = (ArrayNode) pod.at("/spec").withArray(list);
            for (int i = 0; i < 2_500; i++) {
                containers.addObject().put("name", "c" + i).put("image", "app:1");
            }
            Answer answer = post(review("many-" + list, pod));
            assertInjected(pod, answer);
            assertThat(answer.bytes()).isLessThan(64 * 1024);
        }
    }

    @Test
    @Order(6)
    void valuesThatEscapeHeavilyDoNotAmplifyTheAnswer() throws Exception {
        String escaped = "\"\\\u0001</>&'\u2028".repeat(20_000);
        ObjectNode pod = annotated(smallPod("escapes"), "sidecar.istio.io/note", escaped);
        annotated(pod, "example.com/other", escaped);
        ((ObjectNode) pod.at("/spec/containers/0")).putArray("args").add(escaped);
        Answer answer = post(review("escapes", pod));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.bytes()).isLessThanOrEqualTo(answer.reviewBytes() + MAX_GROWTH);
    }

    @Test
    @Order(7)
    void quantitiesAtAndBeyondTheLimitAreAnsweredNotCrashedOn() throws Exception {
        Answer exa = post(review("exa", annotated(smallPod("exa"), "sidecar.istio.io/proxyMemoryLimit", "1Ei")));
        assertThat(exa.status()).isEqualTo(200);
        assertThat(exa.body().at("/response/allowed").asBoolean()).isTrue();
        for (String value : List.of("8Ei", "1e19", "99999999999999999999999", "1e999999", "-1", "1..5Gi")) {
            for (String key : List.of("sidecar.istio.io/proxyMemoryLimit", "sidecar.istio.io/proxyCPU",
                    "traffic.sidecar.istio.io/includeInboundPorts", "sidecar.istio.io/nativeSidecar")) {
                Answer answer = post(review("q", annotated(smallPod("q"), key, value)));
                assertThat(answer.status()).as("%s=%s", key, value).isEqualTo(200);
                assertThat(answer.body().at("/response/allowed").asBoolean()).as("%s=%s", key, value).isFalse();
                assertThat(answer.body().at("/response/status/code").asInt()).isEqualTo(400);
                assertThat(answer.body().at("/response/status/message").asString()).contains(key);
            }
        }
    }

    @Test
    @Order(8)
    void stalledUploadsCannotPinTheHeapOrStarveReviewsForever() throws Exception {
        List<SSLSocket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                SSLSocket socket = handshaken();
                OutputStream out = socket.getOutputStream();
                int length = 3 * 1024 * 1024;
                out.write(("POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[length - 1024]);
                out.flush();
                stalled.add(socket);
            }
            // while they stall: an answer (a review, or 429 once the budget's wait is over), never a crash
            Answer during = post(review("during-stall", smallPod("during-stall")));
            assertThat(during.status()).isIn(200, 429);
            if (during.status() == 429) {
                assertThat(during.text()).contains("busy");
            }
            // the stalled bodies' deadline frees their bytes: reviews go through again
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Answer after;
            do {
                after = post(review("after-stall", smallPod("after-stall")));
            } while (after.status() == 429 && System.nanoTime() < deadline);
            assertThat(after.status()).isEqualTo(200);
        } finally {
            for (SSLSocket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    @Order(9)
    void floodsOfIdleConnectionsDoNotLockOutNewCallers() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 600; i++) {
                idle.add(handshaken());
            }
            for (int i = 0; i < 2_000; i++) {
                idle.add(new Socket("localhost", agent.port())); // never shakes hands
            }
            HttpClient fresh = agent.client();
            HttpResponse<String> review = fresh.send(HttpRequest.newBuilder(agent.uri("/inject"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(review("after-flood", smallPod("after-flood"))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(review.statusCode()).isEqualTo(200);
            String metrics = fresh.send(HttpRequest.newBuilder(agent.uri("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).as("idle connections were closed to stay under the cap")
                    .containsPattern("kubectl_sidecar_connections_evicted_total [1-9]");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    /** A TLS connection to the agent, handshake done, nothing sent. */
    private static SSLSocket handshaken() throws IOException {
        SSLSocket socket = (SSLSocket) agent.tls().getSocketFactory().createSocket("localhost", agent.port());
        socket.startHandshake();
        return socket;
    }

    private static void assertInjected(ObjectNode pod, Answer answer) {
        assertThat(answer.status()).as(answer.text().length() > 300 ? answer.text().substring(0, 300) : answer.text())
                .isEqualTo(200);
        JsonNode response = answer.body().path("response");
        assertThat(response.path("allowed").asBoolean()).as(response.path("status").toString()).isTrue();
        assertThat(answer.bytes()).isLessThanOrEqualTo(answer.reviewBytes() + MAX_GROWTH);
        JsonNode patch = JsonMappers.JSON.readTree(Base64.getDecoder().decode(response.path("patch").asString()));
        JsonNode patched = JsonPatches.apply(patch, pod);
        List<String> names = new ArrayList<>();
        patched.at("/spec/containers").forEach(c -> names.add(c.path("name").asString()));
        patched.at("/spec/initContainers").forEach(c -> names.add(c.path("name").asString()));
        assertThat(names).contains("istio-proxy", "istio-init");
    }

    private record Answer(int status, String text, long reviewBytes) {
        long bytes() {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }

        JsonNode body() {
            return JsonMappers.JSON.readTree(text);
        }
    }

    private static Answer post(byte[] review) throws Exception {
        return postAsync(review).get(60, TimeUnit.SECONDS);
    }

    private static CompletableFuture<Answer> postAsync(byte[] review) {
        HttpRequest request = HttpRequest.newBuilder(agent.uri("/inject?timeout=10s"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(review)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    assertThat(response.statusCode()).as("never a 5xx: %s", response.body()).isLessThan(500);
                    return new Answer(response.statusCode(), response.body(), review.length);
                });
    }

    private static byte[] review(String uid, ObjectNode pod) {
        ObjectNode review = Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", uid).put("operation", "CREATE")
                .put("namespace", "shop");
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.set("object", pod);
        return JsonMappers.JSON.writeValueAsBytes(review);
    }

    private static ObjectNode smallPod(String name) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "shop")
                .putObject("annotations").put("sidecar.istio.io/inject", "true");
        ObjectNode container = pod.putObject("spec").putArray("containers").addObject().put("name", "app")
                .put("image", "ghcr.io/example/app:1");
        container.putArray("ports").addObject().put("containerPort", 8080);
        return pod;
    }

    /** A pod of about {@code bytes} as JSON: one container with as many tiny env entries as fit (the most nodes). */
    private static ObjectNode envHeavyPod(String name, int bytes) {
        ObjectNode pod = smallPod(name);
        ArrayNode env = ((ObjectNode) pod.at("/spec/containers/0")).putArray("env");
        int entries = (bytes - 400) / 14;
        for (int i = 0; i < entries; i++) {
            env.addObject().put("name", Integer.toString(i, 36));
        }
        return pod;
    }

    private static ObjectNode annotated(ObjectNode pod, String key, String value) {
        ((ObjectNode) pod.at("/metadata/annotations")).put(key, value);
        return pod;
    }

    /** Polls {@code /healthz} every 100 ms on its own connection, keeping the slowest answer and the failures. */
    private static final class HealthWatch implements AutoCloseable {
        private final Thread thread;
        private final AtomicLong slowestNanos = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private volatile boolean running = true;

        HealthWatch(HttpClient client, java.net.URI uri) {
            thread = new Thread(() -> {
                while (running) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                    slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "healthz-watch");
            thread.setDaemon(true);
            thread.start();
        }

        Duration slowest() {
            return Duration.ofNanos(slowestNanos.get());
        }

        long failures() {
            return failures.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
