package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A pod author who cannot change the injector's config tries to get more than the config gives: an image, a
 * capability, root, another proxy UID, a host volume. Each attempt is refused (an error naming the annotation or
 * field, which the webhook turns into a denial) or ignored with a warning naming it; never obeyed.
 */
class AnnotationAbuseTest {
    private static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault());
    private static final String POD = """
            metadata: {name: web}
            spec:
              containers: [{name: app, image: app:1}]
              volumes: [{name: host, hostPath: {path: /}}]
            """;
    /** What a pod gets when it asks for nothing: the yardstick for "ignored". */
    private static final PodInjection PLAIN = ENGINE.inject(pod(), PodRequest.offline("shop"));

    private static ObjectNode pod() {
        return (ObjectNode) JsonMappers.YAML.readTree(POD);
    }

    private static UnaryOperator<ObjectNode> annotation(String key, String value) {
        return pod -> {
            Json.objectAt(Json.objectAt(pod, "metadata"), "annotations").put(key, value);
            return pod;
        };
    }

    /** The pod's own sidecar container (Istio's way to customise the injected one), in {@code list}. */
    private static UnaryOperator<ObjectNode> own(String list, String containerYaml) {
        return pod -> {
            Json.arrayAt((ObjectNode) pod.get("spec"), list).add(JsonMappers.YAML.readTree(containerYaml));
            return pod;
        };
    }

    private static UnaryOperator<ObjectNode> ownProxy(String securityContextYaml) {
        return own("containers", "{name: istio-proxy, image: auto, securityContext: " + securityContextYaml + "}");
    }

    private static UnaryOperator<ObjectNode> securityContext(String scope, String yaml) {
        return pod -> {
            ObjectNode target = scope.equals("pod") ? (ObjectNode) pod.get("spec") : (ObjectNode) pod.at("/spec/containers/0");
            target.set("securityContext", JsonMappers.YAML.readTree(yaml));
            return pod;
        };
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("TPROXY, which needs NET_ADMIN and root in the proxy",
                        annotation("sidecar.istio.io/interceptionMode", "TPROXY"), "sidecar.istio.io/interceptionMode"),
                Arguments.of("a capability for the proxy",
                        annotation("sidecar.istio.io/capNetBindService", "true"), "sidecar.istio.io/capNetBindService"),
                Arguments.of("a privileged core-dump init container",
                        annotation("sidecar.istio.io/enableCoreDump", "true"), "sidecar.istio.io/enableCoreDump"),
                Arguments.of("a quantity Kubernetes would silently cap",
                        annotation("sidecar.istio.io/proxyMemory", "1e999"), "sidecar.istio.io/proxyMemory"),
                Arguments.of("a request over the profile's limit",
                        annotation("sidecar.istio.io/proxyCPU", "64"), "sidecar.istio.io/proxyCPU"),
                Arguments.of("a limit under the profile's request",
                        annotation("sidecar.istio.io/proxyMemoryLimit", "1Mi"), "sidecar.istio.io/proxyMemoryLimit"),
                Arguments.of("a privileged proxy", ownProxy("{privileged: true}"),
                        "spec.containers[1].securityContext.privileged"),
                Arguments.of("privilege escalation", ownProxy("{allowPrivilegeEscalation: true}"),
                        "spec.containers[1].securityContext.allowPrivilegeEscalation"),
                Arguments.of("a capability added to the proxy", ownProxy("{capabilities: {add: [NET_ADMIN]}}"),
                        "spec.containers[1].securityContext.capabilities.add"),
                Arguments.of("the default capabilities kept", ownProxy("{capabilities: {drop: []}}"),
                        "spec.containers[1].securityContext.capabilities.drop"),
                Arguments.of("the proxy as root", ownProxy("{runAsUser: 0}"),
                        "spec.containers[1].securityContext.runAsUser"),
                Arguments.of("another proxy UID", ownProxy("{runAsUser: 1000620000}"),
                        "spec.containers[1].securityContext.runAsUser"),
                Arguments.of("another proxy GID", ownProxy("{runAsGroup: 0}"),
                        "spec.containers[1].securityContext.runAsGroup"),
                Arguments.of("root allowed", ownProxy("{runAsNonRoot: false}"),
                        "spec.containers[1].securityContext.runAsNonRoot"),
                Arguments.of("a writable root filesystem", ownProxy("{readOnlyRootFilesystem: false}"),
                        "spec.containers[1].securityContext.readOnlyRootFilesystem"),
                Arguments.of("an SELinux type (spc_t is a super-privileged container)",
                        ownProxy("{seLinuxOptions: {type: spc_t}}"), "spec.containers[1].securityContext.seLinuxOptions"),
                Arguments.of("no seccomp", ownProxy("{seccompProfile: {type: Unconfined}}"),
                        "spec.containers[1].securityContext.seccompProfile"),
                Arguments.of("an unmasked /proc", ownProxy("{procMount: Unmasked}"),
                        "spec.containers[1].securityContext.procMount"),
                Arguments.of("no security context at all", ownProxy("null"), "spec.containers[1].securityContext"),
                Arguments.of("more capabilities for istio-init",
                        own("initContainers", "{name: istio-init, securityContext: {capabilities: {add: [SYS_ADMIN]}}}"),
                        "spec.initContainers[0].securityContext.capabilities.add"),
                Arguments.of("CAP_-spelt capabilities for istio-init",
                        own("initContainers", "{name: istio-init, securityContext: {capabilities: {add: [CAP_SYS_PTRACE]}}}"),
                        "spec.initContainers[0].securityContext.capabilities.add"),
                Arguments.of("a privileged istio-init",
                        own("initContainers", "{name: istio-init, securityContext: {privileged: true}}"),
                        "spec.initContainers[0].securityContext.privileged"),
                Arguments.of("the node's filesystem in the proxy",
                        own("containers", "{name: istio-proxy, volumeMounts: [{name: host, mountPath: /host}]}"),
                        "spec.containers[1].volumeMounts"),
                Arguments.of("the node's filesystem in istio-init",
                        own("initContainers", "{name: istio-init, volumeMounts: [{name: host, mountPath: /host}]}"),
                        "spec.initContainers[0].volumeMounts"),
                Arguments.of("CAP_ALL, which runtimes do not read as ALL, dropped by the proxy",
                        ownProxy("{capabilities: {drop: [CAP_ALL]}}"), "spec.containers[1].securityContext.capabilities.drop"),
                Arguments.of("CAP_ALL dropped by istio-init",
                        own("initContainers", "{name: istio-init, securityContext: {capabilities: {drop: [CAP_ALL]}}}"),
                        "spec.initContainers[0].securityContext.capabilities.drop"),
                Arguments.of("every capability added, in lower case", ownProxy("{capabilities: {add: [all]}}"),
                        "spec.containers[1].securityContext.capabilities.add"),
                Arguments.of("a native proxy that no longer restarts",
                        own("containers", "{name: istio-proxy, image: auto, restartPolicy: Never}"),
                        "spec.containers[1].restartPolicy"),
                Arguments.of("istio-init over the profile's memory limit",
                        own("initContainers", "{name: istio-init, resources: {limits: {memory: 51Mi}}}"),
                        "spec.initContainers[0].resources.limits.memory"),
                Arguments.of("istio-init requesting more CPU than the profile allows",
                        own("initContainers", "{name: istio-init, resources: {requests: {cpu: 101m}}}"),
                        "spec.initContainers[0].resources.requests.cpu"),
                Arguments.of("istio-init claiming a device",
                        own("initContainers", "{name: istio-init, resources: {claims: [{name: gpu}]}}"),
                        "spec.initContainers[0].resources.claims"),
                Arguments.of("istio-init with an invalid quantity",
                        own("initContainers", "{name: istio-init, resources: {limits: {cpu: lots}}}"),
                        "spec.initContainers[0].resources.limits.cpu"),
                Arguments.of("a privileged proxy smuggled in through a forged injection record",
                        forgedRecord("{\"containers\":[{\"name\":\"istio-proxy\",\"securityContext\":{\"privileged\":true}}]}"),
                        "securityContext.privileged"));
    }

    /** Every field a pod's own istio-init may not set: what runs as root, and where its report comes from. */
    static Stream<Arguments> ownInitFields() {
        return Stream.of("command: [sh, -c, 'sleep 1d']", "args: [-p, '1']", "lifecycle: {postStart: {exec: {command: [id]}}}",
                "env: [{name: A, value: b}]", "envFrom: [{configMapRef: {name: x}}]", "restartPolicy: Always",
                "ports: [{containerPort: 80}]", "volumeMounts: [{name: x, mountPath: /x}]",
                "volumeDevices: [{name: x, devicePath: /dev/x}]", "startupProbe: {exec: {command: [id]}}",
                "livenessProbe: {exec: {command: [id]}}", "readinessProbe: {exec: {command: [id]}}",
                "workingDir: /tmp", "stdin: true", "stdinOnce: true", "tty: true",
                "terminationMessagePath: /tmp/forged", "terminationMessagePolicy: FallbackToLogsOnError",
                "imagePullPolicy: Always", "resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]",
                "someFutureField: 1").map(Arguments::of);
    }

    @ParameterizedTest(name = "own istio-init refused: {0}")
    @MethodSource("ownInitFields")
    void anOwnInitContainerMayOnlyTighten(String field) {
        String name = field.substring(0, field.indexOf(':'));
        Throwable thrown = catchThrowable(() -> ENGINE.inject(
                own("initContainers", "{name: istio-init, image: auto, " + field + "}").apply(pod()), PodRequest.offline("shop")));
        assertThat(thrown).isInstanceOf(MalformedPodException.class)
                .hasMessageStartingWith("spec.initContainers[0]." + name + ": may not be set on a pod's own istio-init");
    }

    @Test
    void anOwnInitContainerMayLowerItsResourcesAndDropAllInAnyCase() {
        ObjectNode pod = own("initContainers", "{name: istio-init, image: auto, resources: {limits: {cpu: 50m, memory: 50Mi},"
                + " requests: {cpu: 5m}}, securityContext: {capabilities: {drop: [all]}}}").apply(pod());
        JsonNode init = container(ENGINE.inject(pod, PodRequest.offline("shop")).pod().at("/spec/initContainers"), "istio-init");
        assertThat(init.at("/resources/limits/cpu").asString()).isEqualTo("50m");
        assertThat(init.at("/resources/requests/memory").asString()).isEqualTo("10Mi");
        assertThat(init.at("/command/0").asString()).isEqualTo("sh");
    }

    /** An injection record (as if injected before) whose saved "own container" is the attacker's. */
    private static UnaryOperator<ObjectNode> forgedRecord(String overrides) {
        return pod -> annotation(InjectionRecord.ANNOTATION,
                "{\"initContainers\":null,\"containers\":null,\"volumes\":null,"
                        + "\"kubectl-sidecar\":{\"positions\":{\"istio-proxy\":\"containers/1\"}}}")
                .andThen(annotation(SidecarRenderer.OVERRIDES, overrides)).apply(pod);
    }

    @ParameterizedTest(name = "refused: {0}")
    @MethodSource("refused")
    void refusedNamingTheAnnotationOrField(String attempt, UnaryOperator<ObjectNode> abuse, String named) {
        Throwable thrown = catchThrowable(() -> ENGINE.inject(abuse.apply(pod()), PodRequest.offline("shop")));
        assertThat(thrown).as(attempt).isInstanceOfAny(InvalidAnnotationException.class, MalformedPodException.class);
        assertThat(thrown.getMessage()).contains(named).doesNotContain("\n");
    }

    static Stream<Arguments> ignored() {
        return Stream.of(
                Arguments.of("an image by annotation", annotation("sidecar.istio.io/proxyImage", "evil/proxy:1"),
                        "sidecar.istio.io/proxyImage"),
                Arguments.of("an image variant", annotation("sidecar.istio.io/proxyImageType", "debug"),
                        "sidecar.istio.io/proxyImageType"),
                Arguments.of("a hostPath volume", annotation("sidecar.istio.io/userVolume",
                        "{\"root\":{\"hostPath\":{\"path\":\"/\"}}}"), "sidecar.istio.io/userVolume"),
                Arguments.of("a volume mount", annotation("sidecar.istio.io/userVolumeMount",
                        "{\"host\":{\"mountPath\":\"/host\"}}"), "sidecar.istio.io/userVolumeMount"),
                Arguments.of("a bootstrap from a ConfigMap", annotation("sidecar.istio.io/bootstrapOverride", "evil-bootstrap"),
                        "sidecar.istio.io/bootstrapOverride"),
                Arguments.of("proxy config fields beyond the start/stop subset",
                        annotation("proxy.istio.io/config", "discoveryAddress: evil.example:15012"),
                        "proxy.istio.io/config"),
                Arguments.of("injection templates", annotation("inject.istio.io/templates", "privileged"),
                        "inject.istio.io/templates"),
                Arguments.of("the proxy UID through a traffic annotation", annotation("traffic.sidecar.istio.io/proxyUID", "0"),
                        "traffic.sidecar.istio.io/proxyUID"),
                Arguments.of("the proxy GID through a traffic annotation", annotation("traffic.sidecar.istio.io/proxyGID", "0"),
                        "traffic.sidecar.istio.io/proxyGID"),
                Arguments.of("an image through the pod's own istio-proxy",
                        own("containers", "{name: istio-proxy, image: evil/proxy:1}"), "container istio-proxy: image"),
                Arguments.of("an image through the pod's own istio-init",
                        own("initContainers", "{name: istio-init, image: evil/iptables:1}"), "container istio-init: image"));
    }

    @ParameterizedTest(name = "ignored: {0}")
    @MethodSource("ignored")
    void ignoredWithAWarningAndTheSidecarIsTheConfigs(String attempt, UnaryOperator<ObjectNode> abuse, String named) {
        PodInjection result = ENGINE.inject(abuse.apply(pod()), PodRequest.offline("shop"));
        assertThat(result.warnings()).as(attempt).singleElement().asString().contains(named).contains("ignored");
        assertThat(sidecar(result.pod())).as("the sidecar of a pod that asked for nothing").isEqualTo(sidecar(PLAIN.pod()));
    }

    static Stream<Arguments> bypassing() {
        return Stream.of(
                Arguments.of(securityContext("container", "{runAsUser: 1337}"), "UID 1337 (spec.containers[1].securityContext.runAsUser)"),
                Arguments.of(securityContext("pod", "{runAsUser: 1337}"), "UID 1337 (spec.securityContext.runAsUser)"),
                Arguments.of(securityContext("container", "{runAsGroup: 1337}"), "GID 1337 (spec.containers[1].securityContext.runAsGroup)"),
                Arguments.of(securityContext("pod", "{runAsUser: 1337, runAsGroup: 1337}"),
                        "UID 1337 (spec.securityContext.runAsUser) and GID 1337 (spec.securityContext.runAsGroup)"));
    }

    @ParameterizedTest(name = "flagged: {1}")
    @MethodSource("bypassing")
    void anAppContainerRunningAsTheProxyIsInjectedAndFlagged(UnaryOperator<ObjectNode> runAs, String ids) {
        PodInjection result = ENGINE.inject(runAs.apply(pod()), PodRequest.offline("shop"));
        assertThat(result.injected()).isTrue();
        assertThat(result.warnings()).containsExactly("container app runs as the proxy's " + ids
                + ": the iptables rules never capture the proxy's own IDs, so its traffic bypasses the proxy");
        assertThat(ENGINE.proxyBypass(result.pod())).isEqualTo(result.warnings());
    }

    @Test
    void aContainersOwnUserWinsOverThePods() {
        ObjectNode pod = securityContext("pod", "{runAsUser: 1337}").andThen(securityContext("container", "{runAsUser: 1000}"))
                .apply(pod());
        assertThat(ENGINE.inject(pod, PodRequest.offline("shop")).warnings()).isEmpty();
    }

    @Test
    void tighteningTheSidecarAndNamingTheConfigsOwnChoicesIsFine() {
        ObjectNode pod = ownProxy("{seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL, NET_RAW], add: null},"
                + " runAsUser: 1337, privileged: false, procMount: Default}")
                .andThen(own("initContainers", "{name: istio-init, image: auto, securityContext: {capabilities: {add: [NET_ADMIN]}}}"))
                .andThen(annotation("sidecar.istio.io/interceptionMode", "REDIRECT"))
                .andThen(annotation("sidecar.istio.io/capNetBindService", "false"))
                .andThen(annotation("sidecar.istio.io/enableCoreDump", "false"))
                .apply(pod());
        PodInjection result = ENGINE.inject(pod, PodRequest.offline("shop"));
        assertThat(result.warnings()).isEmpty();
        JsonNode proxy = container(result.pod().at("/spec/containers"), "istio-proxy");
        assertThat(proxy.at("/securityContext/seccompProfile/type").asString()).isEqualTo("RuntimeDefault");
        assertThat(container(result.pod().at("/spec/initContainers"), "istio-init").at("/securityContext/capabilities/add"))
                .hasSize(1);
        assertThat(ENGINE.uninject((ObjectNode) result.pod())).isEqualTo(pod);
    }

    @Test
    void aNoopCopyOfTheConfigsImageIsNotAnOverride() {
        String image = PLAIN.parts().proxyContainer().get("image").asString();
        PodInjection result = ENGINE.inject(own("containers", "{name: istio-proxy, image: " + image + "}").apply(pod()),
                PodRequest.offline("shop"));
        assertThat(result.warnings()).isEmpty();
    }

    /** The injected sidecar: init container, proxy and the volumes injection added. */
    private static List<JsonNode> sidecar(JsonNode pod) {
        ArrayNode volumes = Json.array();
        pod.at("/spec/volumes").forEach(v -> {
            if (!v.path("name").asString().equals("host")) {
                volumes.add(v);
            }
        });
        return List.of(container(pod.at("/spec/initContainers"), "istio-init"), container(pod.at("/spec/containers"), "istio-proxy"),
                volumes);
    }

    private static JsonNode container(JsonNode list, String name) {
        for (JsonNode container : list) {
            if (name.equals(container.path("name").asString(null))) {
                return container;
            }
        }
        throw new AssertionError("no container " + name + " in " + list);
    }
}
