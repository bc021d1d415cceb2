package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.InvalidAnnotationException;
import dev.kubectlsidecar.injector.Json;
import dev.kubectlsidecar.injector.JsonMappers;
import dev.kubectlsidecar.injector.MalformedPodException;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
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
                        "lists field spec.containers"));
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
        ObjectNode proxy = (ObjectNode) injected.at("/spec/containers/1");
        proxy.withArray("args").add("--concurrency").add("64");
        assertThat(catchThrowable(() -> ENGINE.inject(injected, PodRequest.offline("shop"))))
                .isInstanceOf(InvalidAnnotationException.class).hasMessageContaining("lists istio-proxy");
    }

    @Test
    void aRecordThatWouldLeaveNoContainerIsAnError() {
        ObjectNode injected = ENGINE.inject(plain(), PodRequest.offline("shop")).pod();
        ((ObjectNode) injected.get("spec")).withArray("containers").remove(0);
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
}
