package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class InjectionEngineTest {
    private final InjectionEngine engine = new InjectionEngine(ConfigLoader.embeddedDefault());

    private static ObjectNode pod(String yaml) {
        return (ObjectNode) JsonMappers.YAML.readTree(yaml);
    }

    private static final String APP = """
            metadata:
              name: web
            spec:
              initContainers:
              - name: migrate
                image: migrate:1
              containers:
              - name: web
                image: web:1
              - name: exporter
                image: exporter:1
            """;

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(container -> names.add(container.path("name").asString()));
        return names;
    }

    private static ObjectNode annotated(String... keysAndValues) {
        ObjectNode pod = pod(APP);
        ObjectNode annotations = ((ObjectNode) pod.get("metadata")).putObject("annotations");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            annotations.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return pod;
    }

    @Test
    void podsThatAgreeOnTheAnnotationsARenderReadsShareOneRenderWhateverElseTheyCarry() {
        String ports = "traffic.sidecar.istio.io/excludeOutboundPorts";
        SidecarParts first = engine.inject(annotated(ports, "9090", "checksum/config", "a1"), PodRequest.offline("shop")).parts();
        SidecarParts second = engine.inject(annotated(ports, "9090", "checksum/config", "b2", "team", "x"),
                PodRequest.offline("shop")).parts();
        SidecarParts otherPorts = engine.inject(annotated(ports, "9091", "checksum/config", "a1"), PodRequest.offline("shop")).parts();
        SidecarParts otherCpu = engine.inject(annotated(ports, "9090", "sidecar.istio.io/proxyCPU", "200m"),
                PodRequest.offline("shop")).parts();
        SidecarParts rerouted = engine.inject(annotated(ports, "9090", "istio.io/reroute-virtual-interfaces", "veth0"),
                PodRequest.offline("shop")).parts();

        assertThat(second).isSameAs(first);
        assertThat(otherPorts.initContainer()).isNotEqualTo(first.initContainer());
        assertThat(otherCpu.proxyContainer()).isNotEqualTo(first.proxyContainer());
        assertThat(rerouted.initContainer()).isNotEqualTo(first.initContainer());
    }

    @Test
    void classicLayoutAppendsInitAndPutsTheHoldingProxyFirst() {
        PodInjection result = engine.inject(pod(APP), PodRequest.offline("shop"));
        JsonNode spec = result.pod().get("spec");
        assertThat(names(spec.get("initContainers"))).containsExactly("migrate", "istio-init");
        assertThat(names(spec.get("containers"))).containsExactly("istio-proxy", "web", "exporter");
        assertThat(names(engine.inject(annotated("proxy.istio.io/config", "holdApplicationUntilProxyStarts: false"),
                PodRequest.offline("shop")).pod().at("/spec/containers")))
                .as("without the hold the proxy is appended").containsExactly("web", "exporter", "istio-proxy");
        assertThat(names(spec.get("volumes"))).containsExactly("istio-envoy");
        assertThat(result.pod().at("/metadata/annotations/kubectl.kubernetes.io~1default-container").asString())
                .isEqualTo("web");
        JsonNode record = JsonMappers.JSON.readTree(result.pod().at("/metadata/annotations/sidecar.istio.io~1status").asString());
        assertThat(record.get("initContainers").get(0).asString()).isEqualTo("istio-init");
        assertThat(record.get("containers").get(0).asString()).isEqualTo("istio-proxy");
        assertThat(record.get("revision").asString()).isEqualTo("default");
        assertThat(record.has("imagePullSecrets")).isTrue();
    }

    @Test
    void nativeSidecarPutsTheProxyRightAfterIstioInitAsAnAlwaysRestartingInitContainer() {
        PodRequest request = new PodRequest(NamespaceInfo.unlabelled("shop"), NativeSidecarMode.TRUE, KubeVersion.UNKNOWN);
        JsonNode spec = engine.inject(pod(APP), request).pod().get("spec");
        assertThat(names(spec.get("initContainers"))).containsExactly("istio-init", "istio-proxy", "migrate");
        assertThat(spec.get("initContainers").get(1).path("restartPolicy").asString()).isEqualTo("Always");
        assertThat(names(spec.get("containers"))).containsExactly("web", "exporter");
    }

    @ParameterizedTest
    @CsvSource({"AUTO, unknown, false", "AUTO, 1.29, true", "AUTO, 2.0, true", "AUTO, 1.28, false",
            "TRUE, 1.28, true", "TRUE, unknown, true", "FALSE, 1.31, false"})
    void nativeModeFollowsTheFlagAndTheKubernetesVersion(NativeSidecarMode mode, String version, boolean expected) {
        KubeVersion kube = version.equals("unknown") ? KubeVersion.UNKNOWN : KubeVersion.parse(version);
        PodRequest request = new PodRequest(NamespaceInfo.unlabelled("shop"), mode, kube);
        assertThat(engine.inject(pod(APP), request).parts().nativeSidecar()).isEqualTo(expected);
    }

    @Test
    void thePodsAnnotationWinsOverTheFlag() {
        ObjectNode pod = pod(APP);
        Json.objectAt((ObjectNode) pod.get("metadata"), "annotations").put("sidecar.istio.io/nativeSidecar", "false");
        PodRequest request = new PodRequest(NamespaceInfo.unlabelled("shop"), NativeSidecarMode.TRUE, KubeVersion.of(1, 30));
        assertThat(engine.inject(pod, request).parts().nativeSidecar()).isFalse();
    }

    @Test
    void initContainerIsLockedDownAndHasAnExplicitCommand() {
        JsonNode init = engine.inject(pod(APP), PodRequest.offline("shop")).parts().initContainer();
        assertThat(init.get("command").get(0).asString()).isEqualTo("sh");
        JsonNode security = init.get("securityContext");
        assertThat(security.at("/capabilities/add").toString()).isEqualTo("[\"NET_ADMIN\",\"NET_RAW\"]");
        assertThat(security.at("/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(security.get("runAsUser").asInt()).isZero();
        assertThat(security.get("runAsNonRoot").asBoolean()).isFalse();
        assertThat(security.get("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(security.get("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(init.get("terminationMessagePath").asString()).isEqualTo("/dev/termination-log");
    }

    @Test
    void proxyRunsAsTheProxyUserWithNothingElse() {
        JsonNode proxy = engine.inject(pod(APP), PodRequest.offline("shop")).parts().proxyContainer();
        JsonNode security = proxy.get("securityContext");
        assertThat(security.get("runAsUser").asLong()).isEqualTo(1337);
        assertThat(security.get("runAsGroup").asLong()).isEqualTo(1337);
        assertThat(security.get("runAsNonRoot").asBoolean()).isTrue();
        assertThat(security.at("/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(security.at("/capabilities/add").isMissingNode()).isTrue();
    }

    @Test
    void resourceAnnotationsAreHonoured() {
        ObjectNode pod = pod(APP);
        ObjectNode annotations = Json.objectAt((ObjectNode) pod.get("metadata"), "annotations");
        annotations.put("sidecar.istio.io/proxyCPU", "50m").put("sidecar.istio.io/proxyMemory", "64Mi")
                .put("sidecar.istio.io/proxyCPULimit", "1").put("sidecar.istio.io/proxyMemoryLimit", "256Mi");
        JsonNode resources = engine.inject(pod, PodRequest.offline("shop")).parts().proxyContainer().get("resources");
        assertThat(resources.toString())
                .isEqualTo("{\"limits\":{\"cpu\":\"1\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"50m\",\"memory\":\"64Mi\"}}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sidecar.istio.io/proxyCPU|lots",
            "sidecar.istio.io/proxyMemory|-1Gi",
            "sidecar.istio.io/proxyCPULimit|1 cpu",
            "sidecar.istio.io/proxyMemoryLimit|1GB",
            "sidecar.istio.io/nativeSidecar|yes",
            "kubectl-sidecar/profile|nope"})
    void invalidValuesNameTheAnnotationAndTheValue(String key, String value) {
        ObjectNode pod = pod(APP);
        Json.objectAt((ObjectNode) pod.get("metadata"), "annotations").put(key, value);
        assertThatThrownBy(() -> engine.inject(pod, PodRequest.offline("shop")))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("\"" + value + "\"");
    }

    @Test
    void anAnnotationNeverChoosesTheImageUnlessTheConfigAllowsIt() {
        ObjectNode pod = pod(APP);
        Json.objectAt((ObjectNode) pod.get("metadata"), "annotations").put("sidecar.istio.io/proxyImage", "evil/proxy:1");
        PodInjection refused = engine.inject(pod, PodRequest.offline("shop"));
        assertThat(refused.parts().proxyContainer().get("image").asString()).isEqualTo("docker.io/envoyproxy/envoy:v1.36.2");
        assertThat(refused.warnings()).anyMatch(w -> w.contains("sidecar.istio.io/proxyImage") && w.contains("ignored"));

        InjectionConfig permissive = ConfigLoader.parse("t", """
                defaultProfile: p
                allowImageOverride: true
                profiles:
                  p: {proxyImage: envoy, initImage: iptables}
                """);
        assertThat(new InjectionEngine(permissive).inject(pod, PodRequest.offline("shop")).parts()
                .proxyContainer().get("image").asString()).isEqualTo("evil/proxy:1");
    }

    @Test
    void unsupportedIstioAnnotationsAreWarnedAboutNotObeyed() {
        ObjectNode pod = pod(APP);
        Json.objectAt((ObjectNode) pod.get("metadata"), "annotations")
                .put("sidecar.istio.io/userVolume", "{\"x\":{\"hostPath\":{\"path\":\"/\"}}}");
        PodInjection result = engine.inject(pod, PodRequest.offline("shop"));
        assertThat(result.warnings()).containsExactly(
                "annotation sidecar.istio.io/userVolume was ignored: volumes are never added to the sidecar from annotations");
        assertThat(result.pod().at("/spec/volumes").toString()).doesNotContain("hostPath");
    }

    @Test
    void aUsersOwnProxyContainerIsMergedOverOursAndRestoredByUninject() {
        ObjectNode pod = pod("""
                metadata: {name: gw}
                spec:
                  containers:
                  - name: app
                    image: app:1
                  - name: istio-proxy
                    image: auto
                    resources: {requests: {cpu: 123m}}
                    tty: true
                """);
        JsonNode injected = engine.inject(pod, PodRequest.offline("shop")).pod();
        JsonNode containers = injected.at("/spec/containers");
        assertThat(names(containers)).containsExactly("istio-proxy", "app");
        JsonNode proxy = containers.get(0);
        assertThat(proxy.get("image").asString()).isEqualTo("docker.io/envoyproxy/envoy:v1.36.2");
        assertThat(proxy.at("/resources/requests/cpu").asString()).isEqualTo("123m");
        assertThat(proxy.at("/resources/requests/memory").asString()).isEqualTo("128Mi");
        assertThat(proxy.get("tty").asBoolean()).isTrue();
        assertThat(engine.uninject((ObjectNode) injected)).isEqualTo(pod);
    }

    @Test
    void aPodIstiodInjectedIsLeftToIstiodUntilUninjected() {
        ObjectNode istioInjected = pod("""
                metadata:
                  annotations:
                    sidecar.istio.io/status: '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-data"],"imagePullSecrets":null,"revision":"default"}'
                spec:
                  initContainers: [{name: istio-init, image: docker.io/istio/proxyv2:1.20, args: [istio-iptables, -p, "15001"]}]
                  containers: [{name: app, image: app:1}, {name: istio-proxy, image: docker.io/istio/proxyv2:1.20, args: [proxy, sidecar]}]
                  volumes: [{name: istio-data, emptyDir: {}}]
                """);
        PodInjection skipped = engine.inject(istioInjected, PodRequest.offline("shop"));
        assertThat(skipped.injected()).isFalse();
        assertThat(skipped.decision().summary()).contains("already injected by istiod (revision default)");
        assertThat(skipped.pod()).isEqualTo(istioInjected);

        JsonNode result = engine.inject(engine.uninject(istioInjected), PodRequest.offline("shop")).pod();
        assertThat(result.toString()).doesNotContain("proxyv2").doesNotContain("istio-data");
        assertThat(names(result.at("/spec/containers"))).containsExactly("istio-proxy", "app");
    }

    @Test
    void aMalformedStatusRecordIsAnErrorNamingIt() {
        ObjectNode pod = pod(APP);
        Json.objectAt((ObjectNode) pod.get("metadata"), "annotations").put("sidecar.istio.io/status", "{not json");
        assertThatThrownBy(() -> engine.inject(pod, PodRequest.offline("shop")))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining("sidecar.istio.io/status");
    }

    @Test
    void aPodWithoutContainersIsMalformed() {
        assertThatThrownBy(() -> engine.inject(pod("metadata: {name: x}\nspec: {containers: []}"), PodRequest.offline("shop")))
                .isInstanceOf(MalformedPodException.class)
                .hasMessage("spec.containers: must be a non-empty list");
    }

    @Test
    void templateHashChangesWithTheRenderedSidecarOnly() {
        String a = engine.inject(pod(APP), PodRequest.offline("shop")).pod()
                .at("/metadata/annotations/kubectl-sidecar~1template-hash").asString();
        String b = engine.inject(pod(APP.replace("web:1", "web:2")), PodRequest.offline("shop")).pod()
                .at("/metadata/annotations/kubectl-sidecar~1template-hash").asString();
        ObjectNode cheaper = pod(APP);
        Json.objectAt((ObjectNode) cheaper.get("metadata"), "annotations").put("sidecar.istio.io/proxyCPU", "10m");
        String c = engine.inject(cheaper, PodRequest.offline("shop")).pod()
                .at("/metadata/annotations/kubectl-sidecar~1template-hash").asString();
        assertThat(a).hasSize(16).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void theInputIsNeverModified() {
        ObjectNode pod = pod(APP);
        ObjectNode copy = pod.deepCopy();
        engine.inject(pod, PodRequest.offline("shop"));
        assertThat(pod).isEqualTo(copy);
    }
}
