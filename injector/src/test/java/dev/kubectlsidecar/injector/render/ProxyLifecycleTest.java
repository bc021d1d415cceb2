package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.InvalidConfigException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** How the injected proxy starts, stops and finishes, per mode and profile, and what the pod may change of it. */
class ProxyLifecycleTest {
    private static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault());
    private static final String EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";

    private static ObjectNode pod(String... annotations) {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree(
                "metadata: {name: web}\nspec: {containers: [{name: web, image: web:1}]}\n");
        ObjectNode map = ((ObjectNode) pod.get("metadata")).putObject("annotations");
        for (int i = 0; i < annotations.length; i += 2) {
            map.put(annotations[i], annotations[i + 1]);
        }
        return pod;
    }

    private static PodInjection inject(ObjectNode pod) {
        return ENGINE.inject(pod, PodRequest.offline("shop"));
    }

    private static JsonNode proxy(PodInjection result) {
        return result.parts().proxyContainer();
    }

    private static List<String> args(JsonNode proxy) {
        List<String> out = new ArrayList<>();
        proxy.path("args").forEach(a -> out.add(a.asString()));
        return out;
    }

    @Test
    void nativeSidecarIsGatedByAStartupProbeAndDrainsInPreStop() {
        JsonNode proxy = proxy(inject(pod("sidecar.istio.io/nativeSidecar", "true")));
        assertThat(proxy.at("/startupProbe/httpGet/path").asString()).isEqualTo("/healthz/ready");
        assertThat(proxy.at("/startupProbe/httpGet/port").asInt()).isEqualTo(15021);
        assertThat(proxy.at("/startupProbe/periodSeconds").asInt()).isEqualTo(1);
        assertThat(proxy.at("/startupProbe/failureThreshold").asInt()).isEqualTo(600);
        assertThat(proxy.at("/lifecycle/postStart").isMissingNode()).as("the probe gates the app, not a hook").isTrue();
        assertThat(proxy.at("/lifecycle/preStop/exec/command/2").asString()).contains("/drain_listeners", "/quitquitquit");
    }

    @Test
    void classicSidecarHoldsTheAppByDefaultAndCanBeToldNotTo() {
        PodInjection held = inject(pod());
        assertThat(held.pod().at("/spec/containers/0/name").asString()).isEqualTo("istio-proxy");
        assertThat(proxy(held).at("/lifecycle/postStart/exec/command/2").asString()).contains("GET /ready", "60");
        assertThat(proxy(held).has("startupProbe")).isFalse();

        PodInjection free = inject(pod("proxy.istio.io/config", "{\"holdApplicationUntilProxyStarts\": false}"));
        assertThat(free.pod().at("/spec/containers/1/name").asString()).isEqualTo("istio-proxy");
        assertThat(proxy(free).at("/lifecycle/postStart").isMissingNode()).isTrue();
        assertThat(proxy(free).at("/lifecycle/preStop").isMissingNode()).as("still drains").isFalse();
        assertThat(free.parts().templateHash()).isNotEqualTo(held.parts().templateHash());
        assertThat(ENGINE.uninject((ObjectNode) held.pod())).isEqualTo(pod());
    }

    @Test
    void theConfigTurnsTheHoldOffAndSetsItsTimeoutAndTheDrain() {
        InjectionEngine engine = new InjectionEngine(config("""
                proxyLifecycle: {holdApplicationUntilProxyStarts: false, holdTimeoutSeconds: 9, terminationDrainDuration: 1m30s, maxConcurrency: 4}
                """));
        PodInjection result = engine.inject(pod(), PodRequest.offline("shop"));
        assertThat(result.pod().at("/spec/containers/0/name").asString()).isEqualTo("web");
        assertThat(args(proxy(result))).containsSequence("--drain-time-s", "90")
                .as("no CPU limit in this profile: the config's cap").containsSequence("--concurrency", "4");
        PodInjection held = engine.inject(pod("proxy.istio.io/config", "holdApplicationUntilProxyStarts: true"),
                PodRequest.offline("shop"));
        assertThat(proxy(held).at("/lifecycle/postStart/exec/command/2").asString()).contains("after 9 s");
    }

    @ParameterizedTest
    @CsvSource({"100m, 1", "1, 1", "1500m, 2", "2, 2", "64, 2", "'', 2"})
    void concurrencyIsTheCpuLimitRoundedUpAndCapped(String cpuLimit, String expected) {
        ObjectNode pod = cpuLimit.isEmpty() ? pod() : pod("sidecar.istio.io/proxyCPULimit", cpuLimit,
                "sidecar.istio.io/proxyCPU", "10m");
        assertThat(args(proxy(inject(pod)))).containsSequence("--concurrency", expected);
    }

    @Test
    void aPodSetsItsOwnConcurrencyAndDrainWithIstiosKeys() {
        PodInjection result = inject(pod("proxy.istio.io/config", "concurrency: 3\nterminationDrainDuration: 20s\n"));
        assertThat(args(proxy(result))).containsSequence("--concurrency", "3").containsSequence("--drain-time-s", "20")
                .containsSequence("--drain-strategy", "immediate");
        assertThat(proxy(result).at("/lifecycle/preStop/exec/command/2").asString()).contains("SECONDS + 20");
        assertThat(result.warnings()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"5s, 5", "1.5s, 2", "1m30s, 90", "500ms, 1", "1h, 3600", "0s, 0", "2m0.5s, 121"})
    void drainDurationsAreReadAsIstioAndGoWriteThemRoundedUpToSeconds(String duration, String seconds) {
        assertThat(args(proxy(inject(pod("proxy.istio.io/config", "terminationDrainDuration: " + duration)))))
                .containsSequence("--drain-time-s", seconds);
    }

    @Test
    void otherProxyConfigFieldsAreIgnoredWithAWarningNamingThem() {
        PodInjection result = inject(pod("proxy.istio.io/config",
                "{\"concurrency\": 1, \"discoveryAddress\": \"evil:15012\", \"proxyMetadata\": {\"A\": \"b\"}}"));
        assertThat(args(proxy(result))).containsSequence("--concurrency", "1");
        assertThat(result.warnings()).hasSize(2).allMatch(w -> w.startsWith("annotation proxy.istio.io/config: field "))
                .anyMatch(w -> w.contains("discoveryAddress")).anyMatch(w -> w.contains("proxyMetadata"));
    }

    @Test
    void istiosConcurrencyZeroFallsBackToTheCpuLimitWithAWarning() {
        PodInjection result = inject(pod("proxy.istio.io/config", "concurrency: 0"));
        assertThat(args(proxy(result))).containsSequence("--concurrency", "2");
        assertThat(result.warnings()).singleElement().asString().contains("concurrency 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"concurrency: 65", "concurrency: -1", "concurrency: two", "terminationDrainDuration: 5",
            "terminationDrainDuration: 2h", "terminationDrainDuration: 5 s", "terminationDrainDuration: 3601s",
            "terminationDrainDuration: s", "terminationDrainDuration: 1.s", "terminationDrainDuration: -5s", "holdApplicationUntilProxyStarts: maybe",
            "[1, 2]", "{unclosed", "just a string"})
    void aBadProxyConfigIsRefusedNamingTheAnnotation(String value) {
        assertThatThrownBy(() -> inject(pod("proxy.istio.io/config", value)))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining("proxy.istio.io/config")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aMultiLineBadValueStaysOnOneLine() {
        assertThatThrownBy(() -> inject(pod("proxy.istio.io/config", "concurrency: 99\nfoo: |\n  x\u001b[31m")))
                .hasMessageContaining("concurrency: 99\\nfoo")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u001b"));
    }

    @Test
    void runToCompletionPodsWithAClassicSidecarAreWarned() {
        for (String policy : List.of("Never", "OnFailure")) {
            ObjectNode job = pod();
            ((ObjectNode) job.get("spec")).put("restartPolicy", policy);
            assertThat(inject(job).warnings()).containsExactly("the proxy keeps this pod running after its job ends: "
                    + "use native sidecars (Kubernetes ≥ 1.29) or POST 127.0.0.1:15000/quitquitquit when done");
            ObjectNode nativeJob = job.deepCopy();
            ((ObjectNode) nativeJob.get("metadata").get("annotations")).put("sidecar.istio.io/nativeSidecar", "true");
            assertThat(inject(nativeJob).warnings()).isEmpty();
        }
        assertThat(inject(pod()).warnings()).as("restartPolicy Always").isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"5, true", "6, false", "0, true", "30, false"})
    void aGracePeriodWithoutRoomForTheDrainIsWarned(int grace, boolean warned) {
        ObjectNode pod = pod();
        ((ObjectNode) pod.get("spec")).put("terminationGracePeriodSeconds", grace);
        List<String> warnings = inject(pod).warnings();
        if (warned) {
            assertThat(warnings).singleElement().asString().startsWith("terminationGracePeriodSeconds " + grace
                    + " leaves the proxy no time to drain for 5 s");
        } else {
            assertThat(warnings).isEmpty();
        }
    }

    @Test
    void theSidecarsEmptyDirsAreNamedForTheAutoscalerAndTheOriginalValueComesBack() {
        PodInjection plain = inject(pod());
        assertThat(plain.pod().at("/metadata/annotations").get(EVICT).asString()).isEqualTo("istio-envoy");
        assertThat(ENGINE.uninject((ObjectNode) plain.pod())).isEqualTo(pod());

        ObjectNode own = pod(EVICT, "scratch, cache");
        PodInjection merged = inject(own);
        assertThat(merged.pod().at("/metadata/annotations").get(EVICT).asString()).isEqualTo("scratch, cache,istio-envoy");
        assertThat(ENGINE.uninject((ObjectNode) merged.pod())).isEqualTo(own);
        assertThat(inject((ObjectNode) merged.pod()).pod()).as("reinjection is stable").isEqualTo(merged.pod());

        ObjectNode already = pod(EVICT, "istio-envoy");
        assertThat(inject(already).pod().at("/metadata/annotations").get(EVICT).asString()).isEqualTo("istio-envoy");
        assertThat(ENGINE.uninject((ObjectNode) inject(already).pod())).isEqualTo(already);
    }

    @Test
    void istioProfileUsesPilotAgentsOwnCommands() {
        JsonNode classic = proxy(inject(pod("kubectl-sidecar/profile", "istio")));
        assertThat(classic.at("/lifecycle/postStart/exec/command").toString()).isEqualTo("[\"pilot-agent\",\"wait\"]");
        assertThat(classic.at("/lifecycle/preStop").isMissingNode()).as("pilot-agent drains on SIGTERM").isTrue();
        assertThat(classic.at("/startupProbe/periodSeconds").asInt()).as("Istio's template gives a classic proxy one too")
                .isEqualTo(1);
        assertThat(args(classic)).containsSequence("--log_output_level=default:info", "--concurrency", "2");

        JsonNode nativeProxy = proxy(inject(pod("kubectl-sidecar/profile", "istio", "sidecar.istio.io/nativeSidecar", "true")));
        assertThat(nativeProxy.at("/lifecycle/preStop/exec/command").toString())
                .isEqualTo("[\"pilot-agent\",\"request\",\"--debug-port=15020\",\"POST\",\"drain\"]");
        assertThat(nativeProxy.at("/startupProbe/failureThreshold").asInt()).isEqualTo(600);

        JsonNode drained = proxy(inject(pod("kubectl-sidecar/profile", "istio",
                "proxy.istio.io/config", "terminationDrainDuration: 30s")));
        assertThat(drained.path("env").toString()).contains("{\"name\":\"PROXY_CONFIG\",\"value\":\"{\\\"terminationDrainDuration\\\":\\\"30s\\\"}\\n\"}");
        assertThat(classic.path("env").toString()).as("Istio's template always sets it, empty by default")
                .contains("{\"name\":\"PROXY_CONFIG\",\"value\":\"{}\\n\"}");
    }

    /** The API server makes the template's sourceless volumes emptyDirs: the autoscaler must be told of them too. */
    @Test
    void istioProfileNamesItsEmptyDirsSourcelessOnesIncludedAndGivesTheOriginalBack() {
        assertThat(inject(pod("kubectl-sidecar/profile", "istio")).pod().at("/metadata/annotations").get(EVICT).asString())
                .isEqualTo("workload-socket,credential-socket,workload-certs,istio-envoy,istio-data");
        ObjectNode own = pod("kubectl-sidecar/profile", "istio", EVICT, "scratch");
        PodInjection merged = inject(own);
        assertThat(merged.pod().at("/metadata/annotations").get(EVICT).asString())
                .isEqualTo("scratch,workload-socket,credential-socket,workload-certs,istio-envoy,istio-data");
        assertThat(ENGINE.uninject((ObjectNode) merged.pod())).isEqualTo(own);
        assertThat(inject((ObjectNode) merged.pod()).pod()).as("reinjection is stable").isEqualTo(merged.pod());
        ObjectNode blank = pod("kubectl-sidecar/profile", "istio", EVICT, "");
        assertThat(ENGINE.uninject((ObjectNode) inject(blank).pod())).isEqualTo(blank);
    }

    @Test
    void badLifecycleConfigIsAnErrorNamingTheField() {
        assertThatThrownBy(() -> config("proxyLifecycle: {terminationDrainDuration: forever}"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("proxyLifecycle.terminationDrainDuration");
        assertThatThrownBy(() -> config("proxyLifecycle: {maxConcurrency: 0}"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("proxyLifecycle.maxConcurrency");
        assertThatThrownBy(() -> config("proxyLifecycle: {holdTimeoutSeconds: 3601}"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("proxyLifecycle.holdTimeoutSeconds");
        assertThatThrownBy(() -> config("proxyLifecycle: {drain: 5s}"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("drain");
    }

    private static InjectionConfig config(String lifecycle) {
        return ConfigLoader.parse("test.yaml", lifecycle.strip() + "\n" + """
                defaultProfile: envoy
                profiles:
                  envoy: {proxyImage: "envoy:1", initImage: "init:1"}
                """);
    }
}
