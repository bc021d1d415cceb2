package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.traffic.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code envoy} profile's hooks, exactly as injected, run under bash (the shell of Envoy's image, see
 * {@link ProxyHooks}) in a pod-like network namespace against {@link EnvoyAdminStandIn} on 127.0.0.1:15000: the
 * {@code postStart} hook blocks until Envoy is ready and fails after its timeout; the {@code preStop} hook drains
 * the inbound listeners, waits for the connections to go (at most the drain period), then quits Envoy. Needs root,
 * {@code ip} and {@code bash}; skips with the reason otherwise.
 */
class ProxyHooksShellTest {
    private static final String APP = "metadata: {name: web}\nspec: {containers: [{name: web, image: web:1}]}\n";
    private static InjectionEngine engine;

    @TempDir
    Path dir;
    private NetworkNamespace pod;
    private Process standIn;
    private Path log;

    @BeforeAll
    static void engineWithShortTimeouts() throws IOException {
        Optional<String> unavailable = NetworkNamespace.unavailableReason("bash");
        Assumptions.assumeTrue(unavailable.isEmpty(), () -> "hook shell tests skipped: " + unavailable.orElseThrow());
        String config;
        try (InputStream in = ConfigLoader.class.getResourceAsStream("default-config.yaml")) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String shortened = config.replace("holdTimeoutSeconds: 60", "holdTimeoutSeconds: 3")
                .replace("terminationDrainDuration: 5s", "terminationDrainDuration: 3s");
        assertThat(shortened).as("the default config names both settings").isNotEqualTo(config)
                .contains("holdTimeoutSeconds: 3", "terminationDrainDuration: 3s");
        engine = new InjectionEngine(ConfigLoader.parse("test config", shortened));
    }

    @BeforeEach
    void createPodNetwork() {
        pod = NetworkNamespace.create();
    }

    @AfterEach
    void cleanUp() {
        if (standIn != null) {
            standIn.destroyForcibly();
        }
        pod.close();
    }

    @Test
    void postStartReturnsOnlyOnceEnvoyIsReady() throws Exception {
        startEnvoy(1500, 0, 0);
        NetworkNamespace.Result hook = run(classicProxy().at("/lifecycle/postStart/exec/command"));
        assertThat(hook.exitCode()).as(hook.stderr()).isZero();
        List<String> readiness = requests().stream().filter(r -> r.contains("/ready")).toList();
        assertThat(readiness).as("polled while not ready").first().asString().endsWith("GET /ready 503");
        assertThat(readiness).as("stopped polling once ready").last().asString().endsWith("GET /ready 200");
        assertThat(readiness.stream().filter(r -> r.endsWith("200"))).hasSize(1);
    }

    @Test
    void postStartFailsVisiblyWhenEnvoyIsNeverReady() throws Exception {
        startEnvoy(-1, 0, 0);
        long start = System.nanoTime();
        NetworkNamespace.Result hook = run(classicProxy().at("/lifecycle/postStart/exec/command"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(hook.exitCode()).isEqualTo(1);
        assertThat(hook.stderr()).contains("istio-proxy: Envoy not ready after 3 s");
        assertThat(took).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(20));
        assertThat(requests()).allMatch(r -> r.endsWith("GET /ready 503"));
    }

    @Test
    void postStartFailsWhenNothingListensAtAll() {
        NetworkNamespace.Result hook = run(classicProxy().at("/lifecycle/postStart/exec/command"));
        assertThat(hook.exitCode()).isEqualTo(1);
        assertThat(hook.stderr()).contains("Envoy not ready after 3 s");
    }

    @Test
    void preStopDrainsInboundWaitsForTheConnectionsThenQuits() throws Exception {
        startEnvoy(0, 2, 300);
        NetworkNamespace.Result hook = run(classicProxy().at("/lifecycle/preStop/exec/command"));
        assertThat(hook.exitCode()).as(hook.stderr()).isZero();
        List<String> requests = requests();
        assertThat(requests.get(0)).endsWith("POST /drain_listeners?inboundonly&graceful 200");
        assertThat(requests.get(requests.size() - 1)).endsWith("POST /quitquitquit 200");
        assertThat(requests.subList(1, requests.size() - 1))
                .as("polls the connections until none is left").isNotEmpty()
                .allMatch(r -> r.endsWith("GET /stats?filter=server.total_connections 200"));
        assertThat(millis(requests.get(requests.size() - 1)) - millis(requests.get(0)))
                .as("quits once the connections are gone, before the 3 s drain period could end").isBetween(300L, 1999L);
        assertThat(standIn.waitFor(10, TimeUnit.SECONDS)).as("Envoy quit").isTrue();
    }

    @Test
    void preStopQuitsAfterTheDrainPeriodWhenConnectionsRemain() throws Exception {
        startEnvoy(0, 1, -1);
        NetworkNamespace.Result hook = run(nativeProxy().at("/lifecycle/preStop/exec/command"));
        assertThat(hook.exitCode()).as(hook.stderr()).isZero();
        List<String> requests = requests();
        assertThat(requests.get(0)).endsWith("POST /drain_listeners?inboundonly&graceful 200");
        assertThat(requests.get(requests.size() - 1)).endsWith("POST /quitquitquit 200");
        assertThat(millis(requests.get(requests.size() - 1)) - millis(requests.get(0)))
                .as("the 3 s drain period (bash counts whole seconds: at most one early), then quit")
                .isBetween(2000L, 6000L);
    }

    @Test
    void preStopEndsAtOnceWhenEnvoyIsGone() {
        long start = System.nanoTime();
        NetworkNamespace.Result hook = run(classicProxy().at("/lifecycle/preStop/exec/command"));
        assertThat(hook.exitCode()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void theHooksUseOnlyBashAndCoreutilsAsEnvoysImageHasThem() {
        for (JsonNode command : List.of(classicProxy().at("/lifecycle/postStart/exec/command"),
                classicProxy().at("/lifecycle/preStop/exec/command"), nativeProxy().at("/lifecycle/preStop/exec/command"))) {
            assertThat(command.get(0).asString()).isEqualTo("bash");
            assertThat(command.get(1).asString()).isEqualTo("-c");
            assertThat(command.get(2).asString()).doesNotContain("curl", "wget", "nc ", "python", "perl");
        }
    }

    private static JsonNode classicProxy() {
        JsonNode proxy = engine.inject(pod(APP), PodRequest.offline("shop")).pod().at("/spec/containers/0");
        assertThat(proxy.path("name").asString()).isEqualTo("istio-proxy");
        return proxy;
    }

    private static JsonNode nativeProxy() {
        ObjectNode pod = pod(APP);
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put("sidecar.istio.io/nativeSidecar", "true");
        JsonNode proxy = engine.inject(pod, PodRequest.offline("shop")).pod().at("/spec/initContainers/1");
        assertThat(proxy.path("name").asString()).isEqualTo("istio-proxy");
        return proxy;
    }

    private static ObjectNode pod(String yaml) {
        return (ObjectNode) JsonMappers.YAML.readTree(yaml);
    }

    private NetworkNamespace.Result run(JsonNode command) {
        List<String> parts = new ArrayList<>();
        command.forEach(part -> parts.add(part.asString()));
        assertThat(parts).isNotEmpty();
        return pod.exec(Map.of(), parts);
    }

    private void startEnvoy(long readyAfterMillis, int connections, long connectionsForMillis) throws Exception {
        log = dir.resolve("admin.log");
        String classes = Path.of(EnvoyAdminStandIn.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        standIn = pod.start(List.of(java, "-cp", classes, EnvoyAdminStandIn.class.getName(), "15000",
                Long.toString(readyAfterMillis), Integer.toString(connections), Long.toString(connectionsForMillis),
                log.toString()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(log) || !Files.readString(log).startsWith("listening")) {
            assertThat(standIn.isAlive()).as("the stand-in runs: " + new String(standIn.getInputStream().readNBytes(
                    standIn.getInputStream().available()), StandardCharsets.UTF_8)).isTrue();
            assertThat(System.nanoTime()).as("the stand-in listens within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The requests the stand-in served, in order. */
    private List<String> requests() throws IOException {
        return Files.readAllLines(log).stream().filter(line -> !line.equals("listening")).toList();
    }

    private static long millis(String request) {
        return Long.parseLong(request.substring(0, request.indexOf(' ')));
    }
}
