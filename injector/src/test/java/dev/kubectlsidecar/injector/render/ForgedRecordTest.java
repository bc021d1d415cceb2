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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The injection record ({@code sidecar.istio.io/status}) and the saved own containers
 * ({@code proxy.istio.io/overrides}) are annotations a pod author writes at will. Forged, they must not make
 * reinjection (the webhook), its skip path or uninject delete what injection never added, nor bring back a
 * container that loosens the sidecar.
 */
class ForgedRecordTest {
    private static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault());
    private static final String POD = """
            metadata:
              name: web
              annotations: {owner: team-a}
            spec:
              initContainers: [{name: migrate, image: migrate:1}]
              containers: [{name: app, image: app:1, volumeMounts: [{name: data, mountPath: /data}]}]
              volumes: [{name: data, persistentVolumeClaim: {claimName: data}}, {name: host, hostPath: {path: /}}]
            """;

    private static ObjectNode pod(String recordJson) {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree(POD);
        Json.objectAt((ObjectNode) pod.get("metadata"), "annotations").put(InjectionRecord.ANNOTATION, recordJson);
        return pod;
    }

    static Stream<Arguments> forgedRecords() {
        return Stream.of(
                Arguments.of("the app container", "{\"containers\":[\"app\"]}", "lists app in containers, but injection adds only istio-proxy there"),
                Arguments.of("an app init container", "{\"initContainers\":[\"migrate\"]}", "lists migrate in initContainers, but injection adds only istio-init and istio-proxy there"),
                Arguments.of("the app's data volume", "{\"volumes\":[\"data\"]}", "lists volume data"),
                Arguments.of("an app annotation", "{\"kubectl-sidecar\":{\"annotations\":[\"owner\"]}}",
                        "lists annotation owner"),
                Arguments.of("the container list", "{\"kubectl-sidecar\":{\"created\":[\"spec.containers\"]}}",
                        "lists field spec.containers"),
                Arguments.of("the app container, as ours", "{\"containers\":[\"app\"],\"kubectl-sidecar\":{}}",
                        "lists app in containers, but injection adds only istio-proxy there"),
                Arguments.of("an app init container, as ours",
                        "{\"initContainers\":[\"migrate\"],\"kubectl-sidecar\":{}}",
                        "lists migrate in initContainers, but injection adds only istio-init and istio-proxy there"),
                Arguments.of("an app volume, as ours", "{\"volumes\":[\"host\"],\"kubectl-sidecar\":{}}",
                        "lists volume host"),
                Arguments.of("an istiod-only container, as ours",
                        "{\"initContainers\":[\"istio-validation\"],\"kubectl-sidecar\":{}}",
                        "lists istio-validation in initContainers"));
    }

    @ParameterizedTest(name = "record naming {0}")
    @MethodSource("forgedRecords")
    void aRecordNamingWhatInjectionNeverAddsIsAnErrorNamingIt(String what, String record, String problem) {
        for (Runnable path : new Runnable[] {
                () -> ENGINE.inject(pod(record), PodRequest.offline("shop")),
                () -> ENGINE.uninject(pod(record))}) {
            Throwable thrown = catchThrowable(path::run);
            assertThat(thrown).as(what).isInstanceOf(InvalidAnnotationException.class)
                    .hasMessageStartingWith("invalid annotation sidecar.istio.io/status=")
                    .hasMessageContaining(problem)
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void theSkipPathNeitherRemovesNorRestoresWhateverTheRecordSays() {
        ObjectNode pod = pod("{\"containers\":[\"app\"],\"volumes\":[\"data\"]}");
        Json.objectAt((ObjectNode) pod.get("metadata"), "annotations").put("sidecar.istio.io/inject", "false");
        PodInjection result = ENGINE.inject(pod, PodRequest.offline("shop"));
        assertThat(result.injected()).isFalse();
        assertThat(result.pod()).isEqualTo(pod);
    }

    @Test
    void aVolumeNamedLikeOursButShapedOtherwiseIsNotRemoved() {
        ObjectNode pod = pod("{\"volumes\":[\"istio-data\"]}");
        ((ObjectNode) pod.at("/spec/volumes/1")).put("name", "istio-data");
        assertThat(catchThrowable(() -> ENGINE.uninject(pod))).isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining("the pod's volume istio-data is not the one injection adds");
    }

    @Test
    void anOwnContainerNamedLikeTheSidecarIsNotRemovedByARecordThatDidNotPutItThere() {
        ObjectNode pod = pod("{\"containers\":[\"istio-proxy\"]}");
        Json.arrayAt((ObjectNode) pod.get("spec"), "containers").add(JsonMappers.YAML.readTree(
                "{name: istio-proxy, image: auto, command: [sh, -c, 'echo mine']}"));
        assertThat(catchThrowable(() -> ENGINE.uninject(pod))).isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining("spec.containers[1] is not the sidecar injection added");
    }

    @Test
    void anInjectedSidecarEditedAfterwardsIsNotSilentlyReplaced() {
        ObjectNode injected = ENGINE.inject(plain(), PodRequest.offline("shop")).pod();
        ObjectNode proxy = (ObjectNode) injected.at("/spec/containers/0");
        assertThat(proxy.path("name").asString()).as("the holding proxy is first").isEqualTo("istio-proxy");
        proxy.withArray("args").add("--concurrency").add("64");
        assertThat(catchThrowable(() -> ENGINE.inject(injected, PodRequest.offline("shop"))))
                .isInstanceOf(InvalidAnnotationException.class).hasMessageContaining("lists istio-proxy");
    }

    @Test
    void aRecordThatWouldLeaveNoContainerIsAnError() {
        ObjectNode injected = ENGINE.inject(plain(), PodRequest.offline("shop")).pod();
        ((ObjectNode) injected.get("spec")).withArray("containers").remove(1);
        assertThat(names(injected.at("/spec/containers"))).as("only the sidecar is left").containsExactly("istio-proxy");
        assertThat(catchThrowable(() -> ENGINE.uninject(injected))).isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining("without containers");
    }

    /** A saved "own container" that is privileged, mounts the node's root and runs another image. */
    private static ObjectNode forgedOverride() {
        ObjectNode pod = pod("{\"kubectl-sidecar\":{\"positions\":{\"istio-proxy\":\"containers/1\"}}}");
        Json.objectAt((ObjectNode) pod.get("metadata"), "annotations").put(SidecarRenderer.OVERRIDES,
                "{\"containers\":[{\"name\":\"istio-proxy\",\"image\":\"evil/root:1\",\"securityContext\":"
                        + "{\"privileged\":true},\"volumeMounts\":[{\"name\":\"host\",\"mountPath\":\"/host\"}]}]}");
        return pod;
    }

    @Test
    void uninjectChecksARestoredOwnContainerLikeAnOwnSidecarContainer() {
        assertThat(catchThrowable(() -> ENGINE.uninject(forgedOverride()))).isInstanceOf(MalformedPodException.class)
                .hasMessageContaining("securityContext.privileged");
    }

    @Test
    void theSkipPathRestoresNothing() {
        ObjectNode pod = forgedOverride();
        Json.objectAt((ObjectNode) pod.get("metadata"), "annotations").put("sidecar.istio.io/inject", "false");
        PodInjection result = ENGINE.inject(pod, PodRequest.offline("shop"));
        assertThat(result.injected()).isFalse();
        assertThat(result.pod()).isEqualTo(pod);
    }

    @Test
    void aGenuineRecordStillUninjectsExactly() {
        ObjectNode plain = plain();
        JsonNode injected = ENGINE.inject(plain, PodRequest.offline("shop")).pod();
        assertThat(ENGINE.uninject((ObjectNode) injected)).isEqualTo(plain);
    }

    private static ObjectNode plain() {
        ObjectNode pod = pod("{}");
        ((ObjectNode) pod.get("metadata").get("annotations")).remove(InjectionRecord.ANNOTATION);
        return pod;
    }

    private static java.util.List<String> names(tools.jackson.databind.JsonNode list) {
        java.util.List<String> out = new java.util.ArrayList<>();
        list.forEach(c -> out.add(c.path("name").asString()));
        return out;
    }

    /** A pod as istiod's template injects it: Istio's containers and volumes (CRL, legacy podinfo, a user volume). */
    private static final String ISTIOD_INJECTED = """
            metadata:
              name: web
              annotations:
                owner: team-a
                sidecar.istio.io/userVolume: '{"extra":{"configMap":{"name":"extra"}}}'
                sidecar.istio.io/status: '{"initContainers":["istio-validation","istio-proxy"],"containers":null,"volumes":["istio-envoy","istio-data","podinfo","istio-token","istiod-ca-cert","istio-ca-crl","workload-socket","extra"],"imagePullSecrets":null,"revision":"default"}'
            spec:
              initContainers:
              - {name: istio-validation, image: proxyv2, args: [istio-iptables, -p, "15001", --run-validation]}
              - {name: istio-proxy, image: proxyv2, args: [proxy, sidecar, --domain, x], restartPolicy: Always}
              - {name: migrate, image: migrate:1}
              containers: [{name: app, image: app:1, volumeMounts: [{name: data, mountPath: /data}]}]
              volumes:
              - {name: data, persistentVolumeClaim: {claimName: data}}
              - {name: workload-socket, emptyDir: {}}
              - {name: istio-envoy, emptyDir: {medium: Memory}}
              - {name: istio-data, emptyDir: {}}
              - {name: podinfo, downwardAPI: {defaultMode: 420, items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}, {path: annotations, fieldRef: {fieldPath: metadata.annotations}}]}}
              - {name: istio-token, projected: {sources: [{serviceAccountToken: {audience: istio-ca, expirationSeconds: 43200, path: istio-token}}]}}
              - {name: istiod-ca-cert, configMap: {name: istio-ca-root-cert}}
              - {name: istio-ca-crl, configMap: {name: istio-ca-crl, optional: true}}
              - {name: extra, configMap: {name: extra}}
            """;

    private static ObjectNode istiodInjected(String from, String to) {
        String yaml = ISTIOD_INJECTED.replace(from, to);
        assertThat(yaml).as("the fixture changed").isNotEqualTo(ISTIOD_INJECTED);
        return (ObjectNode) JsonMappers.YAML.readTree(yaml);
    }

    @Test
    void istiodsGenuineRecordIsSkippedUntouchedAndUninjectedToTheAppAlone() {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree(ISTIOD_INJECTED);
        PodInjection result = ENGINE.inject(pod, PodRequest.offline("shop"));
        assertThat(result.injected()).isFalse();
        assertThat(result.decision().summary()).contains("already injected by istiod");
        assertThat(result.pod()).isEqualTo(pod);

        ObjectNode back = ENGINE.uninject(pod);
        assertThat(back.at("/spec/initContainers"))
                .isEqualTo(JsonMappers.YAML.readTree("[{name: migrate, image: migrate:1}]"));
        assertThat(back.at("/spec/containers").size()).isEqualTo(1);
        assertThat(back.at("/spec/volumes")).isEqualTo(JsonMappers.YAML.readTree(
                "[{name: data, persistentVolumeClaim: {claimName: data}}]"));
        assertThat(back.at("/metadata/annotations").has(InjectionRecord.ANNOTATION)).isFalse();
        assertThat(back.at("/metadata/annotations/owner").asString()).isEqualTo("team-a");
    }

    /** A record without our member is istiod's only if it holds up: otherwise an error, never a skip or a removal. */
    static Stream<Arguments> forgedIstiodRecords() {
        return Stream.of(
                Arguments.of("an app volume", "\"workload-socket\",\"extra\"", "\"workload-socket\",\"data\"",
                        "lists volume data, which is not one injection adds"),
                Arguments.of("a volume Istio adds, shaped otherwise", "{name: istio-data, emptyDir: {}}",
                        "{name: istio-data, hostPath: {path: /}}", "the pod's volume istio-data is not the one"),
                Arguments.of("a user volume the annotation does not declare", "{\"extra\":", "{\"other\":",
                        "lists volume extra"),
                Arguments.of("a user volume other than declared", "{name: extra, configMap: {name: extra}}",
                        "{name: extra, configMap: {name: secrets}}", "the pod's volume extra is not the one"),
                Arguments.of("an app init container", "\"istio-proxy\"],\"containers\"",
                        "\"istio-proxy\",\"migrate\"],\"containers\"", "lists migrate in initContainers"),
                Arguments.of("no proxy", "[\"istio-validation\",\"istio-proxy\"]", "[\"istio-validation\"]",
                        "lists no istio-proxy"),
                Arguments.of("a proxy the pod lacks",
                        "  - {name: istio-proxy, image: proxyv2, args: [proxy, sidecar, --domain, x], restartPolicy: Always}\n",
                        "", "the pod has no istio-proxy there"),
                Arguments.of("a proxy running another program", "args: [proxy, sidecar, --domain, x]",
                        "command: [sh, -c, 'echo mine'], args: [proxy, sidecar]",
                        "spec.initContainers[1] is not the sidecar"),
                Arguments.of("a validation container running another program",
                        "args: [istio-iptables, -p, \"15001\", --run-validation]", "args: [sh, -c, 'echo mine']",
                        "spec.initContainers[0] is not the sidecar"));
    }

    @ParameterizedTest(name = "istiod record with {0}")
    @MethodSource("forgedIstiodRecords")
    void aForgedIstiodRecordIsAnErrorNamingIt(String what, String from, String to, String problem) {
        for (Runnable path : new Runnable[] {
                () -> ENGINE.inject(istiodInjected(from, to), PodRequest.offline("shop")),
                () -> ENGINE.uninject(istiodInjected(from, to))}) {
            assertThat(catchThrowable(path::run)).as(what).isInstanceOf(InvalidAnnotationException.class)
                    .hasMessageStartingWith("invalid annotation sidecar.istio.io/status=")
                    .hasMessageContaining(problem)
                    .hasMessageNotContaining("\n");
        }
    }
}
